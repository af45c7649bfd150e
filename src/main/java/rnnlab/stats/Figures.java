package rnnlab.stats;

import java.util.List;

import rnnlab.core.Catalog;
import rnnlab.stats.Verdict.Tolerance;

/**
 * The figures each tutorial prints, which the verdicts compare (for the pages and the scoreboard), as its
 * experiment's file states them ({@code about.figure.N}, read by {@link Catalog}): a metric of the suite's CSV at an
 * epoch ("final" or a number) for a base setting, with the value the tutorial printed (NaN where it printed none)
 * and the tolerance within which ours counts as the same. DigitSum's tutorial prints no numbers, only plots: its
 * accuracies at every length are compared.
 */
public final class Figures {
    /** One compared figure. {@code setting} is a base setting (without the seed); null: every base the CSV has. */
    public record Figure(String setting, String epoch, String metric, double printed, Tolerance tolerance) {
        public String label(String base) {
            String what = metric.replace('_', ' ');
            return (base.equals(Seeds.ALL) ? "" : base + ", ") + what + (epoch.equals("final") ? "" : " at epoch " + epoch);
        }
    }

    /** Accuracies: 0.05 absolute. */
    public static final Tolerance ACCURACY = Tolerance.absolute(0.05);
    /** Perplexities: 5% relative (compared in log space). */
    public static final Tolerance PERPLEXITY = Tolerance.relative(0.05);
    /** 'hello' -> 'ohlol''s final loss: 10% relative. */
    public static final Tolerance LOSS = Tolerance.relative(0.10);

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
                .map(x -> new Figure(x.setting(), x.epoch(), x.metric(), x.printed(), tolerance(x.tolerance())))
                .toList()).orElse(List.of());
    }

    /** What is known to make an experiment's figures differ from the reference's, or "". */
    public static String why(String experiment) {
        return Catalog.project().find(experiment).map(Catalog.Facts::differences).orElse("");
    }
}
