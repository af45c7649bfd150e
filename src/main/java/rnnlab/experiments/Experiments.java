package rnnlab.experiments;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import rnnlab.core.Catalog;
import rnnlab.core.Command;
import rnnlab.core.Config;
import rnnlab.core.ConfiguredRun;
import rnnlab.core.Experiment;
import rnnlab.core.JobScope;
import rnnlab.core.Options;
import rnnlab.core.UserError;
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
        return prepare(name, projectDir, profile, overrides, out, JobScope.ALL);
    }

    /** {@link ConfiguredRun#of} for the experiment {@code name}, training the jobs {@code scope} names. */
    public static ConfiguredRun prepare(String name, Path projectDir, String profile, Map<String, String> overrides,
            String out, JobScope scope) {
        return ConfiguredRun.of(name, create(name), projectDir, profile, overrides, out, scope);
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

    /** The error when no {@code -Dexp} is given: what can be. */
    public static UserError noneGiven() {
        return new UserError("No experiment given; run one with -Dexp=NAME (NAME one of "
                + String.join(", ", Catalog.project().all().keySet()) + "), or a command with -Dexp=COMMAND (one of "
                + Command.words() + "; -Dexp=help says what each does)");
    }

    /** {@code -Dexp=list}: each experiment and its description, one a line. */
    public static void list(PrintStream out) {
        int width = Catalog.project().all().keySet().stream().mapToInt(String::length).max().orElse(10);
        for (Catalog.Facts e : Catalog.project().all().values()) {
            out.printf("%-" + width + "s  %s%n", e.name(), e.description());
        }
    }

    /**
     * {@code -Dexp=scoreboard}: the scoreboards of {@code results} and {@code results/quick} and their plots
     * (perplexities, DigitSum's accuracies and losses, the 'hello' losses) rebuilt from the CSVs, running nothing.
     */
    public static void scoreboards(Path results, PrintStream out) {
        for (Path dir : List.of(results, results.resolve("quick"))) {
            if (Files.isDirectory(dir)) {
                Scoreboard.write(dir);
                out.println("wrote " + dir.resolve("README.md"));
                for (Path png : RedrawnPlots.redrawAll(dir)) {
                    out.println("redrew " + png);
                }
            }
        }
    }

    /** {@code -Dexp=help} (or {@code -Dhelp} alone): what can run, and every option, from their one declaration. */
    public static void help(PrintStream out) {
        out.println("rnnlab: classic recurrent-network tutorials on Deeplearning4j.");
        out.println("Run: mvn -q exec:java -Dexp=NAME [-DKEY=VALUE ...]   (tests: mvn -B -ntp test)");
        out.println();
        out.println("Experiments (-Dexp=NAME, NAME,NAME or all):");
        list(out);
        out.println();
        out.println("Commands (-Dexp=...):");
        for (Command c : Command.values()) {
            out.printf("  %-13s%s%n", c.word(), c.does());
        }
        out.println();
        out.println("Run-time options:");
        out.print(Options.listing(Options.LISTED));
        out.println();
        out.println("A hyperparameter search (-Dexp=NAME -Dsearch=random|grid):");
        out.print(Options.listing(Options.SEARCH_OPTIONS));
        out.println();
        out.println("-Dexp=Generate:");
        out.print(Options.listing(Options.GENERATE_OPTIONS));
        out.println("-Dexp=Evaluate:");
        out.print(Options.listing(Options.EVALUATE_OPTIONS));
        out.println();
        out.println("Every other -DKEY=VALUE sets one of the experiment's own settings (experiments/NAME.properties);");
        out.println("-Dexp=NAME -Dhelp lists them.");
    }

    /** {@code -Dexp=NAME -Dhelp}: the experiment's settings with their full and quick values, and its search ranges. */
    public static void help(String name, Path projectDir, PrintStream out) {
        Catalog.Facts facts = Catalog.project().get(name);
        Config full = Config.load(projectDir.resolve("experiments"), name, "full", Map.of());
        Config quick = Config.load(projectDir.resolve("experiments"), name, "quick", Map.of());
        out.println(name + ": " + facts.description());
        out.println("Its settings (-DKEY=VALUE; experiments/" + name + ".properties):");
        int width = full.values().keySet().stream().mapToInt(String::length).max().orElse(4) + 2;
        out.printf("  %-" + width + "s%-24s%s%n", "key", "full (the tutorial's)", "quick");
        full.values().forEach((k, v) -> out.printf("  %-" + width + "s%-24s%s%n", k, v,
                v.equals(quick.values().get(k)) ? "same" : quick.values().get(k)));
        if (!full.searchSpace().isEmpty()) {
            out.println("Its search ranges (-Dsearch=random|grid):");
            full.searchSpace().forEach((k, v) -> out.printf("  %-" + width + "s%s%n", k, v));
        }
    }
}
