package rnnlab.experiments;

import java.nio.file.Path;
import java.util.Map;

import rnnlab.core.Catalog;
import rnnlab.core.Experiment;
import rnnlab.core.Prepared;

/**
 * The experiments {@code -Dexp=NAME} runs: each one the catalog lists ({@code experiments/NAME.properties}, see
 * {@link Catalog}) is the class {@code rnnlab.experiments.NAME}, found by its name. Adding an experiment is that
 * class and its file.
 */
public final class Experiments {
    private Experiments() {
    }

    /** A new instance of the experiment {@code name}; a name the catalog does not list is the user's error. */
    public static Experiment create(String name) {
        Catalog.project().get(name);
        String className = Experiments.class.getPackageName() + "." + name;
        try {
            return Class.forName(className).asSubclass(Experiment.class).getConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("experiments/" + name + ".properties has no experiment class " + className
                    + " (public, implementing rnnlab.core.Experiment, with a public constructor without arguments)", e);
        }
    }

    /** {@link Prepared#of} for the experiment {@code name}. */
    public static Prepared prepare(String name, Path projectDir, String profile, Map<String, String> overrides,
            String out) {
        return Prepared.of(name, create(name), projectDir, profile, overrides, out);
    }
}
