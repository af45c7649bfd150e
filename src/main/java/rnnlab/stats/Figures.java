package rnnlab.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import rnnlab.stats.Verdict.Tolerance;

/**
 * The figures each tutorial prints, which the verdicts compare (one place, for the pages and the scoreboard):
 * a metric of the suite's CSV at an epoch ("final" or a number) for a base setting, with the value the tutorial
 * printed (NaN where it printed none) and the tolerance within which ours counts as the same. DigitSum's
 * tutorial prints no numbers, only plots: its accuracies at every length are compared.
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

    private static final Map<String, List<Figure>> FIGURES = new LinkedHashMap<>();
    private static final Map<String, String> WHY = new LinkedHashMap<>();

    static {
        double n = Double.NaN;
        put("DigitSumSrn", new Figure(null, "final", "test_accuracy", n, ACCURACY),
                new Figure(null, "final", "best_dev_accuracy", n, ACCURACY));
        put("TimeMachineRnnScratch", new Figure("sampling=sequential", "final", "perplexity", 1.0, PERPLEXITY),
                new Figure("sampling=random", "final", "perplexity", 1.4, PERPLEXITY));
        put("JayChouRnnScratch", new Figure("sampling=random", "final", "perplexity", n, PERPLEXITY),
                new Figure("sampling=sequential", "final", "perplexity", n, PERPLEXITY));
        every("JayChouRnn", 50, 10.658418, 1.308539, 1.070370, 1.034663, 1.021437);
        every("JayChouGru", 40, 1.022157, 1.014535, 1.147843, 1.018370);
        every("JayChouLstm", 40, 1.020401, 1.011164, 1.025348, 1.017492);
        every("JayChouDeepLstm", 40, 12.840496, 1.247634, 1.021974, 1.016324);
        every("JayChouBiGru", 40, 1.001741, 1.000520, 1.000255, 1.000151);
        List<Figure> ptb = new ArrayList<>();
        double[] rnn = {330.9, 243.1, 211.3, 193.3, 182.0, 172.8, 167.6, 161.1, 157.4, 155.5};
        for (int e = 0; e < rnn.length; e++) {
            ptb.add(new Figure("model=rnn", String.valueOf(e + 1), "test_perplexity", rnn[e], PERPLEXITY));
        }
        FIGURES.put("PtbWordRnn", ptb);
        put("PtbWordLstm", new Figure("model=lstm", "8", "test_perplexity", 106.9, PERPLEXITY));
        put("HelloOhlolRnnCell", new Figure(Seeds.ALL, "final", "final_loss", 1.9463403224945068, LOSS));
        put("HelloOhlolRnn", new Figure(Seeds.ALL, "final", "final_loss", 0.39772507548332214, LOSS));

        String bias = "DL4J's recurrent layers have one bias where PyTorch's have two, which starts them from the sum "
                + "of two draws and moves that sum half as fast as two biases move theirs (each of the two gets the "
                + "same gradient)";
        WHY.put("JayChouRnn", bias + ".");
        WHY.put("JayChouLstm", bias + ".");
        WHY.put("JayChouDeepLstm", bias + ".");
        WHY.put("JayChouGru", "The suite's GRU follows d2l's equations (reset gate before the product with W_hh); "
                + "PyTorch's nn.GRU applies it after; and " + bias + ".");
        WHY.put("JayChouBiGru", WHY.get("JayChouGru"));
        WHY.put("PtbWordRnn", bias + ".");
        WHY.put("PtbWordLstm", WHY.get("PtbWordRnn"));
        WHY.put("HelloOhlolRnn", bias + " (the cell version keeps two by default).");
    }

    private Figures() {
    }

    private static void put(String experiment, Figure... figures) {
        FIGURES.put(experiment, List.of(figures));
    }

    /** The tutorial's perplexity every {@code period} epochs of its one consecutive-sampling run. */
    private static void every(String experiment, int period, double... printed) {
        List<Figure> out = new ArrayList<>();
        for (int i = 0; i < printed.length; i++) {
            out.add(new Figure("sampling=sequential", String.valueOf(period * (i + 1)), "perplexity", printed[i],
                    PERPLEXITY));
        }
        FIGURES.put(experiment, out);
    }

    /** The figures compared for an experiment; none if it has no tutorial code to compare with. */
    public static List<Figure> of(String experiment) {
        return FIGURES.getOrDefault(experiment, List.of());
    }

    /** What is known to make an experiment's figures differ from the reference's, or "". */
    public static String why(String experiment) {
        return WHY.getOrDefault(experiment, "");
    }
}
