package rnnlab.stats;

import java.util.Arrays;
import java.util.stream.DoubleStream;

/**
 * The seeds of a figure that failed outright, by the figure's rule ({@link Figures.Figure#failed}), on each side;
 * Fisher's exact test of whether the two sides fail at the same rate; and the verdict on the seeds that learnt.
 * One failed seed widens a mean's interval past use (JayChouDeepLstm's seed 3), where how often each side fails
 * and how the learnt seeds compare say what happened.
 */
public record Failures(int oursFailed, int oursSeeds, int referenceFailed, int referenceSeeds, double p,
        Verdict learnt) {

    /** The failures of both sides' seeds; {@code learnt} null when a side has no seed that learnt. */
    public static Failures of(Figures.Figure figure, double[] ours, double[] reference) {
        double median = median(DoubleStream.concat(Arrays.stream(ours), Arrays.stream(reference)).toArray());
        double[] ol = Arrays.stream(ours).filter(v -> !figure.failed(v, median)).toArray();
        double[] rl = Arrays.stream(reference).filter(v -> !figure.failed(v, median)).toArray();
        int of = ours.length - ol.length;
        int rf = reference.length - rl.length;
        Verdict learnt = ol.length == 0 || rl.length == 0 ? null : Verdict.of(ol, rl, figure.tolerance());
        return new Failures(of, ours.length, rf, reference.length, fisher(of, ours.length, rf, reference.length), learnt);
    }

    /** Whether any seed of either side failed. */
    public boolean any() {
        return oursFailed + referenceFailed > 0;
    }

    public static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /**
     * Fisher's exact test, two-sided: {@code a} of {@code n1} failed on one side, {@code b} of {@code n2} on the
     * other. Given the margins, the count on the first side is hypergeometric; the p-value sums the probabilities
     * of every count no more likely than the one seen (with a relative slack of 1e-7 for rounding, as R does).
     */
    public static double fisher(int a, int n1, int b, int n2) {
        int k = a + b;
        int lo = Math.max(0, k - n2);
        int hi = Math.min(k, n1);
        double seen = hypergeometric(a, n1, n2, k);
        double p = 0;
        for (int x = lo; x <= hi; x++) {
            double px = hypergeometric(x, n1, n2, k);
            if (px <= seen * (1 + 1e-7)) {
                p += px;
            }
        }
        return Math.min(1, p);
    }

    /** P(x of the k failures on the first side of n1), the sides being n1 and n2 seeds. */
    private static double hypergeometric(int x, int n1, int n2, int k) {
        return Math.exp(logChoose(n1, x) + logChoose(n2, k - x) - logChoose(n1 + n2, k));
    }

    private static double logChoose(int n, int r) {
        double s = 0;
        for (int i = 1; i <= r; i++) {
            s += Math.log(n - r + i) - Math.log(i);
        }
        return s;
    }
}
