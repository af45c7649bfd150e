package rnnlab.report;

import rnnlab.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

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

    public static void line(Path file, String title, String xLabel, String yLabel, List<Series> series, boolean logY) {
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel)
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS); // never over the data
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setYAxisLogarithmic(logY);
        // a logarithmic axis labels only powers of ten by default, so a range inside about one decade (perplexities
        // 100 to 500) showed no numbers at all: label the steps between them there; across many decades the powers
        // of ten are enough (and the steps would crowd); plain numbers, never 2E3
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (Series s : series) {
            for (double v : s.y()) {
                if (v > 0 && Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        chart.getStyler().setYAxisLogarithmicDecadeOnly(hi > 0 && hi / lo > 20);
        chart.getStyler().setYAxisDecimalPattern("#,##0.###");
        chart.getStyler().setAntiAlias(true);
        for (Series s : series) {
            if (s.x().length == 0) {
                continue;
            }
            XYSeries xy = chart.addSeries(s.name(), s.x(), s.y());
            xy.setLineStyle(s.dashed() ? SeriesLines.DASH_DASH : SeriesLines.SOLID);
            xy.setMarker(s.markers() ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        }
        try {
            AtomicFiles.write(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new rnnlab.core.UserError("Cannot draw " + file + ": " + e.getMessage());
        }
    }
}
