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
     * colour with one legend entry.
     */
    public record SeedLine(String name, double[] x, double[] mean, double[] low, double[] high, double[] pointX,
            double[] pointY, boolean dashed) {
    }

    private static final Color[] COLOURS = {new Color(0xE4007F), new Color(0x1F77B4),
        new Color(0x2CA02C), new Color(0xFF7F0E), new Color(0x9467BD),
        new Color(0x8C564B), new Color(0x17BECF), new Color(0x7F7F7F)};

    public static void line(Path file, String title, String xLabel, String yLabel, List<Series> series, boolean logY) {
        XYChart chart = chart(title, xLabel, yLabel, logY, series.stream().map(Series::y).toList());
        for (Series s : series) {
            if (s.x().length == 0) {
                continue;
            }
            XYSeries xy = chart.addSeries(s.name(), s.x(), s.y());
            xy.setLineStyle(s.dashed() ? SeriesLines.DASH_DASH : SeriesLines.SOLID);
            xy.setMarker(s.markers() ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        }
        save(file, chart);
    }

    /** Lines over seeds ({@link SeedLine}), plus fixed {@code extra} series (a tutorial's printed figures) in black. */
    public static void seeds(Path file, String title, String xLabel, String yLabel, List<SeedLine> lines,
            List<Series> extra, boolean logY) {
        List<double[]> ys = new ArrayList<>();
        for (SeedLine l : lines) {
            ys.add(l.mean());
            if (l.pointY() != null) {
                ys.add(l.pointY());
            }
            if (l.low() != null) {
                ys.add(l.low());
                ys.add(l.high());
            }
        }
        extra.forEach(e -> ys.add(e.y()));
        XYChart chart = chart(title, xLabel, yLabel, logY, ys);
        int i = 0;
        for (SeedLine l : lines) {
            if (l.x().length == 0) {
                continue;
            }
            Color c = COLOURS[i++ % COLOURS.length];
            Color light = new Color(c.getRed(), c.getGreen(), c.getBlue(), 110);
            XYSeries mean = chart.addSeries(l.name(), l.x(), l.mean());
            mean.setLineColor(c);
            mean.setMarkerColor(c);
            mean.setLineStyle(l.dashed() ? SeriesLines.DASH_DASH : SeriesLines.SOLID);
            mean.setMarker(l.x().length <= 30 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            if (l.low() != null) {
                edge(chart, l.name() + " 95% low", l.x(), l.low(), light);
                edge(chart, l.name() + " 95% high", l.x(), l.high(), light);
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
            XYSeries xy = chart.addSeries(s.name(), s.x(), s.y());
            xy.setLineColor(Color.BLACK);
            xy.setMarkerColor(Color.BLACK);
            xy.setLineStyle(s.dashed() ? SeriesLines.DASH_DASH : SeriesLines.SOLID);
            xy.setMarker(s.markers() ? SeriesMarkers.SQUARE : SeriesMarkers.NONE);
        }
        save(file, chart);
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

    private static XYChart chart(String title, String xLabel, String yLabel, boolean logY, List<double[]> ys) {
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel)
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS); // never over the data
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setYAxisLogarithmic(logY);
        // a logarithmic axis labels only powers of ten by default, so a range inside about one decade (perplexities
        // 100 to 500) showed no numbers at all: label the steps between them there; across many decades the powers
        // of ten are enough (and the steps would crowd); plain numbers, never 2E3
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (double[] y : ys) {
            for (double v : y) {
                if (v > 0 && Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        chart.getStyler().setYAxisLogarithmicDecadeOnly(hi > 0 && hi / lo > 20);
        chart.getStyler().setYAxisDecimalPattern("#,##0.###");
        chart.getStyler().setAntiAlias(true);
        return chart;
    }

    private static void save(Path file, XYChart chart) {
        try {
            AtomicFiles.write(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new UserError("Cannot draw " + file + ": " + e.getMessage());
        }
    }
}
