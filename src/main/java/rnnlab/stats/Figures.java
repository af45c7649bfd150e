package rnnlab.stats;

import java.util.List;

import rnnlab.core.Catalog;
import rnnlab.data.DigitSumData;
import rnnlab.stats.Verdict.Tolerance;

/**
 * The figures each tutorial prints, which the verdicts compare (for the pages and the scoreboard), as its
 * experiment's file states them ({@code about.figure.N}, read by {@link Catalog}): a metric of the suite's CSV at an
 * epoch ("final" or a number) for a base setting, with the value the tutorial printed (NaN where it printed none)
 * and the tolerance within which ours counts as the same. DigitSum's tutorial prints no numbers, only plots: its
 * accuracies at every length are compared.
 */
public final class Figures {
    /**
     * One compared figure. {@code setting} is a base setting (without the seed); null: every base the CSV has.
     * {@code seedCap}: the most seeds a side its experiment's plan may give it ({@code about.seed_cap}; 0: none).
     */
    public record Figure(String setting, String epoch, String metric, double printed, Tolerance tolerance, int seedCap) {
        /** A figure without a seed cap. */
        public Figure(String setting, String epoch, String metric, double printed, Tolerance tolerance) {
            this(setting, epoch, metric, printed, tolerance, 0);
        }

        /** Whether a seed's value failed outright ({@link #FAILURE_FACTOR}, {@link #CHANCE}), given the pooled median. */
        public boolean failed(double value, double pooledMedian) {
            return metric.endsWith("accuracy") ? value <= CHANCE : value > FAILURE_FACTOR * pooledMedian;
        }

        public String label(String base) {
            String what = metric.replace('_', ' ');
            return (base.equals(Seeds.ALL) ? "" : base + ", ") + what + (epoch.equals("final") ? "" : " at epoch " + epoch);
        }
    }

    /** Accuracies: 0.05 absolute (five examples of a 100-example test set). */
    public static final Tolerance ACCURACY = Tolerance.absolute(0.05);
    /**
     * Perplexities, compared as cross-entropies (nats per token, the log perplexity): within log 1.05 (5% in
     * perplexity) or a quarter of the reference's mean cross-entropy, whichever is smaller. The quarter takes over
     * below 0.195 nats (perplexity 1.22), where 5% would exceed the whole cross-entropy of a model that memorised
     * its text; with it, a model with twice the reference's cross-entropy is never "reproduced".
     */
    public static final Tolerance PERPLEXITY = Tolerance.crossEntropy(0.05, 0.25);
    /** 'hello' -> 'ohlol''s final loss: 10% relative (compared in log space). */
    public static final Tolerance LOSS = Tolerance.relative(0.10);

    /**
     * A seed failed outright when its perplexity or loss exceeds this many times the median of both sides' seeds
     * pooled: a factor a learning seed's spread never reaches (it is 2.3 nats of cross-entropy), where a seed stuck
     * on the plateau of a model that has learnt only the characters' frequencies sits 50-250 times above the
     * learnt ones (JayChouDeepLstm's seed 3: perplexity 76 against about 1.02 at epoch 160).
     */
    public static final double FAILURE_FACTOR = 10;

    /**
     * A seed failed outright when its accuracy is at or below chance. The only accuracies compared are DigitSum's,
     * whose label is one of the 19 sums 0-18: guessing gets 1/19. A low accuracy above chance is not a failure
     * but the figure itself (the task is meant to defeat a simple network at long lengths).
     */
    public static final double CHANCE = 1.0 / DigitSumData.NUM_CLASSES;

    private Figures() {
    }

    /** The tolerance a figure's kind names ({@link Catalog#TOLERANCES}). */
    public static Tolerance tolerance(String kind) {
        return switch (kind) {
            case "accuracy" -> ACCURACY;
            case "perplexity" -> PERPLEXITY;
            case "loss" -> LOSS;
            default -> throw new IllegalArgumentException("no tolerance kind " + kind);
        };
    }

    /** The figures compared for an experiment; none if it has no tutorial code to compare with. */
    public static List<Figure> of(String experiment) {
        return Catalog.project().find(experiment).map(f -> f.figures().stream()
                .map(x -> new Figure(x.setting(), x.epoch(), x.metric(), x.printed(), tolerance(x.tolerance()),
                        f.seedCap()))
                .toList()).orElse(List.of());
    }

    /** What is known to make an experiment's figures differ from the reference's, or "". */
    public static String why(String experiment) {
        return Catalog.project().find(experiment).map(Catalog.Facts::differences).orElse("");
    }
}
