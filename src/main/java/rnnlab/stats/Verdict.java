package rnnlab.stats;

import java.util.Arrays;
import java.util.Locale;

/**
 * Whether a figure reproduces a reference (the tutorial's own code, run over seeds): the 95% interval of the
 * difference of the two means (Welch's, which does not assume equal variances) against a stated tolerance.
 * <b>reproduced</b> when the whole interval lies inside [-tolerance, tolerance], <b>differs</b> when it lies wholly
 * outside, <b>inconclusive</b> otherwise, with how many seeds a side would likely settle it. Perplexities are
 * compared in log space, so a relative tolerance of 5% is |log(ours / reference)| against log 1.05.
 */
public record Verdict(Outcome outcome, double difference, double low, double high, double tolerance, int seedsToSettle) {

    public enum Outcome {
        REPRODUCED, DIFFERS, INCONCLUSIVE;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How far the two may be apart: an absolute amount (accuracies) or a fraction (perplexities, losses). */
    public record Tolerance(double amount, boolean relative) {
        public static Tolerance absolute(double a) {
            return new Tolerance(a, false);
        }

        public static Tolerance relative(double fraction) {
            return new Tolerance(fraction, true);
        }
    }

    /** Seeds per side beyond which "would likely settle it" is not claimed. */
    public static final int MAX_SEEDS = 100;

    /** {@link #seedsToSettle} when a side has a single seed, whose spread is unknown. */
    public static final int SINGLE_SEED = -1;

    /** Ours against the reference: values per seed; relative tolerances compare their logarithms. */
    public static Verdict of(double[] ours, double[] reference, Tolerance tolerance) {
        double[] a = tolerance.relative() ? logs(ours) : ours;
        double[] b = tolerance.relative() ? logs(reference) : reference;
        double tol = tolerance.relative() ? Math.log1p(tolerance.amount()) : tolerance.amount();
        Summary sa = Summary.of(a);
        Summary sb = Summary.of(b);
        double diff = sa.mean() - sb.mean();
        double va = sa.sd() * sa.sd(); // NaN for a single seed, as its sd
        double vb = sb.sd() * sb.sd();
        if (Double.isNaN(va) || Double.isNaN(vb)) {
            // one seed on a side: no interval, so nothing can be settled from these
            return new Verdict(Outcome.INCONCLUSIVE, diff, Double.NaN, Double.NaN, tol, SINGLE_SEED);
        }
        double se2 = va / sa.n() + vb / sb.n();
        double df = se2 * se2 / (Math.pow(va / sa.n(), 2) / (sa.n() - 1) + Math.pow(vb / sb.n(), 2) / (sb.n() - 1));
        double half = se2 == 0 ? 0 : Summary.t975(df) * Math.sqrt(se2);
        double lo = diff - half;
        double hi = diff + half;
        Outcome o = lo >= -tol && hi <= tol ? Outcome.REPRODUCED : hi < -tol || lo > tol ? Outcome.DIFFERS
                : Outcome.INCONCLUSIVE;
        int seeds = o == Outcome.INCONCLUSIVE ? seedsNeeded(diff, va, vb, tol) : 0;
        return new Verdict(o, diff, lo, hi, tol, seeds);
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

    private static double[] logs(double[] v) {
        return Arrays.stream(v).map(Math::log).toArray();
    }
}
