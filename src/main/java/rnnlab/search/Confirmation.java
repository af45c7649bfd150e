package rnnlab.search;

import java.util.Locale;

import rnnlab.stats.Comparison;
import rnnlab.stats.Figures;
import rnnlab.stats.Seeds;
import rnnlab.stats.Summary;
import rnnlab.stats.Verdict;

/**
 * A confirmed candidate against the experiment's own settings, each run on the same new seeds: both summaries, the
 * 95% interval of the difference of the means (Welch's, {@link Verdict}; perplexities and losses as log ratios) and
 * an outcome against the tolerance the verdicts use for the objective's kind (0.05 for accuracies, 5% for
 * perplexities, 10% for losses, {@link Figures}): <b>better</b> when the whole interval lies beyond that tolerance in
 * the objective's good direction, <b>not better</b> when it lies wholly short of it, <b>inconclusive</b> otherwise.
 */
record Confirmation(Summary candidate, Summary baseline, Verdict verdict, Verdict.Tolerance tolerance,
        Outcome outcome) {

    enum Outcome {
        BETTER, NOT_BETTER, INCONCLUSIVE;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /** The tolerance of the objective's kind: perplexities and accuracies as the verdicts have them, else a loss's. */
    static Verdict.Tolerance tolerance(String metric) {
        return Seeds.isPerplexity(metric) ? Figures.PERPLEXITY
                : metric.endsWith("accuracy") ? Figures.ACCURACY : Figures.LOSS;
    }

    static Confirmation of(String metric, boolean minimize, double[] candidate, double[] baseline) {
        Verdict.Tolerance tol = tolerance(metric);
        Verdict v = Verdict.of(candidate, baseline, tol);
        // the difference as a gain in the objective's good direction, against the tolerance's edge on that side
        double low = minimize ? -v.high() : v.low();
        double high = minimize ? -v.low() : v.high();
        Outcome o = Double.isNaN(low) ? Outcome.INCONCLUSIVE
                : low > v.tolerance() ? Outcome.BETTER : high <= v.tolerance() ? Outcome.NOT_BETTER
                        : Outcome.INCONCLUSIVE;
        return new Confirmation(Seeds.summary(metric, candidate), Seeds.summary(metric, baseline), v, tol, o);
    }

    /** The difference with its interval, as the pages write it. */
    String difference(int decimals) {
        return Comparison.difference(verdict, tolerance, decimals);
    }
}
