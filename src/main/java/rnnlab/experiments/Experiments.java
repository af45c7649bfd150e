package rnnlab.experiments;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import rnnlab.core.Catalog;
import rnnlab.core.Experiment;
import rnnlab.core.ConfiguredRun;
import rnnlab.report.Scoreboard;

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

    /** {@link ConfiguredRun#of} for the experiment {@code name}. */
    public static ConfiguredRun prepare(String name, Path projectDir, String profile, Map<String, String> overrides,
            String out) {
        return ConfiguredRun.of(name, create(name), projectDir, profile, overrides, out);
    }

    /** {@code -Dexp=all}: every experiment in the catalog's order; otherwise one name or a comma-separated list. */
    public static List<String> named(String exp) {
        if (exp.equals("all")) {
            return new ArrayList<>(Catalog.project().all().keySet());
        }
        List<String> names = new ArrayList<>();
        for (String name : exp.split(",")) {
            names.add(Catalog.project().get(name.trim()).name());
        }
        return names;
    }

    /** {@code -Dexp=list}: each experiment and its description, one a line. */
    public static void list(PrintStream out) {
        int width = Catalog.project().all().keySet().stream().mapToInt(String::length).max().orElse(10);
        for (Catalog.Facts e : Catalog.project().all().values()) {
            out.printf("%-" + width + "s  %s%n", e.name(), e.description());
        }
    }

    /**
     * {@code -Dexp=scoreboard}: the scoreboards of {@code results} and {@code results/quick} and their perplexity
     * plots rebuilt from the CSVs, without running anything.
     */
    public static void scoreboards(Path results, PrintStream out) {
        for (Path dir : List.of(results, results.resolve("quick"))) {
            if (Files.isDirectory(dir)) {
                Scoreboard.write(dir);
                out.println("wrote " + dir.resolve("README.md"));
                for (Path png : PerplexityPlots.perplexityPlots(dir)) {
                    out.println("redrew " + png);
                }
            }
        }
    }
}
