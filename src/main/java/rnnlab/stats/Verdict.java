package rnnlab.stats;

import java.util.Arrays;
import java.util.Locale;

/**
 * Whether a figure reproduces a reference (the tutorial's own code, run over seeds): the 95% interval of the
 * difference of the two means (Welch's, which does not assume equal variances) against a stated tolerance.
 * <b>reproduced</b> when the whole interval lies inside [-tolerance, tolerance], <b>differs</b> when it lies wholly
 * outside, <b>inconclusive</b> otherwise, with how many seeds a side would likely settle it. Each kind of figure is
 * compared on its own scale ({@link Tolerance}): accuracies as they are, losses and perplexities by their
 * logarithms (a perplexity's is its cross-entropy in nats per token).
 */
public record Verdict(Outcome outcome, double difference, double low, double high, double tolerance, int seedsToSettle,
        boolean memorisation) {

    public enum Outcome {
        REPRODUCED, DIFFERS, INCONCLUSIVE;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A verdict whose tolerance is not the cross-entropy bound of the memorisation regime. */
    public Verdict(Outcome outcome, double difference, double low, double high, double tolerance, int seedsToSettle) {
        this(outcome, difference, low, high, tolerance, seedsToSettle, false);
    }

    /**
     * How far the two may be apart, on the scale a kind of figure is compared on.
     * <ul>
     * <li>{@code ABSOLUTE}: the values themselves, within {@code amount} (accuracies).
     * <li>{@code RELATIVE}: their logarithms, within log(1 + {@code amount}) (losses: a ratio).
     * <li>{@code CROSS_ENTROPY}: their logarithms, which for a perplexity are its cross-entropy in nats, within
     * min(log(1 + {@code amount}), {@code share} x the reference's mean cross-entropy). The first bound is a ratio of
     * perplexities; near perplexity 1 (the memorisation regime) it would exceed the whole cross-entropy, and the
     * second takes over, so that a model with twice the reference's cross-entropy is never "reproduced".
     * </ul>
     */
    public record Tolerance(Kind kind, double amount, double share) {
        public enum Kind {
            ABSOLUTE, RELATIVE, CROSS_ENTROPY
        }

        public static Tolerance absolute(double a) {
            return new Tolerance(Kind.ABSOLUTE, a, Double.NaN);
        }

        public static Tolerance relative(double fraction) {
            return new Tolerance(Kind.RELATIVE, fraction, Double.NaN);
        }

        public static Tolerance crossEntropy(double fraction, double share) {
            return new Tolerance(Kind.CROSS_ENTROPY, fraction, share);
        }

        /** Whether values are compared by their logarithms. */
        public boolean logs() {
            return kind != Kind.ABSOLUTE;
        }

        /** The bound on the compared scale, given the reference's mean there. */
        public double on(double referenceMean) {
            return switch (kind) {
                case ABSOLUTE -> amount;
                case RELATIVE -> Math.log1p(amount);
                case CROSS_ENTROPY -> Math.min(Math.log1p(amount), share * referenceMean);
            };
        }

        /**
         * The reference's mean cross-entropy below which the share is the smaller bound (the memorisation regime);
         * NaN for the other kinds, which have none.
         */
        public double memorisationBelow() {
            return kind == Kind.CROSS_ENTROPY ? Math.log1p(amount) / share : Double.NaN;
        }

        /** Whether the bound on the compared scale is the cross-entropy share (the memorisation regime). */
        public boolean memorisation(double referenceMean) {
            return kind == Kind.CROSS_ENTROPY && share * referenceMean < Math.log1p(amount);
        }
    }

    /** Seeds per side beyond which "would likely settle it" is not claimed. */
    public static final int MAX_SEEDS = 100;

    /** {@link #seedsToSettle} when a side has a single seed, whose spread is unknown. */
    public static final int SINGLE_SEED = -1;

    /** Ours against the reference: values per seed, compared on the tolerance's scale. */
    public static Verdict of(double[] ours, double[] reference, Tolerance tolerance) {
        double[] a = onScale(ours, tolerance);
        double[] b = onScale(reference, tolerance);
        Summary sa = Summary.of(a);
        Summary sb = Summary.of(b);
        double tol = tolerance.on(sb.mean());
        boolean memorisation = tolerance.memorisation(sb.mean());
        double diff = sa.mean() - sb.mean();
        double va = sa.sd() * sa.sd(); // NaN for a single seed, as its sd
        double vb = sb.sd() * sb.sd();
        if (Double.isNaN(va) || Double.isNaN(vb)) {
            // one seed on a side: no interval, so nothing can be settled from these
            return new Verdict(Outcome.INCONCLUSIVE, diff, Double.NaN, Double.NaN, tol, SINGLE_SEED, memorisation);
        }
        double se2 = va / sa.n() + vb / sb.n();
        double df = se2 * se2 / (Math.pow(va / sa.n(), 2) / (sa.n() - 1) + Math.pow(vb / sb.n(), 2) / (sb.n() - 1));
        double half = se2 == 0 ? 0 : Summary.t975(df) * Math.sqrt(se2);
        double lo = diff - half;
        double hi = diff + half;
        Outcome o = lo >= -tol && hi <= tol ? Outcome.REPRODUCED : hi < -tol || lo > tol ? Outcome.DIFFERS
                : Outcome.INCONCLUSIVE;
        int seeds = o == Outcome.INCONCLUSIVE ? seedsNeeded(diff, va, vb, tol) : 0;
        return new Verdict(o, diff, lo, hi, tol, seeds, memorisation);
    }

    /**
     * Ours against the reference from the same starts: {@code ours[i]} and {@code reference[i]} are one start's two runs
     * (the same seed, its initial weights the tutorial's in both codes). The 95% interval is the paired one, the mean
     * of the per-start differences on the compared scale plus or minus t(0.975, n - 1) times their standard error; the
     * tolerance and the three outcomes are {@link #of}'s. A start decides much of a run's figure, whichever code trains
     * it, so the differences spread far less than two independent sets of seeds do.
     */
    public static Verdict paired(double[] ours, double[] reference, Tolerance tolerance) {
        if (ours.length != reference.length) {
            throw new IllegalArgumentException("paired values need one of each side a start: " + ours.length + " ours, "
                    + reference.length + " the reference's");
        }
        double[] b = onScale(reference, tolerance);
        double[] d = differences(ours, reference, tolerance);
        Summary sb = Summary.of(b);
        Summary sd = Summary.of(d);
        double tol = tolerance.on(sb.mean());
        boolean memorisation = tolerance.memorisation(sb.mean());
        if (d.length < 2) {
            return new Verdict(Outcome.INCONCLUSIVE, sd.mean(), Double.NaN, Double.NaN, tol, SINGLE_SEED, memorisation);
        }
        double vd = sd.sd() * sd.sd();
        double half = vd == 0 ? 0 : Summary.t975(d.length - 1) * Math.sqrt(vd / d.length);
        double lo = sd.mean() - half;
        double hi = sd.mean() + half;
        Outcome o = lo >= -tol && hi <= tol ? Outcome.REPRODUCED : hi < -tol || lo > tol ? Outcome.DIFFERS
                : Outcome.INCONCLUSIVE;
        // Welch's with one side's variance the differences' and the other's none is the paired t (n - 1 df)
        int seeds = o == Outcome.INCONCLUSIVE ? seedsNeeded(sd.mean(), vd, 0, tol) : 0;
        return new Verdict(o, sd.mean(), lo, hi, tol, seeds, memorisation);
    }

    /**
     * The fewest seeds per side at which, if the means and spreads stayed as measured, the interval would clear
     * the tolerance's edge nearest to the difference; {@link #MAX_SEEDS} + 1 when even that many would not.
     */
    static int seedsNeeded(double diff, double va, double vb, double tol) {
        double margin = Math.abs(Math.abs(diff) - tol);
        if (margin == 0) {
            return MAX_SEEDS + 1;
        }
        if (va + vb == 0) {
            return 2; // no spread on either side: the interval is the difference itself
        }
        for (int n = 2; n <= MAX_SEEDS; n++) {
            double se2 = (va + vb) / n;
            double df = se2 * se2 / ((va * va + vb * vb) / ((double) n * n * (n - 1)));
            if (Summary.t975(df) * Math.sqrt(se2) < margin) {
                return n;
            }
        }
        return MAX_SEEDS + 1;
    }

    /** Each pair's difference, ours less the reference's, on the scale {@code t} compares them on. */
    static double[] differences(double[] ours, double[] reference, Tolerance t) {
        double[] a = onScale(ours, t);
        double[] b = onScale(reference, t);
        double[] d = new double[a.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    /** The values on the scale {@code t} compares them on: as they are, or their logarithms. */
    static double[] onScale(double[] v, Tolerance t) {
        return t.logs() ? logs(v) : v;
    }

    private static double[] logs(double[] v) {
        return Arrays.stream(v).map(Math::log).toArray();
    }
}
