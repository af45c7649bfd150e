package rnnlab.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import rnnlab.core.Config;
import rnnlab.core.Markdown;
import rnnlab.core.ResultsCsv;

/**
 * Every figure of {@link Figures} for one experiment: the tutorial's printed value, the reference's summary over
 * its seeds (the tutorial's own code, {@code results/reference/NAME.csv}), ours, and the {@link Verdict}; and the
 * section of a results page and the scoreboard rows that say it.
 */
public final class Comparison {
    /** One figure at one base setting. {@code reference} and {@code verdict} are null without reference runs. */
    public record Row(String figure, Figures.Figure spec, double printed, Summary reference, Summary ours,
            Verdict verdict) {
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

    /** Our figures against the reference's ({@code reference} null: ours alone). */
    public static List<Row> rows(String experiment, ResultsCsv ours, ResultsCsv reference) {
        List<Row> out = new ArrayList<>();
        for (Figures.Figure f : Figures.of(experiment)) {
            Map<String, Map<Integer, Double>> o = Seeds.values(ours, f.epoch(), f.metric());
            Map<String, Map<Integer, Double>> r = reference == null ? Map.of()
                    : Seeds.values(reference, f.epoch(), f.metric());
            List<String> bases = f.setting() == null ? new ArrayList<>(o.keySet()) : List.of(f.setting());
            for (String base : bases) {
                double[] ov = values(o.get(base));
                if (ov.length == 0) {
                    continue;
                }
                double[] rv = values(r.get(base));
                Summary os = Seeds.summary(f.metric(), ov);
                Summary rs = rv.length == 0 ? null : Seeds.summary(f.metric(), rv);
                Verdict v = rv.length == 0 ? null : Verdict.of(ov, rv, f.tolerance());
                out.add(new Row(f.label(base), f, f.printed(), rs, os, v));
            }
        }
        return out;
    }

    private static double[] values(Map<Integer, Double> bySeed) {
        return bySeed == null ? new double[0] : bySeed.values().stream().mapToDouble(Double::doubleValue).toArray();
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
        if (Figures.of(experiment).isEmpty()) {
            return;
        }
        md.heading(2, "Against the tutorial's own code");
        if (!full) {
            md.para("Verdicts compare the full profile, the tutorial's own settings, with the tutorial's own code run "
                    + "over seeds (`reference/`); this run has other settings, so it has none.");
            return;
        }
        ResultsCsv reference = readReference(projectDir.resolve("results"), experiment);
        List<Row> rows = rows(experiment, ours, reference);
        md.para(reference == null ? "No reference runs yet: `results/reference/" + experiment + ".csv` is made by "
                + "`reference/run` (the tutorial's own PyTorch code over seeds; `reference/README.md`)."
                : "The reference is the tutorial's own PyTorch code, run over seeds on the machines that ran ours "
                        + "(`reference/README.md`; its runs are `results/reference/" + experiment + ".csv`, each run's CPU in "
                        + "`results/reference/machines.csv`). "
                        + VERDICT_RULE);
        if (rows.isEmpty()) {
            md.para("No run has reached the figures the tutorial printed yet.");
            return;
        }
        md.table(header(false), rows.stream().map(r -> cells(r, null)).toList());
        String why = Figures.why(experiment);
        if (!why.isEmpty() && rows.stream().anyMatch(r -> r.verdict() != null
                && r.verdict().outcome() == Verdict.Outcome.DIFFERS)) {
            md.para("Known differences from the tutorial's code: " + why);
        }
    }

    /**
     * Whether a run used the tutorial's settings, the only ones the reference ran: the full profile, overridden at
     * most in its seeds or its recurrent layers' implementation.
     */
    public static boolean tutorialSettings(Config config) {
        return config.profile().equals("full")
                && Set.of("seeds", "layers").containsAll(config.overrides().keySet());
    }

    /** How a verdict is reached, for the pages and the scoreboard. */
    public static final String VERDICT_RULE = "A verdict compares the 95% interval of the difference between our mean "
            + "and the reference's (Welch) with the stated tolerance: **reproduced** when the whole interval lies "
            + "inside it, **differs** when it lies wholly outside, **inconclusive** otherwise. Perplexities are "
            + "averaged over seeds as mean losses (the mean is exp of the mean log perplexity, and so are the "
            + "interval's ends) and compared as ratios; min and max are the seeds' own extremes.";

    public static List<String> header(boolean withExperiment) {
        List<String> h = new ArrayList<>();
        if (withExperiment) {
            h.add("experiment");
        }
        h.addAll(List.of("figure", "tutorial printed", "reference: mean [95% interval] (min-max, seeds)",
                "ours: mean [95% interval] (min-max, seeds)", "difference [95% interval] / tolerance", "verdict",
                "printed value within reference / ours min-max"));
        return h;
    }

    /** A row's cells; {@code experiment} non-null puts it first, as a link to its page. */
    public static List<String> cells(Row r, String experiment) {
        List<String> c = new ArrayList<>();
        if (experiment != null) {
            c.add("[" + experiment + "](" + experiment + ".md)");
        }
        int d = decimals(r);
        c.add(r.figure());
        c.add(Double.isNaN(r.printed()) ? "-" : Markdown.f(r.printed(), d));
        c.add(describe(r.reference(), d));
        c.add(describe(r.ours(), d));
        c.add(r.verdict() == null ? "-" : difference(r.verdict(), r.spec().tolerance()));
        c.add(r.verdict() == null ? "-" : "**" + r.verdict().describe() + "**");
        c.add(Double.isNaN(r.printed()) ? "-" : yesNo(r.printedWithin(r.reference())) + " / " + yesNo(r.printedWithin(r.ours())));
        return c;
    }

    private static String yesNo(Boolean b) {
        return b == null ? "-" : b ? "yes" : "no";
    }

    private static int decimals(Row r) {
        if (!Seeds.isPerplexity(r.spec().metric())) {
            return 3;
        }
        double m = r.ours().mean();
        return m < 1.01 ? 5 : m < 1.5 ? 4 : m < 100 ? 2 : 1;
    }

    /** mean [low, high] (min-max, n); a single seed: its value (1 seed). */
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

    private static String difference(Verdict v, Verdict.Tolerance t) {
        if (t.relative()) {
            return Double.isNaN(v.low()) ? pct(v.difference()) + " / ±" + Markdown.f(t.amount() * 100, 0) + "%"
                    : pct(v.difference()) + " [" + pct(v.low()) + ", " + pct(v.high()) + "] / ±" + Markdown.f(t.amount() * 100, 0) + "%";
        }
        return Double.isNaN(v.low()) ? signed(v.difference()) + " / ±" + Markdown.f(t.amount(), 3)
                : signed(v.difference()) + " [" + signed(v.low()) + ", " + signed(v.high()) + "] / ±" + Markdown.f(t.amount(), 3);
    }

    /** A log ratio as a percentage change. */
    private static String pct(double logRatio) {
        double p = Math.expm1(logRatio) * 100;
        return (p >= 0 ? "+" : "") + Markdown.f(p, 1) + "%";
    }

    private static String signed(double v) {
        return (v >= 0 ? "+" : "") + Markdown.f(v, 3);
    }
}
