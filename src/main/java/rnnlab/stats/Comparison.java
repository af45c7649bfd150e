package rnnlab.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import rnnlab.core.Config;
import rnnlab.core.Markdown;
import rnnlab.core.ResultsCsv;
import rnnlab.data.DigitSumData;

/**
 * Every figure of {@link Figures} for one experiment: the tutorial's printed value, the reference's summary over
 * its seeds (the tutorial's own code, {@code results/reference/NAME.csv}), ours, and the {@link Verdict}; and the
 * section of a results page and the scoreboard rows that say it.
 */
public final class Comparison {
    /**
     * One figure at one base setting. {@code reference} and {@code verdict} are null without reference runs;
     * {@code planned} is the seeds a side its setting's plan gives it ({@code results/plans/NAME.csv}; 0: no plan).
     */
    public record Row(String figure, Figures.Figure spec, double printed, Summary reference, Summary ours,
            Verdict verdict, Failures failures, int planned) {
        /** A row without a plan. */
        public Row(String figure, Figures.Figure spec, double printed, Summary reference, Summary ours, Verdict verdict,
                Failures failures) {
            this(figure, spec, printed, reference, ours, verdict, failures, 0);
        }

        /** A row without a count of failed seeds or a plan. */
        public Row(String figure, Figures.Figure spec, double printed, Summary reference, Summary ours, Verdict verdict) {
            this(figure, spec, printed, reference, ours, verdict, null);
        }

        /** Whether the printed value lies within [min, max] of {@code s}; null when either is missing. */
        public Boolean printedWithin(Summary s) {
            return s == null || Double.isNaN(printed) ? null : printed >= s.min() && printed <= s.max();
        }
    }

    private Comparison() {
    }

    /** The reference CSV of an experiment in a results folder: {@code results/reference/NAME.csv}. */
    public static Path referenceFile(Path resultsDir, String experiment) {
        return resultsDir.resolve("reference").resolve(experiment + ".csv");
    }

    /** One figure at one base setting: our values and the reference's over their seeds (none: empty). */
    record Paired(Figures.Figure spec, String base, double[] ours, double[] reference) {
    }

    /** Every figure at every base setting where we have values, with the reference's ({@code reference} null: none). */
    static List<Paired> paired(String experiment, ResultsCsv ours, ResultsCsv reference) {
        List<Paired> out = new ArrayList<>();
        for (Figures.Figure f : Figures.of(experiment)) {
            Map<String, Map<Integer, Double>> o = Seeds.values(ours, f.epoch(), f.metric());
            Map<String, Map<Integer, Double>> r = reference == null ? Map.of()
                    : Seeds.values(reference, f.epoch(), f.metric());
            List<String> bases = f.setting() == null ? new ArrayList<>(o.keySet()) : List.of(f.setting());
            for (String base : bases) {
                double[] ov = values(o.get(base));
                if (ov.length > 0) {
                    out.add(new Paired(f, base, ov, values(r.get(base))));
                }
            }
        }
        return out;
    }

    /**
     * Every figure at every base setting from the same starts: ours and the reference's values at the seeds both have,
     * in seed order, so that {@code ours[i]} and {@code reference[i]} are one start's two runs (none in common: left out).
     */
    static List<Paired> sameStarts(String experiment, ResultsCsv ours, ResultsCsv reference) {
        List<Paired> out = new ArrayList<>();
        for (Figures.Figure f : Figures.of(experiment)) {
            Map<String, Map<Integer, Double>> o = Seeds.values(ours, f.epoch(), f.metric());
            Map<String, Map<Integer, Double>> r = Seeds.values(reference, f.epoch(), f.metric());
            List<String> bases = f.setting() == null ? new ArrayList<>(o.keySet()) : List.of(f.setting());
            for (String base : bases) {
                Map<Integer, Double> ob = o.getOrDefault(base, Map.of());
                Map<Integer, Double> rb = r.getOrDefault(base, Map.of());
                List<Integer> both = ob.keySet().stream().filter(rb::containsKey).sorted().toList();
                if (!both.isEmpty()) {
                    out.add(new Paired(f, base, both.stream().mapToDouble(ob::get).toArray(),
                            both.stream().mapToDouble(rb::get).toArray()));
                }
            }
        }
        return out;
    }

    /**
     * Ours from the tutorial's starts against the tutorial's code from the same starts ({@link #sameStarts}), each
     * judged by {@link Verdict#paired}; {@code planned} as in {@link #rows(String, ResultsCsv, ResultsCsv, Map)}.
     */
    public static List<Row> sameStartsRows(String experiment, ResultsCsv ours, ResultsCsv reference,
            Map<String, Integer> planned) {
        List<Row> out = new ArrayList<>();
        for (Paired p : sameStarts(experiment, ours, reference)) {
            Figures.Figure f = p.spec();
            out.add(new Row(f.label(p.base()), f, f.printed(), Seeds.summary(f.metric(), p.reference()),
                    Seeds.summary(f.metric(), p.ours()), Verdict.paired(p.ours(), p.reference(), f.tolerance()),
                    null, planned.getOrDefault(p.base(), 0))); // no failures table: its tests are unpaired
        }
        return out;
    }

    /** Our figures against the reference's ({@code reference} null: ours alone), without a plan. */
    public static List<Row> rows(String experiment, ResultsCsv ours, ResultsCsv reference) {
        return rows(experiment, ours, reference, Map.of());
    }

    /**
     * Our figures against the reference's, each with the seeds a side its setting's plan gives it ({@code planned}:
     * {@link SeedPlan#perSetting}; a setting not in it has no plan).
     */
    public static List<Row> rows(String experiment, ResultsCsv ours, ResultsCsv reference, Map<String, Integer> planned) {
        List<Row> out = new ArrayList<>();
        for (Paired p : paired(experiment, ours, reference)) {
            Figures.Figure f = p.spec();
            double[] ov = p.ours();
            double[] rv = p.reference();
            Summary os = Seeds.summary(f.metric(), ov);
            Summary rs = rv.length == 0 ? null : Seeds.summary(f.metric(), rv);
            Verdict v = rv.length == 0 ? null : Verdict.of(ov, rv, f.tolerance());
            out.add(new Row(f.label(p.base()), f, f.printed(), rs, os, v, rv.length == 0 ? null : Failures.of(f, ov, rv),
                    planned.getOrDefault(p.base(), 0)));
        }
        return out;
    }

    private static double[] values(Map<Integer, Double> bySeed) {
        return bySeed == null ? new double[0] : bySeed.values().stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * Each base setting's planned seeds a side from the experiment's kept plan in {@code resultsDir}
     * ({@link SeedPlan#read}); empty without one.
     */
    public static Map<String, Integer> planned(Path resultsDir, String experiment) {
        return SeedPlan.read(resultsDir, experiment).map(SeedPlan::perSetting).orElse(Map.of());
    }

    /** Reads the reference CSV if there is one; null if there is none or it cannot be read. */
    public static ResultsCsv readReference(Path resultsDir, String experiment) {
        Path file = referenceFile(resultsDir, experiment);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return ResultsCsv.read(file);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The results page's section: ours against the tutorial's own code. {@code full} is whether the run used the
     * tutorial's settings (the full profile), the only ones the reference ran.
     */
    public static void section(Markdown md, String experiment, ResultsCsv ours, Path projectDir, boolean full) {
        section(md, experiment, ours, projectDir, full, Figures.why(experiment));
    }

    /** The section, with {@code why} the experiment's known differences from the tutorial's code ("" for none). */
    static void section(Markdown md, String experiment, ResultsCsv ours, Path projectDir, boolean full, String why) {
        Path results = projectDir.resolve("results");
        section(md, experiment, ours, full ? readReference(results, experiment) : null,
                full ? planned(results, experiment) : Map.of(), full, why);
    }

    /**
     * The section from a reference already read ({@link #readReference}; null for none), for a page that shows the
     * reference's figures elsewhere too; {@code planned} as {@link #planned} gives it.
     */
    public static void sectionWithReference(Markdown md, String experiment, ResultsCsv ours, ResultsCsv reference,
            Map<String, Integer> planned, boolean full) {
        section(md, experiment, ours, reference, planned, full, Figures.why(experiment));
    }

    private static void section(Markdown md, String experiment, ResultsCsv ours, ResultsCsv reference,
            Map<String, Integer> planned, boolean full, String why) {
        if (Figures.of(experiment).isEmpty()) {
            return;
        }
        md.heading(2, "Against the tutorial's own code");
        if (!full) {
            md.para("Verdicts compare the full profile, the tutorial's own settings, with the tutorial's own code run "
                    + "over seeds (`reference/`); this run has other settings, so it has none.");
            return;
        }
        List<Row> rows = rows(experiment, ours, reference, planned);
        md.para(Markdown.wrap(reference == null ? "No reference runs yet: `results/reference/" + experiment + ".csv` is "
                + "made by `reference/run` (the tutorial's own PyTorch code over seeds; `reference/README.md`)."
                : "The reference is the tutorial's own PyTorch code, run over seeds on the machines that ran ours "
                        + "(`reference/README.md`; its runs are `results/reference/" + experiment + ".csv`, each run's CPU in "
                        + "`results/reference/machines.csv`). "
                        + VERDICT_RULE, WIDTH));
        if (rows.isEmpty()) {
            md.para("No run has reached the figures the tutorial printed yet.");
            return;
        }
        md.table(header(false), rows.stream().map(r -> cells(r, null)).toList());
        md.para("The seeds' spread, and whether the value the tutorial printed lies within it:");
        md.table(spreadHeader(false), rows.stream().map(r -> spreadCells(r, null)).toList());
        List<Row> failed = withFailures(rows);
        if (!failed.isEmpty()) {
            md.para(Markdown.wrap("Seeds that failed outright. " + FAILURE_RULE, WIDTH));
            md.table(failureHeader(false), failed.stream().map(r -> failureCells(r, null)).toList());
        }
        if (rows.stream().anyMatch(r -> r.verdict() != null && r.verdict().outcome() == Verdict.Outcome.DIFFERS)) {
            // a figure that differs is a finding: its cause, or that none was found and what was tried, goes with it
            md.para(Markdown.wrap(why.isEmpty()
                    ? "**No cause is named yet** for the figures that differ: what explains them (a difference of "
                            + "code or settings), or what was tried without finding one, belongs in `about.differences` "
                            + "of `experiments/" + experiment + ".properties`, which this page quotes."
                    : "Known differences from the tutorial's code: " + why, WIDTH));
        }
    }

    /** The width the paragraphs of pages and scoreboard are wrapped to. */
    public static final int WIDTH = 110;

    /**
     * Whether a run used the tutorial's settings, the only ones the reference ran: the full profile, overridden at
     * most in its seeds or its recurrent layers' implementation.
     */
    public static boolean tutorialSettings(Config config) {
        return config.published();
    }

    /** How a verdict is reached, for the pages and the scoreboard. */
    public static final String VERDICT_RULE = verdictRule();

    /** {@link #VERDICT_RULE}, its tolerances stated from {@link Figures}' constants. */
    private static String verdictRule() {
        Verdict.Tolerance perplexity = Figures.PERPLEXITY;
        String percent = Markdown.f(100 * perplexity.amount(), 0);
        String share = shareInWords(perplexity.share());
        double below = perplexity.memorisationBelow();
        return "A verdict compares the 95% interval of the difference between our mean "
            + "and the reference's (Welch) with the stated tolerance: **reproduced** when the whole interval lies "
            + "inside it, **differs** when it lies wholly outside, **inconclusive** otherwise; after inconclusive, "
            + "(~N seeds) is about how many seeds a side would likely settle it, (>" + Verdict.MAX_SEEDS + " seeds) that "
            + "more than " + Verdict.MAX_SEEDS + " would be needed, (single seed) that a side has one seed and so no "
            + "interval yet, (at N seeds) that both sides have the experiment's cap of seeds (`-Dexp=settle`'s "
            + "plan goes no further) and the seeds still spread too wide to decide, (at its planned N seeds) that both "
            + "sides have the seeds the figure's plan gave it, fewer than the cap, and it stays open: the plan was made "
            + "before those seeds ran and is not made again after seeing them, since adding seeds until an interval "
            + "happens to fit (optional stopping) would bias the verdict. Each figure is compared on its own scale. Accuracies: as they are, within \u00b1"
            + Markdown.f(Figures.ACCURACY.amount(), 2) + ". Losses: as ratios, within \u00b1"
            + Markdown.f(100 * Figures.LOSS.amount(), 0) + "%. Perplexities: as cross-entropies (nats per token, the log "
            + "perplexity), within log " + Markdown.f(1 + perplexity.amount(), 2) + " (" + percent + "% in perplexity) or "
            + share + " of the reference's mean cross-entropy, whichever is smaller: below " + Markdown.f(below, 3)
            + " nats (perplexity " + Markdown.f(Math.exp(below), 2) + "), where a model has all but memorised its text, "
            + percent + "% would exceed the whole cross-entropy, so the "
            + (share.startsWith("a ") ? share.substring(2) : share) + " applies there (the **memorisation regime**) "
            + "and a model with twice the reference's cross-entropy is never reproduced. Perplexities are averaged over "
            + "seeds as mean losses (the mean is exp of the mean cross-entropy, and so are the interval's ends). An "
            + "interval of a mean is Student's t interval truncated to the figure's range (no perplexity below 1, no "
            + "accuracy outside [0, 1], no loss below 0); a cut removes only values the mean cannot take. Square "
            + "brackets are always a 95% interval; a\u2013b is the seeds' own minimum to maximum.";
    }

    /** A tolerance's share of the reference's figure in words: "a quarter", or a percentage. */
    static String shareInWords(double share) {
        return share == 0.25 ? "a quarter" : Markdown.f(100 * share, 0) + "%";
    }

    /** When a seed counts as failed, and what the failures table says. */
    public static final String FAILURE_RULE = "A seed **failed** outright when its perplexity or loss exceeds "
            + Markdown.f(Figures.FAILURE_FACTOR, 0) + " times the median of both sides' seeds pooled (a learning "
            + "seed's spread never reaches that; a seed stuck on the plateau of character frequencies does), or when "
            + "its accuracy is at or below chance (1/" + DigitSumData.NUM_CLASSES + ": DigitSum's label is one of "
            + DigitSumData.NUM_CLASSES + " sums). Where any seed failed, "
            + "the failures table gives each side's count, Fisher's exact test (two-sided) of whether the two sides "
            + "fail equally often, and the verdict on the seeds that learnt.";

    /** The failures table's header. */
    public static List<String> failureHeader(boolean withExperiment) {
        List<String> h = withExperiment ? new ArrayList<>(List.of("experiment")) : new ArrayList<>();
        h.addAll(List.of("figure", "failed seeds: reference / ours", "Fisher's exact p", "seeds that learnt: difference "
                + "[95% interval]", "tolerance", "verdict on the seeds that learnt"));
        return h;
    }

    /** A failures row's cells: the counts, the p-value and the learnt seeds' verdict. */
    public static List<String> failureCells(Row r, String experiment) {
        List<String> c = first(experiment);
        Failures f = r.failures();
        c.add(r.figure());
        c.add(f.referenceFailed() + " of " + f.referenceSeeds() + " / " + f.oursFailed() + " of " + f.oursSeeds());
        c.add(Markdown.f(f.p(), 3));
        c.addAll(judged(r.spec().tolerance(), f.learnt(), decimals(r)));
        return c;
    }

    /** The rows where some seed failed. */
    public static List<Row> withFailures(List<Row> rows) {
        return rows.stream().filter(r -> r.failures() != null && r.failures().any()).toList();
    }

    /** The verdict table's header; {@code withExperiment} puts an experiment column first. */
    public static List<String> header(boolean withExperiment) {
        List<String> h = withExperiment ? new ArrayList<>(List.of("experiment")) : new ArrayList<>();
        h.addAll(List.of("figure", "tutorial printed", "reference: mean [95% interval]", "ours: mean [95% interval]",
                "difference [95% interval]", "tolerance", "verdict"));
        return h;
    }

    /** The spread table's header: the seeds, their min-max on each side and whether the printed value is inside. */
    public static List<String> spreadHeader(boolean withExperiment) {
        List<String> h = withExperiment ? new ArrayList<>(List.of("experiment")) : new ArrayList<>();
        h.addAll(List.of("figure", "seeds: reference / ours", "reference: min\u2013max", "ours: min\u2013max",
                "printed value within min\u2013max: reference / ours"));
        return h;
    }

    /**
     * Counts of each outcome over rows with a verdict: reproduced, differs, inconclusive (the scoreboard's summary).
     */
    public static int[] counts(List<Row> rows) {
        int[] c = new int[Verdict.Outcome.values().length];
        rows.stream().filter(r -> r.verdict() != null).forEach(r -> c[r.verdict().outcome().ordinal()]++);
        return c;
    }

    /** A row's verdict cells; {@code experiment} non-null puts it first, as a link to its page. */
    public static List<String> cells(Row r, String experiment) {
        List<String> c = first(experiment);
        int d = decimals(r);
        c.add(r.figure());
        c.add(Double.isNaN(r.printed()) ? "-" : Markdown.f(r.printed(), d));
        c.add(mean(r.reference(), d));
        c.add(mean(r.ours(), d));
        c.addAll(judged(r.spec().tolerance(), r.verdict(), d));
        if (atCap(r)) {
            c.set(c.size() - 1, "**inconclusive** at " + r.spec().seedCap() + " seeds: " + whyOpen(r));
        } else if (atPlan(r)) {
            c.set(c.size() - 1, "**inconclusive** at its planned " + r.planned() + " seeds (the plan gives it no "
                    + "more): " + whyOpen(r));
        }
        return c;
    }

    /**
     * What keeps a row open at its final count: an interval wider than the tolerance fits inside it at no
     * difference; a narrower one that straddles an edge would need the difference to move, not more seeds.
     */
    private static String whyOpen(Row r) {
        Verdict v = r.verdict();
        boolean wide = (v.high() - v.low()) / 2 > v.tolerance();
        return (wide ? "its seeds spread wider than its tolerance"
                : "its difference lies at the tolerance's edge (its interval, narrower than the tolerance, straddles it)")
                + " (sd " + spread(r.reference(), r) + " reference, " + spread(r.ours(), r) + " ours)";
    }

    /**
     * Whether a row is inconclusive with both sides at the seeds its plan gave it, fewer than its cap
     * ({@link #atCap} otherwise): judged once, there, it stays open, since the plan is never made again.
     */
    public static boolean atPlan(Row r) {
        return r.planned() < r.spec().seedCap() && openAt(r, r.planned());
    }

    /** Whether a row is inconclusive with both sides at {@code seeds} or more ({@code seeds} 0: no such count). */
    private static boolean openAt(Row r, int seeds) {
        return seeds > 0 && r.verdict() != null && r.verdict().outcome() == Verdict.Outcome.INCONCLUSIVE
                && r.reference().n() >= seeds && r.ours().n() >= seeds;
    }

    /**
     * Whether a row is inconclusive with both sides at its experiment's seed cap ({@code about.seed_cap}): the most
     * seeds its plan may give it, so its spread, not a lack of seeds, keeps it open.
     */
    public static boolean atCap(Row r) {
        return openAt(r, r.spec().seedCap());
    }

    /**
     * A side's sd on the figure's compared scale: an accuracy's own; a perplexity's in nats (its summary's sd is the
     * log perplexity's); a loss's as a share of its mean (the sd of its logarithm, to first order).
     */
    private static String spread(Summary s, Row r) {
        Verdict.Tolerance t = r.spec().tolerance();
        return switch (t.kind()) {
            case ABSOLUTE -> Markdown.f(s.sd(), decimals(r) + 1);
            case RELATIVE -> Markdown.f(100 * s.sd() / s.mean(), 1) + "%";
            case CROSS_ENTROPY -> nats(s.sd(), r.verdict().tolerance()) + " nats";
        };
    }

    /** What the same-starts table says of its verdicts ({@link Verdict#paired}). */
    public static final String SAME_STARTS_RULE = "Here both codes train from the same starts: a pair is one seed's "
            + "start as the tutorial's code draws it, trained once by its code (the reference runs above) and once by "
            + "ours (`start=tutorial`, its weights loaded from the tutorial's). The 95% interval is the paired one, "
            + "Student's t with pairs less one degrees of freedom around the mean of the pairs' differences on the "
            + "compared scale, and the tolerances and outcomes are those above. It answers whether our code gives the "
            + "tutorial's figure from the tutorial's starts; that our own starts are drawn as the tutorial's are is "
            + "checked apart (docs/statistics.md). Where a start decides much of a run's "
            + "figure whichever code trains it, the pairs' differences spread less than two sets of seeds do. "
            + "The pairs are planned as the seeds above are, once, from a pilot of the first pairs "
            + "(`-Dexp=settle -Dsettle_starts=tutorial`); a verdict on fewer pairs than its plan says so.";

    /** The same-starts table's header. */
    public static List<String> sameStartsHeader() {
        return List.of("figure", "pairs", "reference: mean [95% interval]", "ours from its starts: mean [95% interval]",
                "paired difference [95% interval]", "tolerance", "verdict");
    }

    /** A same-starts row's cells ({@link #sameStartsRows}): its pairs, both means, the paired verdict. */
    public static List<String> sameStartsCells(Row r) {
        List<String> c = new ArrayList<>();
        int d = decimals(r);
        c.add(r.figure());
        c.add(Integer.toString(r.ours().n()));
        c.add(mean(r.reference(), d));
        c.add(mean(r.ours(), d));
        c.addAll(judged(r.spec().tolerance(), r.verdict(), d));
        Verdict v = r.verdict();
        c.set(c.size() - 1, c.get(c.size() - 1).replace(" seed)", " pair)").replace(" seeds)", " pairs)"));
        if (r.planned() > r.ours().n()) { // judged again once the plan's pairs are in
            c.set(c.size() - 1, c.get(c.size() - 1) + ", so far: " + r.ours().n() + " of its " + r.planned()
                    + " planned pairs");
        }
        if (atCap(r) || atPlan(r)) {
            int n = r.ours().n();
            // the differences' sd from the interval: half-width = t(0.975, n - 1) sd / sqrt(n)
            double sd = (v.high() - v.low()) / 2 * Math.sqrt(n) / Summary.t975(n - 1);
            boolean wide = (v.high() - v.low()) / 2 > v.tolerance();
            c.set(c.size() - 1, "**inconclusive** at " + (atCap(r) ? n + " pairs (the cap)" : "its planned " + n
                    + " pairs") + ": " + (wide ? "its pairs' differences spread wider than its tolerance"
                            : "its difference lies at the tolerance's edge") + " (sd of the differences "
                    + (r.spec().tolerance().kind() == Verdict.Tolerance.Kind.ABSOLUTE ? Markdown.f(sd, d + 1)
                            : nats(sd, v.tolerance()) + (r.spec().tolerance().kind()
                                    == Verdict.Tolerance.Kind.CROSS_ENTROPY ? " nats" : " in logarithm"))
                    + ")");
        }
        return c;
    }

    /** The difference, tolerance and verdict cells of a verdict (null: dashes, but an absolute or relative bound). */
    static List<String> judged(Verdict.Tolerance t, Verdict v, int decimals) {
        List<String> c = new ArrayList<>();
        c.add(v == null ? "-" : difference(v, t, decimals));
        c.add(tolerance(t, v, decimals));
        c.add(v == null ? "-" : verdict(v));
        return c;
    }

    /**
     * The tolerance on the figure's scale: an accuracy's amount; a loss's percentage; a perplexity's bound in nats of
     * cross-entropy and which bound it is (a dash without a reference, whose cross-entropy it may depend on).
     */
    public static String tolerance(Verdict.Tolerance t, Verdict v, int decimals) {
        return switch (t.kind()) {
            case ABSOLUTE -> "\u00b1" + Markdown.f(t.amount(), decimals);
            case RELATIVE -> "\u00b1" + Markdown.f(t.amount() * 100, 0) + "%";
            case CROSS_ENTROPY -> v == null ? "-" : "\u00b1" + nats(v.tolerance(), v.tolerance()) + " nats "
                    + (v.memorisation() ? "(memorisation regime: " + Markdown.f(t.share() * 100, 0)
                            + "% of the reference's " + nats(v.tolerance() / t.share(), v.tolerance()) + ")"
                            : "(" + Markdown.f(t.amount() * 100, 0) + "% in perplexity)");
        };
    }

    /** Nats to the decimals a tolerance of {@code scale} needs: at least three, two significant digits of it. */
    static String nats(double v, double scale) {
        return Markdown.f(v, natsDecimals(scale));
    }

    static int natsDecimals(double scale) {
        return Math.max(3, (int) Math.ceil(-Math.log10(scale)) + 1);
    }

    /** A row's spread cells; {@code experiment} non-null puts it first, as a link to its page. */
    public static List<String> spreadCells(Row r, String experiment) {
        List<String> c = first(experiment);
        int d = decimals(r);
        c.add(r.figure());
        c.add((r.reference() == null ? "-" : Integer.toString(r.reference().n())) + " / " + r.ours().n());
        c.add(range(r.reference(), d));
        c.add(range(r.ours(), d));
        c.add(Double.isNaN(r.printed()) ? "-" : yesNo(r.printedWithin(r.reference())) + " / " + yesNo(r.printedWithin(r.ours())));
        return c;
    }

    private static List<String> first(String experiment) {
        List<String> c = new ArrayList<>();
        if (experiment != null) {
            c.add("[" + experiment + "](" + experiment + ".md)");
        }
        return c;
    }

    private static String yesNo(Boolean b) {
        return b == null ? "-" : b ? "yes" : "no";
    }

    /**
     * Accuracies (on 100-example sets) to two decimals, losses to three, perplexities as the tutorials print them:
     * five decimals under 1.01, four under 1.5, two under 100, else one.
     */
    static int decimals(Row r) {
        String metric = r.spec().metric();
        if (!Seeds.isPerplexity(metric)) {
            return metric.endsWith("accuracy") ? 2 : 3;
        }
        double m = r.ours().mean();
        return m < 1.01 ? 5 : m < 1.5 ? 4 : m < 100 ? 2 : 1;
    }

    /** mean [95% interval]; a single seed: its value alone. */
    static String mean(Summary s, int decimals) {
        if (s == null) {
            return "-";
        }
        String m = Markdown.f(s.mean(), decimals);
        return s.n() == 1 ? m : m + " [" + Markdown.f(s.ci95Low(), decimals) + ", " + Markdown.f(s.ci95High(), decimals) + "]";
    }

    /** min-max over the seeds; a single seed has none. */
    static String range(Summary s, int decimals) {
        return s == null || s.n() == 1 ? "-" : Markdown.f(s.min(), decimals) + "\u2013" + Markdown.f(s.max(), decimals);
    }

    /** mean [low, high] (min-max, n); a single seed: its value (1 seed). The word-LM pages' per-epoch cells. */
    public static String describe(Summary s, int decimals) {
        if (s == null) {
            return "-";
        }
        if (s.n() == 1) {
            return Markdown.f(s.mean(), decimals) + " (1 seed)";
        }
        return Markdown.f(s.mean(), decimals) + " [" + Markdown.f(s.ci95Low(), decimals) + ", "
                + Markdown.f(s.ci95High(), decimals) + "] (" + Markdown.f(s.min(), decimals) + "-"
                + Markdown.f(s.max(), decimals) + ", " + s.n() + ")";
    }

    /** The verdict in bold; after inconclusive, what would settle it, in short (explained in {@link #VERDICT_RULE}). */
    static String verdict(Verdict v) {
        String word = "**" + v.outcome() + "**";
        if (v.outcome() != Verdict.Outcome.INCONCLUSIVE) {
            return word;
        }
        int n = v.seedsToSettle();
        return word + (n == Verdict.SINGLE_SEED ? " (single seed)"
                : n > Verdict.MAX_SEEDS ? " (>" + Verdict.MAX_SEEDS + " seeds)" : " (~" + n + " seeds)");
    }

    /** Accuracies as they are, losses as a percentage change, perplexities in nats of cross-entropy. */
    public static String difference(Verdict v, Verdict.Tolerance t, int decimals) {
        if (t.kind() == Verdict.Tolerance.Kind.RELATIVE) {
            return Double.isNaN(v.low()) ? pct(v.difference()) : pct(v.difference()) + " [" + pct(v.low()) + ", " + pct(v.high()) + "]";
        }
        int d = t.kind() == Verdict.Tolerance.Kind.CROSS_ENTROPY ? natsDecimals(v.tolerance()) : decimals;
        return Double.isNaN(v.low()) ? signed(v.difference(), d)
                : signed(v.difference(), d) + " [" + signed(v.low(), d) + ", " + signed(v.high(), d) + "]";
    }

    /** A log ratio as a percentage change. */
    private static String pct(double logRatio) {
        double p = Math.expm1(logRatio) * 100;
        return (p >= 0 ? "+" : "") + Markdown.f(p, 1) + "%";
    }

    private static String signed(double v, int decimals) {
        return (v >= 0 ? "+" : "") + Markdown.f(v, decimals);
    }
}
