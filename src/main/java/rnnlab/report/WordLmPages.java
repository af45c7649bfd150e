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
 * The Penn Treebank word models' results (the course's {@code PtbWordRnn} and {@code PtbWordLstm}, Zaremba et al.'s
 * {@code PtbZarembaSmall} and {@code PtbZarembaMedium}): its CSV, its page (perplexity per epoch over seeds beside the
 * printed figures, every seed's epochs, the generated text) and its perplexity plot, from the facts the experiment
 * declares and its jobs' results.
 */
public final class WordLmPages {
    /**
     * What a word LM's page says besides its results: the experiment's name, what model this is, the stock layers'
     * note (null on the project's layers), the settings sentence; the setting its seeds share ({@code model=rnn});
     * the epochs and each epoch's learning rate (epoch 1 first); the printed test perplexities after each
     * epoch (NaN where it printed none: the paper's models print only the last); the training split's rows and columns, the token limits (0: all) and the
     * temperature of the sampled text; where the reference figures are and whether the run has the tutorial's
     * settings; what the page reproduces (its first sentence) and whose printed figures it sets beside ours
     * ("course's", "paper's"); who printed the last epoch's test perplexity ({@link Published}; null for the course).
     */
    public record Page(String source, String printedBy, String name, String modelNote, String stockLayersNote, String settings, String base,
            int epochs, List<Double> learningRates, double[] printedTestPerplexity, int trainRows, int batchSize,
            int maxTrainTokens, int maxEvalTokens, double temperature, Path projectDir, boolean tutorialSettings,
            Published published) {
    }

    /**
     * Who printed the model's last test perplexity: the printer as the page's table names it ("the paper"), others
     * who reproduced it (TensorFlow's tutorial), in the page's order, and the reference's code, which the project
     * wrote; a page without it (null: the course's) has no such section.
     */
    public record Published(String printer, List<Reproduction> others, String referenceCode) {
    }

    /** Someone else's printed test perplexity of the same model. */
    public record Reproduction(String who, double testPerplexity) {
    }

    private WordLmPages() {
    }

    /** The metrics each setting is summarised by over its seeds. */
    private static final List<String> SUMMARISED = List.of("perplexity", "valid_perplexity", "test_perplexity");

    /**
     * Writes {@code NAME.csv} (the jobs' rows and the summaries over seeds), {@code NAME.md} and
     * {@code NAME-perplexity.png} into {@code dir}; a job still training shows its epochs done.
     */
    public static void write(Path dir, Page page, List<JobResult> runs) {
        String name = page.name();
        ResultsCsv csv = JobResult.concat(runs);
        Seeds.addSummaries(csv, SUMMARISED);
        csv.write(dir.resolve(name + ".csv"));

        double[] printed = page.printedTestPerplexity();
        Markdown md = new Markdown().heading(1, name);
        md.para(page.source() + " " + page.modelNote());
        if (page.stockLayersNote() != null) {
            md.para(page.stockLayersNote());
        }
        md.para(page.settings());
        md.heading(2, "Perplexity per epoch, over seeds");
        Map<String, Map<Double, Summary>> trainBy = Seeds.perEpoch(csv, "perplexity");
        Map<String, Map<Double, Summary>> validBy = Seeds.perEpoch(csv, "valid_perplexity");
        Map<String, Map<Double, Summary>> testBy = Seeds.perEpoch(csv, "test_perplexity");
        String base = page.base();
        List<List<String>> rows2 = new ArrayList<>();
        for (int e = 1; e <= page.epochs(); e++) {
            Summary tr = trainBy.getOrDefault(base, Map.of()).get((double) e);
            if (tr == null) {
                break;
            }
            rows2.add(List.of(String.valueOf(e), Markdown.f(page.learningRates().get(e - 1), 5), String.valueOf(tr.n()),
                    Comparison.describe(tr, 1), Comparison.describe(validBy.get(base).get((double) e), 1),
                    testBy.getOrDefault(base, Map.of()).containsKey((double) e)
                            ? Comparison.describe(testBy.get(base).get((double) e), 1) : "-",
                    e <= printed.length && !Double.isNaN(printed[e - 1]) ? Markdown.f(printed[e - 1], 1) : "-"));
        }
        md.table(List.of("epoch", "lr", "seeds", "training perplexity: mean [95% interval] (min-max, seeds)",
                "validation perplexity", "test perplexity", page.printedBy() + " test perplexity"), rows2);
        double trainSeconds = Seeds.values(csv, "final", "train_seconds").values().stream()
                .flatMap(m -> m.values().stream()).mapToDouble(Double::doubleValue).sum();
        md.para("Perplexity is exp of the mean over batches of each batch's mean cross-entropy, as the course "
                + "computes it; training perplexity is taken during the epoch, as the weights move. Over seeds "
                + "(`seeds`; the seed moves the initial weights and the sampling of generated text) the mean is exp of "
                + "the mean log perplexity, and so are the ends of its 95% interval (Student's t, never below 1; the CSV's `_sd` rows of "
                + "perplexities are the sd of the log perplexity). The training split "
                + "is " + page.trainRows() + " rows of " + page.batchSize() + " columns"
                + (page.maxTrainTokens() > 0 ? " (a prefix of " + page.maxTrainTokens() + " tokens, for a short run)" : "")
                + (page.maxEvalTokens() > 0 ? "; validation and test use their first " + page.maxEvalTokens() + " tokens" : "")
                + ". Training time " + Clock.withUnit(trainSeconds) + " in all.");
        md.image("perplexity per epoch", name + "-perplexity.png");
        // read once: the published figures' section and the verdicts' both show the reference's seeds
        ResultsCsv reference = page.tutorialSettings()
                ? Comparison.readReference(page.projectDir().resolve("results"), name) : null;
        if (page.tutorialSettings() && page.published() != null) {
            published(md, page, csv, reference, runs);
        }
        Comparison.sectionWithReference(md, name, csv, reference, page.tutorialSettings()
                ? Comparison.planned(page.projectDir().resolve("results"), name) : Map.of(), page.tutorialSettings());
        md.heading(2, "Every seed");
        List<List<String>> seedRows = new ArrayList<>();
        for (JobResult r : runs) {
            for (int e = 1; e <= page.epochs(); e++) {
                String ep = String.valueOf(e);
                java.util.Optional<Double> train = r.rows().get(r.setting(), ep, "perplexity");
                if (train.isEmpty()) {
                    break;
                }
                seedRows.add(List.of(String.valueOf(Seeds.seed(r.setting()).orElse(0)), ep,
                        Markdown.f(r.rows().get(r.setting(), ep, "lr").orElse(Double.NaN), 5), Markdown.f(train.get(), 1),
                        Markdown.f(r.rows().get(r.setting(), ep, "valid_perplexity").orElse(Double.NaN), 1),
                        // the Zaremba models score the test split after the last epoch alone
                        r.rows().get(r.setting(), ep, "test_perplexity").filter(v -> !Double.isNaN(v))
                                .map(v -> Markdown.f(v, 1)).orElse("-"),
                        Markdown.f(r.rows().get(r.setting(), ep, "tokens_per_second").orElse(Double.NaN), 0),
                        Clock.format(r.rows().get(r.setting(), ep, "elapsed_seconds").orElse(0.0))));
            }
        }
        md.table(List.of("seed", "epoch", "lr", "training perplexity", "validation perplexity", "test perplexity",
                "tokens/s", "elapsed"), seedRows);
        md.para("Elapsed includes the validation and test passes.");
        JobResult first = runs.isEmpty() ? null : runs.get(0);
        if (first != null && !first.texts().getOrDefault("samples", List.of()).isEmpty()) {
            int lastEpoch = (int) first.rows().rows().stream().filter(x -> x.metric().equals("perplexity")
                    && !x.epoch().equals("final")).mapToDouble(x -> Double.parseDouble(x.epoch())).max().orElse(0);
            md.heading(2, "Generated text after epoch " + lastEpoch + ", " + first.setting());
            md.para("From each prefix: the most likely next word each time (greedy), then samples at temperature "
                    + page.temperature() + ". `<unk>` stands for the rare words the corpus replaced; `<eos>` ends a sentence.");
            md.code(String.join("\n", first.texts().get("samples")));
        }
        AtomicFiles.write(dir.resolve(name + ".md"), md.text());

        drawPerplexity(dir.resolve(name + ".csv"), dir.resolve(name + "-perplexity.png"), name, printed, page.printedBy());
    }

    /**
     * The last epoch's test perplexity, ours and the reference's over their seeds, beside the printed figures (the
     * printer's, then {@link Published#others}), and how long a seed takes here: what a reader of a reproduced table
     * looks for first.
     */
    private static void published(Markdown md, Page page, ResultsCsv csv, ResultsCsv reference, List<JobResult> runs) {
        Published pub = page.published();
        Comparison.Row test = Comparison.rows(page.name(), csv, reference).stream()
                .filter(r -> r.spec().epoch().equals("final") && r.spec().metric().equals("test_perplexity"))
                .findFirst().orElse(null);
        double printed = test == null ? Double.NaN : test.printed();
        Summary ours = test == null ? null : test.ours();
        Summary ref = test == null ? null : test.reference();
        md.heading(2, "Test perplexity beside the published figures");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of(pub.printer(), "-", Double.isNaN(printed) ? "-" : Markdown.f(printed, 1)));
        pub.others().forEach(o -> rows.add(List.of(o.who(), "-", Markdown.f(o.testPerplexity(), 2))));
        rows.add(List.of("the reference (`" + pub.referenceCode() + "`, PyTorch)", ref == null ? "0" : String.valueOf(ref.n()),
                Comparison.describe(ref, 1)));
        rows.add(List.of("rnnlab", ours == null ? "0" : String.valueOf(ours.n()), Comparison.describe(ours, 1)));
        md.table(List.of("who", "seeds", "test perplexity after epoch " + page.epochs()
                + ": mean [95% interval] (min-max, seeds)"), rows);
        List<String> said = new ArrayList<>();
        if (ours != null && ours.n() > 1 && !Double.isNaN(printed)) {
            said.add(!Double.isFinite(ours.ci95Low()) || !Double.isFinite(ours.ci95High())
                    ? "A seed's test perplexity is not a number (it diverged), so our interval is none."
                    : "The " + page.printedBy() + " " + Markdown.f(printed, 1) + (printed < ours.ci95Low() ? " lies below"
                            : printed > ours.ci95High() ? " lies above" : " lies within") + " our 95% interval.");
        }
        if (ref != null) {
            said.add("The verdict against the reference is in the next section.");
        }
        double[] seedSeconds = runs.stream().filter(JobResult::finished)
                .mapToDouble(r -> r.rows().get(r.setting(), String.valueOf(page.epochs()), "elapsed_seconds").orElse(Double.NaN))
                .filter(v -> !Double.isNaN(v)).toArray();
        if (seedSeconds.length > 0) {
            Summary t = Summary.of(seedSeconds);
            String low = duration(t.min());
            String high = duration(t.max());
            said.add("A seed's epochs, training and evaluation, took " + duration(t.mean())
                    + (t.n() > 1 ? " (the mean of " + t.n() + " seeds" + (low.equals(high) ? "" : "; " + low + " to " + high) + ")"
                            : "")
                    + " here; each seed's CPU is at the end of its record in `runs/" + page.name() + "/` beside this page.");
        }
        md.para(Markdown.wrap(String.join(" ", said), Comparison.WIDTH));
    }

    /** Minutes up to two hours, then hours. */
    static String duration(double seconds) {
        long minutes = Math.round(seconds / 60);
        return seconds >= 7200 ? Markdown.f(seconds / 3600, 1) + " hours" : minutes == 1 ? "1 minute" : minutes + " minutes";
    }

    /**
     * The perplexity plot, from the CSV alone (so {@code -Dexp=scoreboard} can redraw it): training, validation and
     * test per epoch, beside the printed test perplexities ({@code printedBy}: "course's", "paper's").
     */
    public static void drawPerplexity(Path csv, Path png, String name, double[] printed, String printedBy) {
        List<Integer> cx = new ArrayList<>();
        List<Double> cy = new ArrayList<>();
        for (int i = 0; i < printed.length; i++) {
            if (Double.isNaN(printed[i])) {
                continue;
            }
            cx.add(i + 1);
            cy.add(printed[i]);
        }
        PerplexityPlot.draw(csv, png, name + ": perplexity per epoch", List.of(
                new PerplexityPlot.Line("perplexity", "training", false),
                new PerplexityPlot.Line("valid_perplexity", "validation", false),
                new PerplexityPlot.Line("test_perplexity", "test", false)), false,
                cx.isEmpty() ? List.of() : List.of(Plots.Series.of(printedBy + " test", cx, cy, true, true)));
    }
}
