package rnnlab.stats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.commons.math3.distribution.NormalDistribution;

import rnnlab.core.AtomicFiles;
import rnnlab.core.ResultsCsv;
import rnnlab.core.UserError;

/**
 * How many seeds a side each figure of an experiment is judged at, planned once from a pilot (the seeds both sides
 * have when the plan is made) and kept in {@code results/plans/NAME.csv}, so that the verdict is given once, at the
 * planned count, and never re-planned after new seeds are seen (adding seeds until the interval happens to fit is
 * optional stopping, which biases the verdict).
 *
 * <p>The rule ({@link #needed}): assuming the true difference and both sides' spreads equal the pilot's, on the
 * figure's compared scale, the smallest n seeds a side, from 2, at which the probability that Welch's 95% interval
 * lies wholly inside the tolerance or wholly outside it is at least {@link #POWER}; the interval's centre is taken
 * as normal around the true difference with the standard error sqrt((sd_ours^2 + sd_ref^2) / n), its half-width as
 * t(0.975, df) times that standard error, df Welch's for n a side. Beyond the experiment's cap the figure runs at the
 * cap. A side with fewer than 2 pilot seeds borrows the other's spread; with neither, the figure runs at the cap.
 * Seeds are shared by a setting's figures (one run gives them all): a setting's plan is the largest of its figures'.
 * No figure is planned below the seeds it already has.
 */
public record SeedPlan(String experiment, List<Need> needs) {
    /** The probability of a decided verdict the plan asks for. */
    public static final double POWER = 0.8;

    /**
     * One figure's need. {@code sdReference}, {@code sdOurs}, {@code difference} and {@code tolerance} are on the
     * figure's compared scale (NaN where a side has fewer than two seeds); {@code needed} is {@code cap + 1} when the
     * cap is not enough; {@code planned} the seeds a side it runs at.
     */
    public record Need(String setting, String epoch, String metric, int referenceSeeds, int oursSeeds,
            double difference, double sdReference, double sdOurs, double tolerance, int needed, int cap, int planned) {
        /** Whether even the cap would likely not settle it: it runs at the cap and may stay inconclusive. */
        public boolean beyondCap() {
            return needed > cap;
        }

        /**
         * The chance, by the pilot ({@link #power} with its difference and spreads as {@link #of} planned with them),
         * that the verdict is decided with {@code seeds} a side: the setting's planned count, which may exceed this
         * figure's own. NaN when neither side had two pilot seeds.
         */
        public double decidedAt(int seeds) {
            double va = variance(sdOurs, sdReference);
            return Double.isNaN(va) ? Double.NaN
                    : power(difference, va, variance(sdReference, sdOurs), tolerance, seeds);
        }

        /**
         * The seeds a side the pilot says it would need with no cap, up to {@code limit} ({@code limit + 1}: more;
         * also when neither side had two pilot seeds): what a figure beyond its cap would cost to settle.
         */
        public int neededWithout(int limit) {
            return neededBySds(difference, sdOurs, sdReference, tolerance, limit);
        }

        /**
         * Half the width of Welch's 95% interval the pilot's spreads give with {@code seeds} a side, on the compared
         * scale: wider than the tolerance, the interval cannot fit inside it whatever the difference. NaN when
         * neither side had two pilot seeds.
         */
        public double halfWidthAt(int seeds) {
            double va = variance(sdOurs, sdReference);
            return Double.isNaN(va) ? Double.NaN : halfWidth(va, variance(sdReference, sdOurs), seeds);
        }

        /** The figure as the pages name it. */
        public String figure() {
            return new Figures.Figure(setting, epoch, metric, Double.NaN, null).label(setting);
        }
    }

    /** The plan's file: {@code results/plans/NAME.csv}. */
    public static Path file(Path resultsDir, String experiment) {
        return resultsDir.resolve("plans").resolve(experiment + ".csv");
    }

    /** Each base setting's planned seeds a side: the largest of its figures'. */
    public Map<String, Integer> perSetting() {
        Map<String, Integer> out = new LinkedHashMap<>();
        needs.forEach(n -> out.merge(n.setting(), n.planned(), Math::max));
        return out;
    }

    /** The plan from the pilot: our CSV and the reference's, each figure's need ({@link #needed}). */
    public static SeedPlan of(String experiment, ResultsCsv ours, ResultsCsv reference) {
        List<Need> needs = new ArrayList<>();
        for (Comparison.Paired p : Comparison.paired(experiment, ours, reference)) {
            Verdict.Tolerance t = p.spec().tolerance();
            int cap = p.spec().seedCap();
            double[] a = Verdict.onScale(p.ours(), t);
            double[] b = Verdict.onScale(p.reference(), t);
            if (b.length == 0) {
                continue; // no reference runs: nothing to compare, so nothing to plan
            }
            Summary sa = Summary.of(a);
            Summary sb = Summary.of(b);
            double tol = t.on(sb.mean());
            double diff = sa.mean() - sb.mean();
            double sdOurs = a.length > 1 ? sa.sd() : Double.NaN;
            double sdReference = b.length > 1 ? sb.sd() : Double.NaN;
            int need = neededBySds(diff, sdOurs, sdReference, tol, cap);
            int have = Math.max(a.length, b.length);
            needs.add(new Need(p.base(), p.spec().epoch(), p.spec().metric(), b.length, a.length, diff, sdReference,
                    sdOurs, tol, need, cap, Math.max(have, Math.min(need, cap))));
        }
        return new SeedPlan(experiment, List.copyOf(needs));
    }

    /**
     * The plan for judging from the same starts ({@link Verdict#paired}): from the pilot's pairs (the seeds both
     * sides have, one start's two runs each), each figure's need by the same rule with the paired interval, which is
     * Welch's with one side's variance the differences' and the other's none. So each {@link Need} keeps the
     * differences' sd as {@code sdOurs} and 0 as {@code sdReference}, and both seed counts are the pilot's pairs.
     */
    public static SeedPlan sameStartsOf(String experiment, ResultsCsv ours, ResultsCsv reference) {
        List<Need> needs = new ArrayList<>();
        for (Comparison.Paired p : Comparison.sameStarts(experiment, ours, reference)) {
            Verdict.Tolerance t = p.spec().tolerance();
            int cap = p.spec().seedCap();
            double[] d = Verdict.differences(p.ours(), p.reference(), t);
            Summary sd = Summary.of(d);
            double tol = t.on(Summary.of(Verdict.onScale(p.reference(), t)).mean());
            double sdPairs = d.length > 1 ? sd.sd() : Double.NaN;
            int need = neededBySds(sd.mean(), sdPairs, Double.isNaN(sdPairs) ? Double.NaN : 0, tol, cap);
            needs.add(new Need(p.base(), p.spec().epoch(), p.spec().metric(), d.length, d.length, sd.mean(),
                    Double.isNaN(sdPairs) ? Double.NaN : 0, sdPairs, tol, need, cap,
                    Math.max(d.length, Math.min(need, cap))));
        }
        return new SeedPlan(experiment, List.copyOf(needs));
    }

    /** {@link #needed} from the sides' sds as a plan keeps them ({@link #variance}); {@code limit + 1} for neither. */
    private static int neededBySds(double diff, double sdOurs, double sdReference, double tol, int limit) {
        double va = variance(sdOurs, sdReference);
        return Double.isNaN(va) ? limit + 1 : needed(diff, va, variance(sdReference, sdOurs), tol, limit);
    }

    /** A side's variance on the compared scale from its sd; the other side's where it had one seed (NaN); NaN for neither. */
    private static double variance(double sd, double otherSd) {
        double s = Double.isNaN(sd) ? otherSd : sd;
        return s * s;
    }

    /**
     * The smallest n from 2 to {@code cap} at which {@link #power} reaches {@link #POWER}; {@code cap + 1} when none
     * does. {@code va}, {@code vb}: the two sides' variances; {@code tol}: the tolerance; all on the compared scale.
     */
    public static int needed(double diff, double va, double vb, double tol, int cap) {
        for (int n = 2; n <= cap; n++) {
            if (power(diff, va, vb, tol, n) >= POWER) {
                return n;
            }
        }
        return cap + 1;
    }

    /**
     * The probability that, with n seeds a side, Welch's 95% interval of the difference lies wholly inside
     * [-tol, tol] (reproduced) or wholly outside it (differs), if the true difference is {@code diff} and the
     * variances {@code va} and {@code vb}: the centre normal around {@code diff} with the standard error, the
     * half-width h = t(0.975, df) times it (df Welch's with n a side). Reproduced needs the centre within
     * [-tol + h, tol - h], differs beyond tol + h on either side.
     */
    public static double power(double diff, double va, double vb, double tol, int n) {
        double se = Math.sqrt((va + vb) / n);
        if (se == 0) {
            return 1; // no spread: the interval is the difference itself, which always decides
        }
        double h = halfWidth(va, vb, n);
        NormalDistribution z = new NormalDistribution(null, 0, 1);
        double inside = tol > h ? z.cumulativeProbability((tol - h - diff) / se)
                - z.cumulativeProbability((-tol + h - diff) / se) : 0;
        double outside = z.cumulativeProbability((-tol - h - diff) / se)
                + (1 - z.cumulativeProbability((tol + h - diff) / se));
        return inside + outside;
    }

    /** Half the width of Welch's 95% interval with n seeds a side of variances {@code va} and {@code vb}. */
    static double halfWidth(double va, double vb, int n) {
        if (va + vb == 0) {
            return 0;
        }
        double df = (va + vb) * (va + vb) * (n - 1) / (va * va + vb * vb);
        return Summary.t975(df) * Math.sqrt((va + vb) / n);
    }

    private static final String HEADER = "setting,epoch,metric,seeds_reference,seeds_ours,difference,sd_reference,"
            + "sd_ours,tolerance,needed,cap,planned";

    /** Keeps the plan in {@link #file}, atomically. */
    public void write(Path resultsDir) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Need n : needs) {
            sb.append(String.join(",", n.setting(), n.epoch(), n.metric(), Integer.toString(n.referenceSeeds()),
                    Integer.toString(n.oursSeeds()), ResultsCsv.number(n.difference()), ResultsCsv.number(n.sdReference()),
                    ResultsCsv.number(n.sdOurs()), ResultsCsv.number(n.tolerance()), Integer.toString(n.needed()),
                    Integer.toString(n.cap()), Integer.toString(n.planned()))).append('\n');
        }
        AtomicFiles.write(file(resultsDir, experiment), sb.toString());
    }

    /** The kept plan, if there is one; a file that is not one is one line ({@link UserError}) saying so. */
    public static Optional<SeedPlan> read(Path resultsDir, String experiment) {
        Path f = file(resultsDir, experiment);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        UserError bad = new UserError(f + " is not a seed plan (header " + HEADER + "); restore it from git, or delete "
                + "it to plan again from the seeds there are now");
        try {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
                throw bad;
            }
            List<Need> needs = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] c = line.split(",", -1);
                if (c.length != 12) {
                    throw bad;
                }
                needs.add(new Need(c[0], c[1], c[2], Integer.parseInt(c[3]), Integer.parseInt(c[4]),
                        Double.parseDouble(c[5]), Double.parseDouble(c[6]), Double.parseDouble(c[7]),
                        Double.parseDouble(c[8]), Integer.parseInt(c[9]), Integer.parseInt(c[10]),
                        Integer.parseInt(c[11])));
            }
            return Optional.of(new SeedPlan(experiment, List.copyOf(needs)));
        } catch (IOException | NumberFormatException e) {
            throw bad;
        }
    }

    /**
     * The experiment's plan: the kept one if there is one (never planned again: the verdict is judged at the count
     * planned before the new seeds were seen), else one made from the CSVs there are now, kept when {@code keep}.
     */
    public static SeedPlan planned(Path resultsDir, String experiment, ResultsCsv ours, ResultsCsv reference,
            boolean keep) {
        return planned(resultsDir, experiment, () -> of(experiment, ours, reference), keep);
    }

    /** {@link #planned}, the plan made by {@code make} where none is kept (as {@link #sameStartsOf}). */
    public static SeedPlan planned(Path resultsDir, String experiment, Supplier<SeedPlan> make, boolean keep) {
        Optional<SeedPlan> kept = read(resultsDir, experiment);
        if (kept.isPresent()) {
            return kept.get();
        }
        SeedPlan plan = make.get();
        if (keep) {
            plan.write(resultsDir);
        }
        return plan;
    }
}
