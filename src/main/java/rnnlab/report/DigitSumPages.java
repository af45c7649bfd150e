package rnnlab.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.XYChart;

import rnnlab.core.AtomicFiles;
import rnnlab.core.Clock;
import rnnlab.core.JobResult;
import rnnlab.core.Markdown;
import rnnlab.core.ResultsCsv;
import rnnlab.stats.Comparison;
import rnnlab.stats.Seeds;
import rnnlab.stats.Summary;

/**
 * A DigitSum experiment's results ({@code DigitSumSrn}, {@code DigitSumLstm}): its CSV, its page (accuracy by length
 * over seeds, every seed, the loss curves, the forward-pass timings) and its plots, from the facts the experiment
 * declares and its jobs' results. {@link DigitSumComparison} sets the two side by side.
 */
public final class DigitSumPages {
    /** The metrics each length is summarised by over its seeds. */
    private static final List<String> SUMMARISED = List.of("best_dev_accuracy", "test_accuracy", "test_loss");

    /**
     * What a DigitSum page says besides its results: the experiment's name; what recurrent layer it is; the stock
     * layers' note, or null on the project's layers; the settings sentence; how the table compares with the
     * tutorial's figures; the lengths in the order run; the first seed (kept for callers; the plots show every seed); where the
     * reference figures are and whether the run has the tutorial's settings (the comparison section).
     */
    public record Page(String name, String modelNote, String stockLayersNote, String settings, String tutorialNote,
            List<Integer> lengths, int firstSeed, Path projectDir, boolean tutorialSettings) {
    }

    private DigitSumPages() {
    }

    /**
     * Writes {@code NAME.csv} (the jobs' rows, the summaries over seeds, the forward-pass timings), {@code NAME.md} and
     * its plots (accuracy against length; the loss curves over seeds) into {@code dir}.
     */
    public static void write(Path dir, Page page, List<JobResult> results, Map<String, Double> speed) {
        String name = page.name();
        ResultsCsv csv = JobResult.concat(results);
        Seeds.addSummaries(csv, SUMMARISED);
        speed.forEach((k, v) -> csv.addFinal(k, "forward_ms", v));
        csv.write(dir.resolve(name + ".csv"));

        Markdown md = new Markdown().heading(1, name);
        md.para("Reproduces `nndl-digitsum-srn-memory.txt` (NNDL 6.1, the SRN memory experiment) on Deeplearning4j. "
                + page.modelNote());
        if (page.stockLayersNote() != null) {
            md.para(page.stockLayersNote() + " DL4J's `SimpleRnn` starts its bias at zero where the tutorial draws it "
                    + "xavier-uniform; each sequence is classified from its own zero state, so DL4J's state handling "
                    + "changes nothing here.");
        }
        md.para(page.settings());
        md.heading(2, "Accuracy by sequence length over seeds");
        Map<String, Map<Integer, Double>> dev = Seeds.values(csv, "final", "best_dev_accuracy");
        Map<String, Map<Integer, Double>> test = Seeds.values(csv, "final", "test_accuracy");
        Map<String, Map<Integer, Double>> secs = Seeds.values(csv, "final", "train_seconds");
        List<List<String>> srows = new ArrayList<>();
        for (int length : page.lengths()) {
            String base = "length=" + length;
            if (!test.containsKey(base)) {
                continue;
            }
            srows.add(List.of(String.valueOf(length), String.valueOf(test.get(base).size()), spread(dev.get(base)),
                    spread(test.get(base)), Markdown.f(secs.get(base).values().stream().mapToDouble(d -> d).average()
                            .orElse(0), 1)));
        }
        md.table(List.of("length", "seeds", "best dev accuracy: mean ± sd [95% interval] (min-max)",
                "test accuracy (best model): mean ± sd [95% interval] (min-max)", "train seconds per seed"), srows);
        double total = secs.values().stream().flatMap(m -> m.values().stream()).mapToDouble(d -> d).sum();
        md.para("Training time " + Clock.withUnit(total) + " in all, one thread (see docs/performance.md, "
                + "\"Threads\"). The seed (`seeds`, e.g. `-Dseeds=0..4`) moves the model's initial weights; the data "
                + "are the tutorial's, the same for every seed. Each dev and test set has 100 examples, so one accuracy "
                + "moves in steps of 0.01 and a single seed's figure is noisy; the interval is Student's t over the "
                + "seeds, cut to [0, 1] where an accuracy lies. The plot shows the mean, the 95% interval of the mean (dotted, cut to [0, 1]) and every "
                + "seed's value (diamonds).");
        md.para(page.tutorialNote() + " Chance is 1/19 = 0.053; always answering the most common sum (9) scores 0.10.");
        md.image("accuracy against length", name + "-accuracy.png");
        Comparison.section(md, name, csv, page.projectDir(), page.tutorialSettings());
        md.heading(2, "Every seed");
        List<List<String>> rows = new ArrayList<>();
        for (JobResult r : results) {
            rows.add(List.of(Seeds.base(r.setting()).substring("length=".length()),
                    String.valueOf(Seeds.seed(r.setting()).orElse(0)), Markdown.f(r.last("best_dev_accuracy"), 3),
                    Markdown.f(r.last("test_accuracy"), 3), Markdown.f(r.last("test_loss"), 3),
                    String.valueOf((long) r.last("best_step")), Markdown.f(r.last("train_seconds"), 1)));
        }
        md.table(List.of("length", "seed", "best dev accuracy", "test accuracy (best model)", "test loss", "best step",
                "train seconds"), rows);
        md.heading(2, "Loss curves (the tutorial's figure 6.6), over seeds");
        for (int length : DigitSumComparison.lengths(csv, "test_accuracy").keySet()) {
            md.image("loss, length=" + length, name + "-loss-L" + length + ".png");
        }
        if (!speed.isEmpty()) {
            md.heading(2, "Hand-written SRN against DL4J's SimpleRnn (forward pass)");
            md.para("Both layers compute the same hidden states from the same weights (checked by a test). "
                    + "Mean time of one forward pass over 90 timed runs after 10 warm-up runs, as the tutorial "
                    + "measures it, at the tutorial's size (batch 2, 5 steps, 10 inputs, 10 hidden) and at DigitSum's "
                    + "(batch 8, 35 steps, 32 inputs, 32 hidden).");
            List<List<String>> prow = new ArrayList<>();
            speed.forEach((k, v) -> prow.add(List.of(k, Markdown.f(v, 4))));
            md.table(List.of("implementation and size", "ms per forward pass"), prow);
        }
        AtomicFiles.write(dir.resolve(name + ".md"), md.text());

        drawPlots(dir, name);
    }

    /**
     * Draws {@code NAME-accuracy.png} and one {@code NAME-loss-L<length>.png} per length from {@code NAME.csv} in
     * {@code dir} alone, so that {@code -Dexp=scoreboard} can redraw them.
     */
    public static void drawPlots(Path dir, String name) {
        ResultsCsv csv;
        try {
            csv = ResultsCsv.read(dir.resolve(name + ".csv"));
        } catch (java.io.IOException e) {
            throw new rnnlab.core.UserError("Cannot read " + dir.resolve(name + ".csv") + ": " + e.getMessage());
        }
        Path acc = dir.resolve(name + "-accuracy.png");
        Plots.save(acc, accuracyChart(csv, Plots.title(acc, name + ": accuracy against sequence length")));
        for (int length : DigitSumComparison.lengths(csv, "test_accuracy").keySet()) {
            Path png = dir.resolve(name + "-loss-L" + length + ".png");
            Plots.save(png, lossChart(csv, length, Plots.title(png, name + ", length " + length + ": loss")));
        }
    }

    /** The accuracy plot's chart: dev and test accuracy against length, in the dev and test colours, cut to [0, 1]. */
    public static XYChart accuracyChart(ResultsCsv csv, String title) {
        Plots.SeedLine dev = DigitSumComparison.overSeeds(csv, "best_dev_accuracy", "best dev accuracy", true);
        Plots.SeedLine test = DigitSumComparison.overSeeds(csv, "test_accuracy", "test accuracy (best model)", false);
        return Plots.seedsChart(title, "sequence length", "accuracy", List.of(colour(dev, Plots.DEV),
                colour(test, Plots.TEST)), List.of(), List.of(), List.of(), false, Plots.Range.ACCURACY);
    }

    /**
     * One length's loss curves over its seeds: the training loss (one batch's, logged every 100th training step)
     * and the dev set's, both mean cross-entropy in nats against the epoch (fractional: a point every 100 steps),
     * each the mean over seeds with its 95% interval, every seed a thin grey line; in the training and dev colours.
     */
    public static XYChart lossChart(ResultsCsv csv, int length, String title) {
        String base = "length=" + length;
        List<Plots.SeedLine> means = new ArrayList<>();
        List<Plots.Series> seeds = new ArrayList<>();
        int n = 0;
        for (String[] m : new String[][] {{"train_step_loss", "training loss (one batch every 100th step)"},
            {"dev_loss", "dev loss (every 100th step)"}}) {
            Map<Integer, List<double[]>> bySeed = new java.util.TreeMap<>();
            for (ResultsCsv.Row r : csv.rows()) {
                if (r.metric().equals(m[0]) && !r.epoch().equals("final") && Seeds.base(r.setting()).equals(base)) {
                    bySeed.computeIfAbsent(Seeds.seed(r.setting()).orElse(0), k -> new ArrayList<>())
                            .add(new double[] {Double.parseDouble(r.epoch()), r.value()});
                }
            }
            java.util.TreeMap<Double, List<Double>> byX = new java.util.TreeMap<>();
            bySeed.values().forEach(points -> points.forEach(p -> byX.computeIfAbsent(p[0], k -> new ArrayList<>())
                    .add(p[1])));
            n = Math.max(n, bySeed.size());
            if (bySeed.size() > 1) {
                bySeed.values().forEach(points -> seeds.add(new Plots.Series("each seed", points.stream()
                        .mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray(), false,
                        false)));
            }
            List<Summary> sums = byX.values().stream()
                    .map(v -> Seeds.summary(m[0], v.stream().mapToDouble(Double::doubleValue).toArray())).toList();
            boolean band = bySeed.size() > 1;
            String name = m[1] + (band ? ", mean of " + bySeed.size() + " seeds (95% interval dotted)" : "");
            means.add(new Plots.SeedLine(name, byX.keySet().stream().mapToDouble(Double::doubleValue).toArray(),
                    sums.stream().mapToDouble(Summary::mean).toArray(),
                    band ? sums.stream().mapToDouble(Summary::ci95Low).toArray() : null,
                    band ? sums.stream().mapToDouble(Summary::ci95High).toArray() : null, null, null,
                    m[0].equals("dev_loss"), m[0].equals("dev_loss") ? Plots.DEV : Plots.TRAIN));
        }
        return Plots.seedsChart(title + (n > 1 ? ", " + n + " seeds" : ""), "epoch (a point every 100 training steps)",
                "cross-entropy loss (nats)", means, List.of(), List.of(), seeds, true, Plots.Range.LOSS);
    }

    private static Plots.SeedLine colour(Plots.SeedLine l, java.awt.Color c) {
        return new Plots.SeedLine(l.name(), l.x(), l.mean(), l.low(), l.high(), l.pointX(), l.pointY(), l.dashed(), c);
    }

    /** mean ± sd [low, high] (min-max) of accuracies by seed; one seed: its value. */
    private static String spread(Map<Integer, Double> bySeed) {
        if (bySeed == null || bySeed.isEmpty()) {
            return "-";
        }
        Summary s = Seeds.summary("accuracy", bySeed.values().stream().mapToDouble(Double::doubleValue).toArray());
        if (s.n() == 1) {
            return Markdown.f(s.mean(), 3);
        }
        return Markdown.f(s.mean(), 3) + " ± " + Markdown.f(s.sd(), 3) + " [" + Markdown.f(s.ci95Low(), 3) + ", "
                + Markdown.f(s.ci95High(), 3) + "] (" + Markdown.f(s.min(), 2) + "-" + Markdown.f(s.max(), 2) + ")";
    }
}
