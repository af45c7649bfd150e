package rnnlab.stats;

import java.util.Arrays;

import org.apache.commons.math3.distribution.TDistribution;

import rnnlab.core.ResultsCsv;

/**
 * One figure over several seeds: n, mean, sample standard deviation, min, max and the 95% interval of the mean
 * (Student's t with n - 1 degrees of freedom; none for a single seed). Perplexities are summarised in log space,
 * as the mean loss they are the exponential of: the mean is exp of the mean log perplexity, and so are the
 * interval's ends ({@link #ofPerplexities}). An interval is truncated to the figure's range ({@link #within}): no
 * perplexity below 1, no accuracy outside [0, 1].
 */
public record Summary(int n, double mean, double sd, double min, double max, double ci95Low, double ci95High) {

    /** The two-sided 95% quantile of Student's t with {@code df} degrees of freedom (12.706 for 1). */
    public static double t975(double df) {
        return new TDistribution(null, df).inverseCumulativeProbability(0.975);
    }

    public static Summary of(double... values) {
        int n = values.length;
        if (n == 0) {
            throw new IllegalArgumentException("no values");
        }
        double mean = Arrays.stream(values).sum() / n;
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(ss / (n - 1)); // NaN for a single value (0 / 0)
        double half = n > 1 ? t975(n - 1) * sd / Math.sqrt(n) : Double.NaN;
        return new Summary(n, mean, sd, Arrays.stream(values).min().getAsDouble(), Arrays.stream(values).max().getAsDouble(),
                mean - half, mean + half);
    }

    /**
     * This summary with its interval truncated to [lo, hi], the range the figure can take. The mean lies in the
     * range, so the truncated interval still holds it, and since the true mean lies in the range too the interval
     * covers it at least as often as before (a cut removes only values it cannot take).
     */
    public Summary within(double lo, double hi) {
        return new Summary(n, mean, sd, min, max, Math.max(lo, ci95Low), Math.min(hi, ci95High));
    }

    /**
     * Perplexities: the summary of their logarithms (mean losses, cross-entropies in nats), its interval truncated
     * at cross-entropy 0, its mean and interval mapped back by exp: no end below perplexity 1.
     */
    public static Summary ofPerplexities(double... perplexities) {
        double[] logs = Arrays.stream(perplexities).map(Math::log).toArray();
        Summary s = of(logs).within(0, Double.POSITIVE_INFINITY);
        return new Summary(s.n(), Math.exp(s.mean()), s.sd(), Arrays.stream(perplexities).min().getAsDouble(),
                Arrays.stream(perplexities).max().getAsDouble(), Math.exp(s.ci95Low()), Math.exp(s.ci95High()));
    }

    /**
     * The summary rows of a results CSV: {@code METRIC_mean}, {@code _sd}, {@code _n}, {@code _min}, {@code _max},
     * {@code _ci95_low} and {@code _ci95_high} for {@code setting} (the setting without its seed), as "final" rows.
     * A single seed has no sd or interval, and writes none.
     */
    public void addTo(ResultsCsv csv, String setting, String metric) {
        csv.addFinal(setting, metric + "_mean", mean);
        csv.addFinal(setting, metric + "_n", n);
        csv.addFinal(setting, metric + "_min", min);
        csv.addFinal(setting, metric + "_max", max);
        if (n > 1) {
            csv.addFinal(setting, metric + "_sd", sd);
            csv.addFinal(setting, metric + "_ci95_low", ci95Low);
            csv.addFinal(setting, metric + "_ci95_high", ci95High);
        }
    }
}
