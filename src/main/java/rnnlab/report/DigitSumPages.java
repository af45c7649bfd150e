package rnnlab.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
     * tutorial's figures; the lengths in the order run; the first seed (whose loss curves are drawn); where the
     * reference figures are and whether the run has the tutorial's settings (the comparison section).
     */
    public record Page(String name, String modelNote, String stockLayersNote, String settings, String tutorialNote,
            List<Integer> lengths, int firstSeed, Path projectDir, boolean tutorialSettings) {
    }

    private DigitSumPages() {
    }

    /**
     * Writes {@code NAME.csv} (the jobs' rows, the summaries over seeds, the forward-pass timings), {@code NAME.md} and
     * its plots (accuracy against length; the first seed's loss curves) into {@code dir}.
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
        md.para("Training time " + Clock.format(total) + " (minutes:seconds) in all, one thread (see the README's "
                + "\"Threads\"). The seed (`seeds`, e.g. `-Dseeds=0..4`) moves the model's initial weights; the data "
                + "are the tutorial's, the same for every seed. Each dev and test set has 100 examples, so one accuracy "
                + "moves in steps of 0.01 and a single seed's figure is noisy; the interval is Student's t over the "
                + "seeds. The plot shows the mean, the 95% interval of the mean (dotted, cut to [0, 1]) and every "
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
        int firstSeed = page.firstSeed();
        List<JobResult> curves = results.stream().filter(r -> Seeds.seed(r.setting()).orElse(-1) == firstSeed).toList();
        md.heading(2, "Loss curves (the tutorial's figure 6.6), seed " + firstSeed);
        for (JobResult r : curves) {
            md.image("loss, " + Seeds.base(r.setting()), name + "-loss-L" + Seeds.base(r.setting()).substring("length=".length())
                    + ".png");
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

        Plots.seeds(dir.resolve(name + "-accuracy.png"), name + ": accuracy against sequence length", "sequence length",
                "accuracy", List.of(DigitSumComparison.overSeeds(csv, "best_dev_accuracy", "Dev Accuracy", true),
                        DigitSumComparison.overSeeds(csv, "test_accuracy", "Test Accuracy", false)),
                List.of(), false);
        for (JobResult r : curves) {
            Plots.line(dir.resolve(name + "-loss-L" + Seeds.base(r.setting()).substring("length=".length()) + ".png"),
                    name + ", " + Seeds.base(r.setting()) + ", seed " + firstSeed, "epoch", "loss",
                    List.of(series(r.rows(), "train_step_loss", "Train loss (every 100th step)", false),
                            series(r.rows(), "dev_loss", "Dev loss", true)), false);
        }
    }

    private static Plots.Series series(ResultsCsv rows, String metric, String name, boolean dashed) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (ResultsCsv.Row r : rows.rows()) {
            if (r.metric().equals(metric) && !r.epoch().equals("final")) {
                x.add(Double.parseDouble(r.epoch()));
                y.add(r.value());
            }
        }
        return Plots.Series.of(name, x, y, dashed, false);
    }

    /** mean ± sd [low, high] (min-max) of accuracies by seed; one seed: its value. */
    private static String spread(Map<Integer, Double> bySeed) {
        if (bySeed == null || bySeed.isEmpty()) {
            return "-";
        }
        Summary s = Summary.of(bySeed.values().stream().mapToDouble(Double::doubleValue).toArray());
        if (s.n() == 1) {
            return Markdown.f(s.mean(), 3);
        }
        return Markdown.f(s.mean(), 3) + " ± " + Markdown.f(s.sd(), 3) + " [" + Markdown.f(s.ci95Low(), 3) + ", "
                + Markdown.f(s.ci95High(), 3) + "] (" + Markdown.f(s.min(), 2) + "-" + Markdown.f(s.max(), 2) + ")";
    }
}
