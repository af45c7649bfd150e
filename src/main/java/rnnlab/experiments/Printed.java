package rnnlab.experiments;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import rnnlab.core.Catalog;
import rnnlab.core.Experiment;

/**
 * An experiment's tutorial figures as its pages quote them, from its facts ({@code about.figure.N} in
 * {@code experiments/NAME.properties}, read by {@link Catalog}): the pages derive their words from the file rather
 * than repeat its numbers.
 */
final class Printed {
    private Printed() {
    }

    /** The figures the tutorial of {@code experiment} printed (its class is named after it, see {@link Experiments}). */
    static List<Catalog.Figure> figures(Experiment experiment) {
        return figures(experiment.getClass().getSimpleName());
    }

    static List<Catalog.Figure> figures(String experiment) {
        return Catalog.project().get(experiment).figures();
    }

    /** The last printed figure with its epoch, as {@code 1.017 (epoch 160)}. */
    static String lastAtEpoch(Experiment experiment) {
        List<Catalog.Figure> f = figures(experiment);
        Catalog.Figure last = f.get(f.size() - 1);
        return last.quoted() + " (epoch " + last.epoch() + ")";
    }

    /**
     * Every printed figure in order, with the first and last epochs, as
     * {@code perplexity 1.020, 1.011, 1.025 and 1.017 at epochs 40 to 160}.
     */
    static String series(Experiment experiment) {
        List<Catalog.Figure> f = figures(experiment);
        List<String> quoted = new ArrayList<>();
        f.forEach(x -> quoted.add(x.quoted()));
        String values = quoted.size() == 1 ? quoted.get(0)
                : String.join(", ", quoted.subList(0, quoted.size() - 1)) + " and " + quoted.get(quoted.size() - 1);
        return f.get(0).metric().replace('_', ' ') + " " + values + " at epochs " + f.get(0).epoch() + " to "
                + f.get(f.size() - 1).epoch();
    }

    /** The printed figure at a base setting (the first the file lists there). */
    static Catalog.Figure at(Experiment experiment, String setting) {
        return figures(experiment).stream().filter(x -> setting.equals(x.setting())).findFirst().orElseThrow(
                () -> new IllegalStateException(experiment.getClass().getSimpleName() + " has no printed figure at "
                        + setting));
    }

    /** The printed values per epoch, from epoch 1 to the last printed (NaN where none was printed). */
    static double[] perEpoch(Experiment experiment) {
        List<Catalog.Figure> f = figures(experiment);
        int n = f.stream().mapToInt(x -> Integer.parseInt(x.epoch())).max().orElse(0);
        double[] out = new double[n];
        Arrays.fill(out, Double.NaN);
        f.forEach(x -> out[Integer.parseInt(x.epoch()) - 1] = x.printed());
        return out;
    }
}
