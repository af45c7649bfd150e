package rnnlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

import rnnlab.core.ResultsCsv;

/**
 * What can be checked of each plot kind without looking at pixels: the chart model (series, legend rows, axis ends,
 * the tick labels XChart generates when it lays the chart out), built from small results tables.
 */
class PlotsTest {
    /** The tick labels XChart generated for an axis, after laying the chart out (its calculator is internal). */
    @SuppressWarnings("unchecked")
    static List<String> tickLabels(XYChart chart, boolean x) throws Exception {
        BitmapEncoder.getBufferedImage(chart);
        Field f = org.knowm.xchart.internal.chartpart.Chart.class.getDeclaredField("axisPair");
        f.setAccessible(true);
        Object pair = f.get(chart);
        Method m = pair.getClass().getDeclaredMethod(x ? "getXAxis" : "getYAxis");
        m.setAccessible(true);
        Object axis = m.invoke(pair);
        Object calc = axis.getClass().getMethod("getAxisTickCalculator").invoke(axis);
        Method labels = calc.getClass().getMethod("getTickLabels");
        labels.setAccessible(true);
        return (List<String>) labels.invoke(calc);
    }

    /** The labelled tick values of an axis inside [min, max]. */
    static List<Double> labelled(XYChart chart, boolean x, double min, double max) throws Exception {
        List<Double> out = new ArrayList<>();
        for (String l : tickLabels(chart, x)) {
            if (l != null && !l.isBlank()) {
                double v = Double.parseDouble(l.replace(",", ""));
                if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    static long legendRows(XYChart chart) {
        return chart.getSeriesMap().values().stream().filter(XYSeries::isShowInLegend).count();
    }

    static double[] yRange(XYChart chart) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (XYSeries s : chart.getSeriesMap().values()) {
            for (double v : s.getYData()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        return new double[] {lo, hi};
    }

    /** A language model's table: seeds' perplexities from {@code start} falling by {@code ratio} an epoch. */
    static ResultsCsv lm(int epochs, double start, double ratio, int seeds) {
        ResultsCsv csv = new ResultsCsv();
        for (int s = 0; s < seeds; s++) {
            for (int e = 1; e <= epochs; e++) {
                double p = Math.max(1.0005, start * Math.pow(ratio, e - 1) * (1 + 0.3 * s));
                csv.add("sampling=sequential;seed=" + s, e, "perplexity", p);
                if (e % 50 == 0) {
                    csv.add("sampling=sequential;seed=" + s, e, "heldout_perplexity", 500 + 300.0 * s);
                }
            }
        }
        rnnlab.stats.Seeds.addSummaries(csv, List.of("perplexity", "heldout_perplexity"));
        return csv;
    }

    static XYChart perplexityChart(Path dir, ResultsCsv csv, String title) {
        Path file = dir.resolve("X.csv");
        csv.write(file);
        return PerplexityPlot.chart(file, title, List.of(new PerplexityPlot.Line("perplexity", "training", false),
                new PerplexityPlot.Line("heldout_perplexity", "held-out", true)), true, List.of());
    }

    @Test
    void perplexityBandsStayAtOrAboveOne(@TempDir Path dir) {
        // near 1 with a wide spread over seeds: the interval's low end would fall below 1
        XYChart chart = perplexityChart(dir, lm(250, 800, 0.9, 5), "t");
        for (XYSeries s : chart.getSeriesMap().values()) {
            if (s.isShowInLegend() || s.getName().contains("95%")) {
                for (double v : s.getYData()) {
                    assertTrue(Double.isNaN(v) || v >= 1, s.getName() + " has " + v);
                }
            }
        }
    }

    @Test
    void manyEpochsGetRoundXTicksThatFit(@TempDir Path dir) throws Exception {
        for (int epochs : new int[] {250, 500, 13}) {
            XYChart chart = perplexityChart(dir, lm(epochs, 800, 0.99, 2), "t");
            List<Double> ticks = labelled(chart, true, 0, epochs);
            assertTrue(ticks.size() >= 3 && ticks.size() <= 16, epochs + ": " + ticks);
            double step = ticks.get(1) - ticks.get(0);
            for (double t : ticks) {
                assertEquals(0, t % step, 1e-9, epochs + ": " + ticks);
            }
            if (epochs > 20) {
                assertEquals(0, ticks.get(0) % 10, 1e-9, epochs + ": ticks fall on round epochs, " + ticks);
            }
        }
    }

    @Test
    void logAxisLabelsSpanTheData(@TempDir Path dir) throws Exception {
        // within one decade (PtbWordRnn: 130 to 525), across decades (JayChouLstm quick: 3 to 470), near 1
        for (double[] c : new double[][] {{525, 0.9}, {470, 0.75}, {800, 0.9}, {300, 0.97}}) {
            ResultsCsv csv = new ResultsCsv();
            for (int e = 1; e <= 13; e++) {
                csv.add("model=rnn;seed=0", e, "perplexity", Math.max(1.0001, c[0] * Math.pow(c[1], e - 1)));
            }
            Path file = dir.resolve("W.csv");
            csv.write(file);
            XYChart chart = PerplexityPlot.chart(file, "t", List.of(new PerplexityPlot.Line("perplexity", "training",
                    false)), false, List.of());
            double[] y = yRange(chart);
            List<Double> labels = labelled(chart, false, chart.getStyler().getYAxisMin(),
                    chart.getStyler().getYAxisMax());
            assertTrue(labels.size() >= 2, labels.toString());
            assertTrue(labels.get(0) <= y[0] * (1 + 1e-9) && labels.get(labels.size() - 1) >= y[1] * (1 - 1e-9),
                    "labels " + labels + " span the data " + y[0] + " to " + y[1]);
        }
    }

    @Test
    void logEndsAreRound() {
        double[] e = Plots.logEnds(130, 525);
        assertEquals(100, e[0], 1e-9);
        assertEquals(600, e[1], 1e-9);
        e = Plots.logEnds(3, 470);
        assertEquals(1, e[0], 1e-9);
        assertEquals(1000, e[1], 1e-9);
        e = Plots.logEnds(1.02, 25000);
        assertEquals(1, e[0], 1e-9);
        assertEquals(100000, e[1], 1e-9);
    }

    @Test
    void vocabularyLineOnHeldOutPlots(@TempDir Path dir) {
        ResultsCsv csv = lm(100, 800, 0.95, 1);
        csv.addFinal("sampling=sequential;seed=0", "vocabulary", 1027);
        XYChart chart = perplexityChart(dir, csv, "t");
        assertTrue(chart.getSeriesMap().keySet().stream().anyMatch(n -> n.startsWith("vocabulary size 1,027")),
                chart.getSeriesMap().keySet().toString());
        assertTrue(yRange(chart)[1] >= 1027);
    }

    @Test
    void quickTitles() {
        assertTrue(Plots.title(Path.of("results", "quick", "A-perplexity.png"), "A").contains("quick"));
        assertTrue(Plots.title(Path.of("results", "custom", "A-perplexity.png"), "A").contains("custom"));
        assertEquals("A", Plots.title(Path.of("results", "A-perplexity.png"), "A"));
    }

    static ResultsCsv digitSum(int seeds) {
        ResultsCsv csv = new ResultsCsv();
        for (int length : new int[] {10, 35}) {
            for (int s = 0; s < seeds; s++) {
                String setting = "length=" + length + ";seed=" + s;
                for (int k = 0; k < 190; k++) {
                    double epoch = (1 + 100.0 * k) / 38;
                    csv.add(setting, epoch, "train_step_loss", 3 * Math.exp(-k / (20.0 + s)));
                    csv.add(setting, epoch, "dev_loss", 3 * Math.exp(-k / (30.0 + s)) + 0.1);
                }
                csv.addFinal(setting, "best_dev_accuracy", length == 10 ? 1.0 - 0.01 * s : 0.1 + 0.2 * s);
                csv.addFinal(setting, "test_accuracy", length == 10 ? 0.99 - 0.01 * s : 0.05 + 0.2 * s);
            }
        }
        return csv;
    }

    @Test
    void digitSumAccuracyBandsInZeroOne() {
        XYChart chart = DigitSumPages.accuracyChart(digitSum(3), "t");
        for (XYSeries s : chart.getSeriesMap().values()) {
            for (double v : s.getYData()) {
                assertTrue(Double.isNaN(v) || (v >= 0 && v <= 1), s.getName() + " has " + v);
            }
        }
        assertEquals(Plots.DEV, chart.getSeriesMap().values().stream().filter(s -> s.getName().startsWith("best dev"))
                .findFirst().orElseThrow().getLineColor());
    }

    @Test
    void digitSumLossShowsEverySeedAndSaysWhat() throws Exception {
        XYChart chart = DigitSumPages.lossChart(digitSum(5), 35, "DigitSumSrn, length 35: loss");
        assertTrue(legendRows(chart) <= 3, chart.getSeriesMap().keySet().toString());
        assertEquals(10, chart.getSeriesMap().values().stream().filter(s -> s.getName().startsWith("each seed"))
                .count());
        assertTrue(chart.getTitle().contains("5 seeds"));
        assertTrue(chart.getYAxisTitle().contains("nats"));
        assertFalse(chart.getXAxisTitle().equals("epoch"));
        XYSeries dev = chart.getSeriesMap().values().stream().filter(s -> s.getName().startsWith("dev loss"))
                .findFirst().orElseThrow();
        assertEquals(Plots.DEV, dev.getLineColor(), "dev is one colour in both DigitSum plots");
        double[] y = yRange(chart);
        List<Double> labels = labelled(chart, false, chart.getStyler().getYAxisMin(), chart.getStyler().getYAxisMax());
        assertTrue(labels.get(0) <= y[0] && labels.get(labels.size() - 1) >= y[1], labels.toString());
    }

    @Test
    void helloDrawsTheMeanAndFewLegendRows(@TempDir Path dir) throws Exception {
        ResultsCsv csv = new ResultsCsv();
        for (int s = 0; s < 10; s++) {
            for (int e = 1; e <= 20; e++) {
                csv.add("seed=" + s, e, "loss", 1.3 * Math.exp(-e / (5.0 + s)));
            }
        }
        XYChart chart = HelloPlot.chart(csv, "t");
        assertTrue(legendRows(chart) <= 2, chart.getSeriesMap().keySet().toString());
        assertTrue(chart.getSeriesMap().keySet().stream().anyMatch(n -> n.startsWith("mean of 10 seeds")));
        for (XYSeries s : chart.getSeriesMap().values()) {
            for (double v : s.getYData()) {
                assertTrue(Double.isNaN(v) || v >= 0, s.getName() + " has " + v);
            }
        }
        Path png = dir.resolve("quick").resolve("H-loss.png");
        Files.createDirectories(png.getParent());
        Path file = dir.resolve("H.csv");
        csv.write(file);
        HelloPlot.draw(file, png, "H");
        assertTrue(Files.size(png) > 0);
    }
}
