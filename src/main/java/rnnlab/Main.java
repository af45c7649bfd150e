package rnnlab;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import rnnlab.checkpoints.Checkpoint;
import rnnlab.checkpoints.FinishedJobs;
import rnnlab.core.Catalog;
import rnnlab.core.Cli;
import rnnlab.core.Command;
import rnnlab.core.Config;
import rnnlab.core.ConfiguredRun;
import rnnlab.core.JobScope;
import rnnlab.core.Modules;
import rnnlab.core.Options;
import rnnlab.core.Run;
import rnnlab.core.Threads;
import rnnlab.core.UserError;
import rnnlab.experiments.Experiments;
import rnnlab.experiments.Settle;
import rnnlab.experiments.StockLayers;
import rnnlab.jobs.ChildJvm;
import rnnlab.jobs.Jobs;
import rnnlab.jobs.Task;
import rnnlab.jobs.Worker;
import rnnlab.kernels.Gemm;
import rnnlab.saved.ModelCommands;
import rnnlab.search.Search;

/**
 * Entry point for {@code mvn -q exec:java -Dexp=NAME}: it says what runs where, and nothing else. A user's mistake ends
 * in one line on standard error and exit status 2; an internal failure in one line and status 1, with its stack trace
 * in the log file only.
 */
public final class Main {
    /** Logged to the file only (see logback.xml), so the console never shows a stack trace. */
    private static final Logger trace = LoggerFactory.getLogger("rnnlab.trace");

    /** One job run in this JVM, whatever {@code -Djobs} and {@code -Drunner} say: what workers and tasks run. */
    public static final Task TASK = new Task() {
        @Override
        public int run(Cli cli, Path projectDir, PrintStream out, PrintStream err) {
            return Main.run(cli, projectDir, out, err, true);
        }

        @Override
        public String entry() {
            return Main.class.getName();
        }
    };

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (Worker.isWorker()) {
            System.exit(Worker.serve(TASK)); // a worker JVM of -Djobs=N (rnnlab.jobs.Workers)
        }
        if (!ChildJvm.isChild()) {
            // the work runs in a JVM of its own, whose environment carries the BLAS core type (rnnlab.kernels.BlasCore)
            System.exit(ChildJvm.runProgram(Main.class.getName(),
                    "spark".equals(Options.RUNNER.or("").trim()) ? Modules.SPARK_JVM_FLAGS : List.of()));
        }
        ChildJvm.watchParent();
        int code = run(Cli.fromEnvironment(), Path.of("").toAbsolutePath(), System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs what {@code cli} asks for; returns the exit status. */
    public static int run(Cli cli, Path projectDir, PrintStream out, PrintStream err) {
        return run(cli, projectDir, out, err, false);
    }

    /** {@link #run}; {@code inTask}: as one job of a runner, which runs here whatever {@code -Drunner} says. */
    private static int run(Cli cli, Path projectDir, PrintStream out, PrintStream err, boolean inTask) {
        try (AutoCloseable ui = Modules.openUi(cli.exp(), projectDir, out)) {
            dispatch(cli, projectDir, out, inTask);
            return 0;
        } catch (UserError e) {
            err.println("rnnlab: " + e.getMessage());
            return 2;
        } catch (Throwable t) {
            trace.error("internal error", t);
            err.println("rnnlab: internal error: " + t + " (stack trace in logs/rnnlab.log)");
            return 1;
        }
    }

    private static void dispatch(Cli cli, Path projectDir, PrintStream out, boolean inTask) throws Exception {
        String exp = cli.exp();
        cli.refuseEmptyPaths();
        if (!Config.PROFILES.contains(cli.profile())) {
            throw new UserError("Unknown profile '" + cli.profile() + "'; valid profiles: " + String.join(", ", Config.PROFILES));
        }
        Path results = cli.out() != null ? Path.of(cli.out()) : projectDir.resolve("results");
        Command command = Command.of(exp).orElse(null);
        boolean help = help();
        boolean named = exp != null && !exp.isBlank();
        if (!inTask && (help || named)) {
            // the user's command line (a task's is the suite's own, under the user's -Dsettle, say)
            cli.refuseWhatDoesNotApply(help ? Command.HELP : command);
        }
        if (help && named && command != Command.HELP) {
            Experiments.help(Catalog.project().get(exp).name(), projectDir, out);
            return;
        }
        if (help || command == Command.HELP) {
            Experiments.help(out);
            return;
        }
        if (!named) {
            throw Experiments.noneGiven();
        }
        // the true-or-false options, checked before anything runs
        Options.FRESH.bool();
        Options.UI_WAIT.bool();
        boolean pagesOnly = Options.PAGES_ONLY.bool();
        if (pagesOnly && ((command != null && command != Command.ALL) || !cli.searchOptions().isEmpty())) {
            throw new UserError("-Dpages_only=true writes experiments' pages from their finished jobs; it does not apply to "
                    + (cli.searchOptions().isEmpty() ? "-Dexp=" + exp : "a search (-Dsearch)") + "; give -Dexp=NAME[,NAME] or all");
        }
        switch (command == null ? Command.ALL : command) {
            case UI -> {
                return; // the stored runs are served until Ctrl-C (rnnlab.ui.TrainingUi)
            }
            case LIST -> {
                Experiments.list(out);
                return;
            }
            case SCOREBOARD -> {
                Experiments.scoreboards(results, out);
                return;
            }
            case SETTLE -> {
                Threads.applyFromSystemProperty();
                Settle.run(projectDir, results, out, TASK, Settle.SCRIPT, inTask);
                return;
            }
            default -> {
                // below: every run-time option is checked before anything runs
            }
        }
        // the experiments -Dexp names (all, or names), a misspelt one refused before the native libraries load
        // (seconds, and lines in the log file); none for the saved models' tools and StockLayers
        List<String> names = command == null || command == Command.ALL ? Experiments.named(exp) : List.of();
        Threads.applyFromSystemProperty();
        Gemm.parse(Options.GEMM.given());
        Checkpoint.every();
        if (command == Command.GENERATE || command == Command.EVALUATE) {
            ModelCommands.run(exp, cli.overrides(), out); // a saved model's tools take only their own options
            return;
        }
        if (command == Command.STOCK_LAYERS) {
            StockLayers.run(projectDir, results);
            return;
        }
        if (!cli.searchOptions().isEmpty()) {
            if (names.size() != 1) {
                throw new UserError("-Dsearch runs one experiment's search at a time; give -Dexp=NAME, not all");
            }
            Search.of(cli, Catalog.project().get(names.get(0)), projectDir, cli.out(), TASK).run();
            return;
        }
        // every experiment's configuration validated before any of them runs or writes
        List<ConfiguredRun> prepared = new ArrayList<>();
        boolean control = control();
        for (String name : names) {
            if (control) { // the control's settings, then the user's (seeds, say), into results/controls/
                Map<String, String> overrides = new LinkedHashMap<>(Catalog.project().get(name).control()
                        .orElseThrow(() -> new UserError(name + " has no negative control; experiments with one: "
                                + String.join(", ", Catalog.project().all().values().stream()
                                        .filter(f -> f.control().isPresent()).map(Catalog.Facts::name).toList())))
                        .overrides());
                overrides.putAll(cli.overrides());
                String controls = cli.out() != null ? cli.out() : results.resolve("controls").toString();
                prepared.add(Experiments.prepare(name, projectDir, cli.profile(), overrides, controls, cli.scope()));
            } else {
                // a plain full-profile rerun of a settled experiment keeps its planned seeds (OUT/plans/NAME.csv)
                boolean plain = cli.profile().equals("full") && cli.overrides().isEmpty() && cli.scope().equals(JobScope.ALL);
                prepared.add((plain ? Settle.keptPlan(name, projectDir, results) : Optional.<ConfiguredRun>empty())
                        .orElseGet(() -> Experiments.prepare(name, projectDir, cli.profile(), cli.overrides(),
                                cli.out(), cli.scope())));
            }
        }
        if (pagesOnly) {
            List<ConfiguredRun> finished = new ArrayList<>();
            for (ConfiguredRun p : prepared) {
                if (p.configured().jobs().isEmpty()) {
                    out.println("rnnlab: " + p.run().name() + " runs as one job and keeps no finished jobs; its pages are "
                            + "left as they are");
                    continue;
                }
                finishedJobsOnly(p, out).ifPresentOrElse(finished::add, () -> out.println("rnnlab: " + p.run().name()
                        + ": no job with these settings has finished in " + p.run().outDir().resolve("runs") + " yet; its "
                        + "pages are left as they are"));
            }
            if (finished.isEmpty()) {
                throw new UserError("-Dpages_only=true: no job of " + String.join(", ", names) + " with these settings has "
                        + "finished yet; run it without -Dpages_only first");
            }
            Jobs.runHere(finished, inTask);
            return;
        }
        Jobs.run(prepared, Jobs.runner(inTask), out, TASK, inTask);
    }

    /** {@code -Dhelp}: given alone (empty) or as true; false runs the command; anything else refused in one line. */
    private static boolean help() {
        String v = Options.HELP.given();
        return v != null && (v.isBlank() || Options.HELP.bool());
    }

    /** {@code -Dcontrol}: true or false, anything else refused in one line. */
    private static boolean control() {
        return Options.CONTROL.bool();
    }

    /**
     * {@code -Dpages_only}: {@code p} narrowed to its jobs with a kept result ({@code OUT/runs/}), so that its pages
     * are written from them and nothing trains, as the pass after a run's workers does (even under {@code -Dfresh});
     * a record that cannot be used is said on {@code out}; empty when none can.
     */
    private static Optional<ConfiguredRun> finishedJobsOnly(ConfiguredRun p, PrintStream out) {
        Run r = p.run();
        Set<String> finished = new LinkedHashSet<>();
        for (String job : p.configured().jobs()) {
            if (r.scope().inPlan(job) && FinishedJobs.read(r, job, true, msg -> out.println("rnnlab: " + r.name() + " " + job
                    + ": " + msg + "; left off the pages")).isPresent()) {
                finished.add(job);
            }
        }
        return finished.isEmpty() ? Optional.empty() : Optional.of(new ConfiguredRun(new Run(r.name(), r.config(),
                r.projectDir(), r.outDir(), r.scope().pages().planned(finished)), p.configured()));
    }
}
