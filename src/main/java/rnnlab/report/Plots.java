package rnnlab.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import rnnlab.core.AtomicFiles;
import rnnlab.core.UserError;

/** Line charts as PNG files (XChart), written atomically. */
public final class Plots {
    /** One line: its legend name, points, whether dashed, whether with markers. */
    public record Series(String name, double[] x, double[] y, boolean dashed, boolean markers) {
        public static Series of(String name, List<? extends Number> x, List<? extends Number> y, boolean dashed,
                boolean markers) {
            return new Series(name, x.stream().mapToDouble(Number::doubleValue).toArray(),
                    y.stream().mapToDouble(Number::doubleValue).toArray(), dashed, markers);
        }
    }

    private Plots() {
    }

    /**
     * One quantity over seeds: its mean line, the 95% interval of the mean as two dotted edges (NaN where a single
     * seed gives none; both omitted when null), and every seed's own value as points (omitted when null), all in one
     * colour (the palette's next when null) with one legend entry.
     */
    public record SeedLine(String name, double[] x, double[] mean, double[] low, double[] high, double[] pointX,
            double[] pointY, boolean dashed, Color colour) {
        public SeedLine(String name, double[] x, double[] mean, double[] low, double[] high, double[] pointX,
                double[] pointY, boolean dashed) {
            this(name, x, mean, low, high, pointX, pointY, dashed, null);
        }
    }

    /** A labelled horizontal reference line (a vocabulary size, chance), grey and dashed. */
    public record Reference(String name, double y) {
    }

    /** The values a metric can take: interval bands are cut to it (a perplexity is at least 1, an accuracy in [0, 1]). */
    public record Range(double min, double max) {
        public static final Range PERPLEXITY = new Range(1, Double.POSITIVE_INFINITY);
        public static final Range ACCURACY = new Range(0, 1);
        public static final Range LOSS = new Range(0, Double.POSITIVE_INFINITY);
        public static final Range ANY = new Range(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);

        double clamp(double v) {
            return Double.isFinite(v) ? Math.max(min, Math.min(max, v)) : v;
        }
    }

    /** One colour per meaning across plots: training, held-out (dev, validation) and test figures. */
    public static final Color TRAIN = new Color(0x2CA02C);
    public static final Color DEV = new Color(0xE4007F);
    public static final Color TEST = new Color(0x1F77B4);
    /** The thin lines of single seeds under their mean. */
    public static final Color SEED = new Color(150, 150, 150, 120);

    private static final Color[] COLOURS = {new Color(0xE4007F), new Color(0x1F77B4),
        new Color(0x2CA02C), new Color(0xFF7F0E), new Color(0x9467BD),
        new Color(0x8C564B), new Color(0x17BECF), new Color(0x7F7F7F)};

    /** {@code title}, saying so when the plot is of a quick or custom run (its folder: results/quick, results/custom). */
    public static String title(Path png, String title) {
        Path dir = png.toAbsolutePath().getParent();
        String folder = dir == null || dir.getFileName() == null ? "" : dir.getFileName().toString();
        return switch (folder) {
            case "quick" -> title + " (quick profile: short run)";
            case "custom" -> title + " (custom settings)";
            default -> title;
        };
    }

    public static void line(Path file, String title, String xLabel, String yLabel, List<Series> series, boolean logY) {
        save(file, lineChart(title(file, title), xLabel, yLabel, series, logY));
    }

    /** The chart {@link #line} writes, before it is written. */
    public static XYChart lineChart(String title, String xLabel, String yLabel, List<Series> series, boolean logY) {
        XYChart chart = chart(title, xLabel, yLabel, logY);
        int i = 0;
        for (Series s : series) {
            if (s.x().length == 0) {
                continue;
            }
            XYSeries xy = chart.addSeries(s.name(), s.x(), s.y());
            Color c = COLOURS[i++ % COLOURS.length];
            xy.setLineColor(c);
            xy.setMarkerColor(c);
            xy.setLineStyle(s.dashed() ? SeriesLines.DASH_DASH : SeriesLines.SOLID);
            xy.setMarker(s.markers() ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        }
        axes(chart, logY);
        return chart;
    }

    /** Lines over seeds ({@link SeedLine}), plus fixed {@code extra} series (a tutorial's printed figures) in black. */
    public static void seeds(Path file, String title, String xLabel, String yLabel, List<SeedLine> lines,
            List<Series> extra, boolean logY) {
        seeds(file, title, xLabel, yLabel, lines, extra, List.of(), List.of(), logY, Range.ANY);
    }

    /** {@link #seeds} with reference lines, single seeds' thin grey lines and the metric's range. */
    public static void seeds(Path file, String title, String xLabel, String yLabel, List<SeedLine> lines,
            List<Series> extra, List<Reference> references, List<Series> seedLines, boolean logY, Range range) {
        save(file, seedsChart(title(file, title), xLabel, yLabel, lines, extra, references, seedLines, logY, range));
    }

    /**
     * The chart {@link #seeds} writes, before it is written: single seeds' lines thin and grey under one legend row,
     * each mean in its colour with its interval's edges cut to {@code range}, the extra series in black, the reference
     * lines grey and dashed across the data's epochs.
     */
    public static XYChart seedsChart(String title, String xLabel, String yLabel, List<SeedLine> lines,
            List<Series> extra, List<Reference> references, List<Series> seedLines, boolean logY, Range range) {
        XYChart chart = chart(title, xLabel, yLabel, logY);
        boolean first = true;
        int k = 0;
        for (Series s : seedLines) {
            if (s.x().length == 0) {
                continue;
            }
            XYSeries xy = chart.addSeries(first ? s.name() : s.name() + " #" + k, s.x(), clamp(s.y(), range, logY));
            k++;
            xy.setLineColor(SEED);
            xy.setMarkerColor(SEED);
            xy.setLineWidth(1f);
            xy.setMarker(SeriesMarkers.NONE);
            xy.setShowInLegend(first);
            first = false;
        }
        int i = 0;
        for (SeedLine l : lines) {
            if (l.x().length == 0) {
                continue;
            }
            Color c = l.colour() != null ? l.colour() : COLOURS[i++ % COLOURS.length];
            Color light = new Color(c.getRed(), c.getGreen(), c.getBlue(), 110);
            XYSeries mean = chart.addSeries(l.name(), l.x(), clamp(l.mean(), range, logY));
            mean.setLineColor(c);
            mean.setMarkerColor(c);
            mean.setLineStyle(l.dashed() ? SeriesLines.DASH_DASH : SeriesLines.SOLID);
            mean.setMarker(l.x().length <= 30 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            if (l.low() != null) {
                edge(chart, l.name() + " 95% low", l.x(), clamp(l.low(), range, logY), light);
                edge(chart, l.name() + " 95% high", l.x(), clamp(l.high(), range, logY), light);
            }
            if (l.pointX() != null && l.pointX().length > 0) {
                XYSeries pts = chart.addSeries(l.name() + " seeds", l.pointX(), l.pointY());
                pts.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                pts.setMarker(SeriesMarkers.DIAMOND);
                pts.setMarkerColor(light);
                pts.setShowInLegend(false);
            }
        }
        for (Series s : extra) {
            if (s.x().length == 0) {
                continue;
            }
            XYSeries xy = chart.addSeries(s.name(), s.x(), s.y());
            xy.setLineColor(Color.BLACK);
            xy.setMarkerColor(Color.BLACK);
            xy.setLineStyle(s.dashed() ? SeriesLines.DASH_DASH : SeriesLines.SOLID);
            xy.setMarker(s.markers() ? SeriesMarkers.SQUARE : SeriesMarkers.NONE);
        }
        double[] xs = xRange(chart);
        for (Reference r : references) {
            if (xs == null) {
                break;
            }
            XYSeries xy = chart.addSeries(r.name(), new double[] {xs[0], xs[1]}, new double[] {r.y(), r.y()});
            xy.setLineColor(Color.DARK_GRAY);
            xy.setLineStyle(SeriesLines.DASH_DOT);
            xy.setLineWidth(1.5f);
            xy.setMarker(SeriesMarkers.NONE);
        }
        axes(chart, logY);
        return chart;
    }

    /** {@code y} cut to the metric's range (and above 0 on a logarithmic axis, which cannot show 0). */
    private static double[] clamp(double[] y, Range range, boolean logY) {
        double[] out = new double[y.length];
        for (int k = 0; k < y.length; k++) {
            out[k] = range.clamp(y[k]);
            if (logY && out[k] <= 0) {
                out[k] = Double.NaN;
            }
        }
        return out;
    }

    /** An interval's edge: dotted, thin, no markers, out of the legend; NaN ends (one seed) left out. */
    private static void edge(XYChart chart, String name, double[] x, double[] y, Color colour) {
        List<double[]> kept = new ArrayList<>();
        for (int k = 0; k < x.length; k++) {
            if (Double.isFinite(y[k])) {
                kept.add(new double[] {x[k], y[k]});
            }
        }
        if (kept.isEmpty()) {
            return;
        }
        XYSeries e = chart.addSeries(name, kept.stream().mapToDouble(p -> p[0]).toArray(),
                kept.stream().mapToDouble(p -> p[1]).toArray());
        e.setLineColor(colour);
        e.setLineStyle(SeriesLines.DOT_DOT);
        e.setLineWidth(1.5f);
        e.setMarker(SeriesMarkers.NONE);
        e.setShowInLegend(false);
    }

    private static XYChart chart(String title, String xLabel, String yLabel, boolean logY) {
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel)
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS); // never over the data
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setYAxisDecimalPattern("#,##0.######");
        chart.getStyler().setXAxisDecimalPattern("#,##0.###");
        chart.getStyler().setAntiAlias(true);
        return chart;
    }

    /** The smallest and largest x of the chart's series, or null when it has none. */
    private static double[] xRange(XYChart chart) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (XYSeries s : chart.getSeriesMap().values()) {
            for (double v : s.getXData()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        return lo <= hi ? new double[] {lo, hi} : null;
    }

    /**
     * Round ticks on both axes. XChart puts the x ticks on the data's own x values when they are equally spaced
     * (epochs 1, 2, ...: ticks 1, 11, 21, ... whose labels ran together): with many x values an invisible point
     * off that grid (at x = 0 and 0.5 from the axis' start) makes it choose round steps from 0. A logarithmic axis
     * labels only the multiples of a power of ten inside its range, which can leave the data's range bare
     * (perplexities 130 to 500 showed 200 to 500 only): its ends are set to such multiples around the data, whole
     * decades when the data span more than about one (labelled at the powers of ten only, which are then enough).
     */
    private static void axes(XYChart chart, boolean logY) {
        double[] xs = xRange(chart);
        if (xs == null) {
            return;
        }
        double ylo = Double.POSITIVE_INFINITY;
        double yhi = Double.NEGATIVE_INFINITY;
        long distinctX = chart.getSeriesMap().values().stream().flatMapToDouble(s -> java.util.Arrays.stream(s.getXData()))
                .distinct().count();
        for (XYSeries s : chart.getSeriesMap().values()) {
            for (double v : s.getYData()) {
                if (Double.isFinite(v) && (!logY || v > 0)) {
                    ylo = Math.min(ylo, v);
                    yhi = Math.max(yhi, v);
                }
            }
        }
        if (ylo > yhi) {
            return;
        }
        if (distinctX > 20 && xs[0] >= 0) {
            XYSeries off = chart.addSeries(" ", new double[] {0, 0.5}, new double[] {ylo, ylo});
            off.setShowInLegend(false);
            off.setMarker(SeriesMarkers.NONE);
            off.setLineColor(new Color(0, 0, 0, 0));
            off.setLineWidth(0.1f);
            chart.getStyler().setXAxisMin(0.0);
            chart.getStyler().setXAxisMax(xs[1]);
        }
        if (logY) {
            double[] ends = logEnds(ylo, yhi);
            chart.getStyler().setYAxisLogarithmicDecadeOnly(ends[1] / ends[0] > 20);
            chart.getStyler().setYAxisMin(ends[0]);
            chart.getStyler().setYAxisMax(ends[1]);
        }
    }

    /**
     * A logarithmic axis' ends around [lo, hi]: the multiples of a power of ten just outside them (200 to 600 for
     * 230 to 525), or whole decades (1 to 100,000) when those ends are more than 20 times apart.
     */
    static double[] logEnds(double lo, double hi) {
        double dlo = Math.pow(10, Math.floor(Math.log10(lo)));
        double dhi = Math.pow(10, Math.floor(Math.log10(hi)));
        double min = Math.floor(lo / dlo * (1 + 1e-9)) * dlo;
        double max = Math.ceil(hi / dhi * (1 - 1e-9)) * dhi;
        if (max / min > 20) {
            min = dlo;
            max = Math.pow(10, Math.ceil(Math.log10(hi) - 1e-9));
        }
        return new double[] {min, max};
    }

    /** Writes {@code chart} to {@code file} as a PNG, atomically. */
    public static void save(Path file, XYChart chart) {
        try {
            AtomicFiles.write(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new UserError("Cannot draw " + file + ": " + e.getMessage());
        }
    }
}
