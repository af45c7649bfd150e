package rnnlab;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import rnnlab.core.Catalog;
import rnnlab.core.Cli;
import rnnlab.core.Config;
import rnnlab.core.Prepared;
import rnnlab.core.Run;
import rnnlab.core.Threads;
import rnnlab.core.UserError;
import rnnlab.experiments.Experiments;
import rnnlab.jobs.ChildJvm;
import rnnlab.jobs.Workers;
import rnnlab.models.ModelCommands;
import rnnlab.report.Scoreboard;
import rnnlab.search.Search;

/**
 * Entry point for {@code mvn -q exec:java -Dexp=NAME}. A user's mistake ends in one line on standard
 * error and exit status 2; an internal failure in one line and status 1, with its stack trace in the
 * log file only.
 */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);
    /** Logged to the file only (see logback.xml), so the console never shows a stack trace. */
    private static final Logger trace = LoggerFactory.getLogger("rnnlab.trace");

    private Main() {
    }

    public static void main(String[] args) {
        if (!ChildJvm.isChild()) {
            // the work runs in a JVM of its own, whose environment carries the BLAS core type (rnnlab.kernels.BlasCore)
            System.exit(runInChild());
        }
        ChildJvm.watchParent();
        int code = run(Cli.fromEnvironment(), Path.of("").toAbsolutePath(), System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** What Spark needs opened on Java 17 (as its own launcher passes them), for -Drunner=spark. */
    static final List<String> SPARK_JVM_FLAGS = List.of("-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED");

    private static int runInChild() {
        try {
            List<String> flags = "spark".equals(System.getProperty("runner")) ? SPARK_JVM_FLAGS : List.of();
            return ChildJvm.run(ChildJvm.builder(Main.class.getName(), ChildJvm.passedProperties(), flags),
                    System.out, System.err);
        } catch (java.io.IOException e) {
            System.err.println("rnnlab: cannot start the JVM that runs the work: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /** Runs what {@code cli} asks for; returns the exit status. */
    public static int run(Cli cli, Path projectDir, PrintStream out, PrintStream err) {
        try {
            runOrThrow(cli, projectDir, out);
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

    /** The training UI's entry point, present only in builds with the ui profile. */
    static final String UI_CLASS = "rnnlab.ui.TrainingUi";

    /**
     * {@code -Dui=PORT}: DL4J's training UI watches the run ({@code rnnlab.ui.TrainingUi}, built by {@code mvn -Pui});
     * what it returns stops it when the run ends, or keeps it serving under {@code -Dui.wait=true}.
     */
    static AutoCloseable openUi(String exp, Path projectDir, PrintStream out) throws Exception {
        String port = System.getProperty("ui");
        if (port == null && !"ui".equals(exp)) {
            return () -> { };
        }
        Class<?> ui;
        try {
            ui = Class.forName(UI_CLASS);
        } catch (ClassNotFoundException e) {
            throw new UserError("-Dui needs DL4J's training UI, which the default install leaves out (about 180 MB of "
                    + "jars): run with the ui profile, mvn -Pui -q exec:java -Dexp=" + exp + " -Dui=" + (port == null ? "9000" : port));
        }
        try {
            return (AutoCloseable) ui.getMethod("open", String.class, String.class, boolean.class, Path.class,
                    PrintStream.class).invoke(null, exp, port == null ? "9000" : port,
                            "ui".equals(exp) || Boolean.parseBoolean(System.getProperty("ui.wait", "false")), projectDir, out);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    private static void runOrThrow(Cli cli, Path projectDir, PrintStream out) throws Exception {
        try (AutoCloseable ui = openUi(cli.exp(), projectDir, out)) {
            runOrThrowInner(cli, projectDir, out);
        }
    }

    private static void runOrThrowInner(Cli cli, Path projectDir, PrintStream out) throws Exception {
        if ("ui".equals(cli.exp())) {
            return; // the stored runs are served until Ctrl-C (rnnlab.ui.TrainingUi)
        }
        if (cli.exp() == null || cli.exp().isBlank()) {
            throw new UserError("No experiment given; run one with -Dexp=NAME (NAME one of "
                    + String.join(", ", Catalog.project().all().keySet()) + "), or -Dexp=list, -Dexp=all or -Dexp=scoreboard; "
                    + "-Dexp=Generate or -Dexp=Evaluate with -Dmodel=FILE use a saved model, -Dexp=StockLayers compares "
                    + "the project's layers with DL4J's");
        }
        if (cli.exp().equals("list")) {
            printList(out);
            return;
        }
        if (cli.exp().equals("scoreboard")) {
            // rebuild the scoreboards and the perplexity plots from the CSVs without running anything
            Path results = cli.out() != null ? Path.of(cli.out()) : projectDir.resolve("results");
            for (Path dir : List.of(results, results.resolve("quick"))) {
                if (java.nio.file.Files.isDirectory(dir)) {
                    Scoreboard.write(dir);
                    out.println("wrote " + dir.resolve("README.md"));
                    for (Path png : rnnlab.experiments.Redraw.perplexityPlots(dir)) {
                        out.println("redrew " + png);
                    }
                }
            }
            return;
        }
        Threads.applyFromSystemProperty();
        rnnlab.kernels.Gemm.parse(System.getProperty(rnnlab.kernels.Gemm.PROPERTY)); // a bad -Dgemm ends here
        rnnlab.checkpoints.Checkpoint.every(); // a bad -Dcheckpoint_every ends here, before anything runs
        if (ModelCommands.NAMES.contains(cli.exp())) {
            // a saved model's tools: they read a model and print, and take only their own options
            ModelCommands.run(cli.exp(), cli.overrides(), out);
            return;
        }
        if (cli.exp().equals("StockLayers")) {
            rnnlab.experiments.StockLayers.run(projectDir,
                    cli.out() != null ? Path.of(cli.out()) : projectDir.resolve("results"));
            return;
        }
        List<Catalog.Facts> entries = new ArrayList<>();
        if (cli.exp().equals("all")) {
            entries.addAll(Catalog.project().all().values());
        } else {
            for (String name : cli.exp().split(",")) {
                entries.add(Catalog.project().get(name.trim())); // one, or a comma-separated list
            }
        }
        if (!Config.PROFILES.contains(cli.profile())) {
            throw new UserError("Unknown profile '" + cli.profile() + "'; valid profiles: "
                    + String.join(", ", Config.PROFILES));
        }
        if (!cli.searchOptions().isEmpty()) {
            if (entries.size() != 1) {
                throw new UserError("-Dsearch runs one experiment's search at a time; give -Dexp=NAME, not all");
            }
            Search.of(cli, entries.get(0), projectDir, cli.out()).run();
            return;
        }
        // validate every experiment's configuration before any of them runs or writes
        List<Prepared> prepared = new ArrayList<>();
        for (Catalog.Facts entry : entries) {
            prepared.add(Experiments.prepare(entry.name(), projectDir, cli.profile(), cli.overrides(), cli.out()));
        }
        int jobs = jobs(prepared.stream().mapToInt(p -> Math.max(1, p.configured().units().size())).sum());
        if (jobs > 1 || runner() == Runner.SPARK) {
            runInWorkers(cli, prepared, jobs, out);
            return;
        }
        List<Runnable> runs = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Catalog.Facts entry = entries.get(i);
            Prepared prepared1 = prepared.get(i);
            Run run = prepared1.run();
            runs.add(() -> {
                if (System.getProperty(Threads.PROPERTY) == null && !IN_TASK.get()) {
                    // one run at a time in this JVM: the experiments that gain from threads get the machine's cores
                    Threads.apply(Threads.forJob(entry.name(), 1, Runtime.getRuntime().availableProcessors()));
                }
                Config config = run.config();
                log.info("=== {} ({} profile{}) -> {}", entry.name(), config.profile(),
                        config.overrides().isEmpty() ? "" : ", overrides " + config.overrides(), run.outDir());
                try {
                    prepared1.execute();
                    Scoreboard.write(run.outDir());
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
        }
        for (Runnable r : runs) {
            r.run();
        }
    }

    /** {@code -Djobs=N} (default: one per core, as many as fit in memory), never more than there are jobs. */
    static int jobs(int jobs) {
        if (System.getProperty("ui") != null || IN_TASK.get()) {
            return 1; // one run, one UI; a runner's task runs its job itself
        }
        return Math.min(Workers.requested(), jobs);
    }

    /** Each setting's training seconds in the CSV an experiment's last run left in its folder (none: empty). */
    static java.util.Map<String, Double> lastTrainingSeconds(String experiment, Path outDir) {
        java.util.Map<String, Double> secs = new java.util.LinkedHashMap<>();
        try {
            rnnlab.report.ResultsCsv.read(outDir.resolve(experiment + ".csv")).rows().stream()
                    .filter(r -> r.epoch().equals("final") && r.metric().equals("train_seconds"))
                    .forEach(r -> secs.put(r.setting(), r.value()));
        } catch (java.io.IOException | RuntimeException e) {
            // no earlier run there: nothing known
        }
        return secs;
    }

    /**
     * How long a job will take, from its experiment's last run ({@link #lastTrainingSeconds}): its setting's seconds,
     * or the mean of its base setting's (runs of one seed, or older tables without seeds), or the experiment's total
     * spread over its {@code jobs} (a whole experiment: {@code setting} null, one job); 0 when nothing is known.
     */
    static double estimate(java.util.Map<String, Double> secs, String setting, int jobs) {
        if (setting != null && secs.containsKey(setting)) {
            return secs.get(setting);
        }
        if (setting != null) {
            String base = rnnlab.stats.Seeds.base(setting);
            java.util.OptionalDouble same = secs.entrySet().stream()
                    .filter(e -> rnnlab.stats.Seeds.base(e.getKey()).equals(base)).mapToDouble(java.util.Map.Entry::getValue)
                    .average();
            if (same.isPresent()) {
                return same.getAsDouble();
            }
        }
        return secs.values().stream().mapToDouble(Double::doubleValue).sum() / Math.max(1, jobs);
    }

    enum Runner {
        LOCAL, SPARK
    }

    /** Set on a thread that runs one job for a runner (a Spark task): it runs that job itself, in this JVM. */
    private static final ThreadLocal<Boolean> IN_TASK = ThreadLocal.withInitial(() -> false);

    /** {@link #run}, as one job of a runner: the job runs here, whatever {@code -Drunner} says. */
    public static int runAsTask(Cli cli, Path projectDir, PrintStream out, PrintStream err) {
        IN_TASK.set(true);
        try {
            return run(cli, projectDir, out, err);
        } finally {
            IN_TASK.remove();
        }
    }

    /** {@code -Drunner=local} (worker JVMs on this machine, the default) or {@code spark} (Spark tasks). */
    static Runner runner() {
        if (IN_TASK.get()) {
            return Runner.LOCAL;
        }
        String v = System.getProperty("runner", "local").trim();
        return switch (v) {
            case "local" -> Runner.LOCAL;
            case "spark" -> Runner.SPARK;
            default -> throw new UserError("Invalid value for 'runner': '" + v + "'; expected local (worker JVMs on this "
                    + "machine) or spark (Apache Spark tasks; build with mvn -Pspark)");
        };
    }

    /** The Spark runner, present only in builds with the spark profile. */
    static final String SPARK_CLASS = "rnnlab.spark.SparkRunner";

    @SuppressWarnings("unchecked")
    private static List<Workers.Outcome> spark(List<Workers.Job> jobs, Path projectDir, PrintStream out) throws Exception {
        Class<?> c;
        try {
            c = Class.forName(SPARK_CLASS);
        } catch (ClassNotFoundException e) {
            throw new UserError("-Drunner=spark needs Apache Spark, which the default install leaves out: run with the "
                    + "spark profile, mvn -Pspark -q exec:java ... -Drunner=spark");
        }
        try {
            return (List<Workers.Outcome>) c.getMethod("run", List.class, Path.class, PrintStream.class).invoke(null, jobs,
                    projectDir, out);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    /** The shortest job worth sending on its own (each loads its data): shorter settings of an experiment share one. */
    static final double MIN_JOB_SECONDS = 10;

    /** One job of a split experiment: its settings, in the experiment's order, and their estimated seconds. */
    record Group(List<String> settings, double seconds) {
    }

    /**
     * A split experiment's {@code units} that are not {@code finished}, consecutive ones grouped into jobs of at least
     * {@link #MIN_JOB_SECONDS} by their {@link #estimate} from the last run's seconds {@code secs} (an unknown one
     * counts as {@link #MIN_JOB_SECONDS}); the last group may be shorter.
     */
    static List<Group> groups(List<String> units, java.util.Map<String, Double> secs,
            java.util.function.Predicate<String> finished) {
        List<Group> out = new ArrayList<>();
        List<String> group = new ArrayList<>();
        double groupSeconds = 0;
        for (int i = 0; i < units.size(); i++) {
            String u = units.get(i);
            if (!finished.test(u)) {
                group.add(u);
                double s = estimate(secs, u, units.size());
                groupSeconds += s > 0 ? s : MIN_JOB_SECONDS; // unknown: as long as a job should be
            }
            if (!group.isEmpty() && (groupSeconds >= MIN_JOB_SECONDS || i == units.size() - 1)) {
                out.add(new Group(group, groupSeconds));
                group = new ArrayList<>();
                groupSeconds = 0;
            }
        }
        return out;
    }

    /**
     * The experiments' jobs (worker JVMs, or Spark tasks), {@code jobs} at a time: each unfinished setting and seed of
     * an experiment with several ({@link rnnlab.jobs.Units}) a job of its own (settings that took under
     * {@link #MIN_JOB_SECONDS} last time grouped with the next), any other experiment one job; then, in
     * this process, each split experiment once more, which finds every job finished and writes its pages in its own
     * order (or trains a job that failed); then the scoreboards.
     */
    private static void runInWorkers(Cli cli, List<Prepared> prepared, int jobs, PrintStream out) throws Exception {
        Path projectDir = prepared.get(0).run().projectDir();
        List<Workers.Job> list = new ArrayList<>();
        java.util.Map<Workers.Job, Double> estimates = new java.util.HashMap<>();
        List<Prepared> assemble = new ArrayList<>();
        // a split experiment's jobs and how many of them are still to end, to write its pages as soon as they all have
        java.util.Map<Workers.Job, Prepared> ofExperiment = new java.util.IdentityHashMap<>();
        java.util.Map<Prepared, Integer> jobsLeft = new java.util.IdentityHashMap<>();
        int reused = 0;
        for (Prepared p : prepared) {
            java.util.Map<String, String> props = Workers.jobProperties(p.run().name(), cli.profile(), p.run().outDir(),
                    cli.overrides());
            List<String> units = p.configured().units();
            java.util.Map<String, Double> secs = lastTrainingSeconds(p.run().name(), p.run().outDir());
            if (units.size() <= 1) {
                Workers.Job job = new Workers.Job(p.run().name(), props);
                list.add(job);
                estimates.put(job, estimate(secs, null, 1));
                continue;
            }
            assemble.add(p);
            // the unfinished settings, consecutive ones grouped into jobs of at least MIN_JOB_SECONDS (by the last
            // run's times), since a worker JVM takes seconds to start and load its data
            List<Group> groups = groups(units, secs,
                    u -> rnnlab.checkpoints.FinishedJobs.read(p.run(), u, msg -> { }).isPresent());
            reused += units.size() - groups.stream().mapToInt(g -> g.settings().size()).sum();
            for (Group g : groups) {
                java.util.Map<String, String> unitProps = new java.util.LinkedHashMap<>(props);
                unitProps.put("units", rnnlab.jobs.Units.join(g.settings()));
                Workers.Job job = new Workers.Job(p.run().name() + " " + g.settings().get(0)
                        + (g.settings().size() > 1 ? " (+" + (g.settings().size() - 1) + ")" : ""), unitProps);
                list.add(job);
                ofExperiment.put(job, p);
                jobsLeft.merge(p, 1, Integer::sum);
                estimates.put(job, g.seconds());
            }
        }
        if (runner() == Runner.LOCAL) {
            out.println("rnnlab: " + list.size() + " jobs, " + jobs + " at a time, on worker JVMs"
                    + (reused > 0 ? "; " + reused + " finished earlier, reused" : ""));
        }
        List<String> failed = java.util.Collections.synchronizedList(new ArrayList<>());
        // a split experiment whose jobs all finished has its pages written here while the other jobs go on, one
        // experiment at a time; one with a failed job waits for the end, when its pass trains that job here
        java.util.concurrent.ExecutorService pagesEarly = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "rnnlab-pages");
            t.setDaemon(true);
            return t;
        });
        java.util.Set<Prepared> written = java.util.Collections.newSetFromMap(new java.util.concurrent.ConcurrentHashMap<>());
        java.util.function.Consumer<Prepared> writeEarly = p -> {
            written.add(p);
            pagesEarly.execute(() -> writePages(p, cli, projectDir, out, failed));
        };
        List<Workers.Outcome> outcomes;
        if (list.isEmpty()) {
            outcomes = List.of();
        } else if (runner() == Runner.SPARK) {
            outcomes = spark(list, projectDir, out);
        } else {
            for (Prepared p : assemble) {
                if (!jobsLeft.containsKey(p)) {
                    writeEarly.accept(p); // every job of it finished earlier
                }
            }
            outcomes = Workers.run(list, jobs, out, System.err, j -> estimates.getOrDefault(j, 0.0), o -> {
                Prepared p = ofExperiment.get(o.job());
                if (p == null || o.exitCode() != 0) {
                    return; // a failed job's experiment never reaches 0 left: its pages wait for the end
                }
                synchronized (jobsLeft) {
                    if (jobsLeft.merge(p, -1, Integer::sum) == 0) {
                        writeEarly.accept(p);
                    }
                }
            });
        }
        failed.addAll(outcomes.stream().filter(o -> o.exitCode() != 0).map(o -> o.job().name()).toList());
        pagesEarly.shutdown();
        while (!pagesEarly.awaitTermination(1, java.util.concurrent.TimeUnit.SECONDS)) {
            // the pages still being written
        }
        for (Prepared p : assemble) {
            if (!written.contains(p)) {
                writePages(p, cli, projectDir, out, failed);
            }
        }
        java.util.Set<Path> dirs = new java.util.LinkedHashSet<>();
        prepared.forEach(p -> dirs.add(p.run().outDir()));
        for (Path dir : dirs) {
            Scoreboard.write(dir);
        }
        if (!failed.isEmpty()) {
            throw new UserError(failed.size() + " of " + (outcomes.size() + assemble.size()) + " jobs failed ("
                    + String.join(", ", failed) + "); their lines above say why, and the other jobs' results are written");
        }
    }

    /** The pass that writes a split experiment's pages from its jobs' results (or trains a job that failed). */
    private static void writePages(Prepared p, Cli cli, Path projectDir, PrintStream out, List<String> failed) {
        out.println("rnnlab: " + p.run().name() + ": writing its pages from its jobs' results");
        Cli pages = new Cli(p.run().name(), cli.profile(), p.run().outDir().toString(), cli.overrides());
        try {
            if (rnnlab.jobs.Units.writingPages(() -> runAsTask(pages, projectDir, out, System.err)) != 0) {
                failed.add(p.run().name());
            }
        } catch (Exception e) {
            out.println("rnnlab: " + p.run().name() + ": its pages were not written: " + e.getMessage());
            failed.add(p.run().name());
        }
    }

    private static void printList(PrintStream out) {
        int width = Catalog.project().all().keySet().stream().mapToInt(String::length).max().orElse(10);
        for (Catalog.Facts e : Catalog.project().all().values()) {
            out.printf("%-" + width + "s  %s%n", e.name(), e.description());
        }
    }
}
