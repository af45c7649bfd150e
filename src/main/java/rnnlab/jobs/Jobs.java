package rnnlab.jobs;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import rnnlab.checkpoints.FinishedJobs;
import rnnlab.core.Cli;
import rnnlab.core.ConfiguredRun;
import rnnlab.core.JobScope;
import rnnlab.core.Modules;
import rnnlab.core.Options;
import rnnlab.core.Run;
import rnnlab.core.Threads;
import rnnlab.core.UserError;
import rnnlab.report.Scoreboard;

/**
 * Runs prepared experiments as jobs, {@code -Djobs=N} at a time, on worker JVMs ({@link Workers}) or as Spark tasks
 * ({@code -Drunner=spark}): each unfinished setting and seed of a split experiment a job of its own (grouped by
 * {@link Plan}), any other experiment one job; then, in this process, each split experiment once more, as soon as
 * its jobs have all ended, which finds every job finished and writes its pages in its own order (or trains a job that
 * failed); then the scoreboards.
 */
public final class Jobs {
    private static final Logger log = LoggerFactory.getLogger(Jobs.class);

    /** Where the jobs run: worker JVMs on this machine, or Spark tasks. */
    public enum Runner {
        LOCAL, SPARK
    }

    private Jobs() {
    }

    /**
     * {@code -Drunner=local} (worker JVMs on this machine, the default) or {@code spark} (Spark tasks); a task of a
     * runner ({@code inTask}) runs its own job here.
     */
    public static Runner runner(boolean inTask) {
        if (inTask) {
            return Runner.LOCAL;
        }
        String v = Options.RUNNER.or("local").trim();
        return switch (v) {
            case "local" -> Runner.LOCAL;
            case "spark" -> Runner.SPARK;
            default -> throw new UserError("Invalid value for 'runner': '" + v + "'; expected local (worker JVMs on this "
                    + "machine) or spark (Apache Spark tasks; build with mvn -Pspark)");
        };
    }

    /**
     * How many of {@code jobs} run at once: {@code -Djobs=N} (default one per core, as many as fit in memory), never
     * more than there are; one under the UI (one run, one UI) and in a runner's task (it runs its job itself).
     */
    public static int atOnce(int jobs, boolean inTask) {
        if (Options.UI.given() != null || inTask) {
            return 1;
        }
        return Math.min(Workers.requested(), jobs);
    }

    /**
     * Runs {@code prepared} one after another in this JVM: one job at a time, or a runner's task ({@code inTask}). Alone
     * here, the experiments that gain from threads get the machine's cores, unless {@code -Dthreads} says otherwise.
     */
    public static void runHere(List<ConfiguredRun> prepared, boolean inTask) throws Exception {
        for (ConfiguredRun p : prepared) {
            Run run = p.run();
            if (Options.THREADS.given() == null && !inTask) {
                Threads.apply(Threads.forJob(run.name(), 1, Runtime.getRuntime().availableProcessors()));
            }
            log.info("=== {} ({} profile{}) -> {}", run.name(), run.config().profile(),
                    run.config().overrides().isEmpty() ? "" : ", overrides " + run.config().overrides(), run.outDir());
            p.execute();
            Scoreboard.write(run.outDir());
        }
    }

    /**
     * Runs {@code prepared}: on worker JVMs or as {@code runner}'s tasks when more than one job can run at once
     * ({@link #atOnce}) or the runner is Spark, else one after another in this JVM ({@link #runHere}).
     */
    public static void run(List<ConfiguredRun> prepared, Runner runner, PrintStream out, Task task, boolean inTask)
            throws Exception {
        for (ConfiguredRun p : prepared) {
            p.configured().check(p.run()); // here, before any job starts on any worker
        }
        int atOnce = atOnce(prepared.stream().mapToInt(p -> Math.max(1, p.configured().jobs().size())).sum(), inTask);
        if (atOnce > 1 || runner == Runner.SPARK) {
            runJobs(prepared, atOnce, runner, out, task);
        } else {
            runHere(prepared, inTask);
        }
    }

    /** Runs {@code prepared}'s jobs, {@code atOnce} at a time, each through {@code task}; see the class comment. */
    private static void runJobs(List<ConfiguredRun> prepared, int atOnce, Runner runner, PrintStream out, Task task)
            throws Exception {
        Path projectDir = prepared.get(0).run().projectDir();
        List<Workers.Job> list = new ArrayList<>();
        Map<Workers.Job, Double> estimates = new HashMap<>();
        List<ConfiguredRun> assemble = new ArrayList<>();
        // a split experiment's jobs and how many of them are still to end, to write its pages as soon as they all have
        Map<Workers.Job, ConfiguredRun> ofExperiment = new IdentityHashMap<>();
        Map<ConfiguredRun, Integer> jobsLeft = new IdentityHashMap<>();
        int reused = 0;
        for (ConfiguredRun p : prepared) {
            // the run's own overrides (a settle run's seeds are its own, not the command line's)
            Map<String, String> props = Workers.jobProperties(projectDir, p.run().name(), p.run().config().profile(),
                    p.run().outDir(), p.run().config().overrides());
            List<String> jobs = p.configured().jobs().stream().filter(p.run().scope()::inPlan).toList();
            Map<String, Double> secs = Plan.lastTrainingSeconds(p.run().name(), p.run().outDir());
            if (jobs.size() <= 1) {
                Workers.Job job = new Workers.Job(p.run().name(), props);
                list.add(job);
                estimates.put(job, Plan.estimate(secs, null, 1));
                continue;
            }
            assemble.add(p);
            List<Plan.Group> groups = Plan.groups(jobs, secs, u -> FinishedJobs.read(p.run(), u, msg -> { }).isPresent());
            reused += jobs.size() - groups.stream().mapToInt(g -> g.settings().size()).sum();
            for (Plan.Group g : groups) {
                Map<String, String> unitProps = new LinkedHashMap<>(props);
                unitProps.put(Options.UNITS.key(), JobScope.join(g.settings()));
                Workers.Job job = new Workers.Job(p.run().name() + " " + g.settings().get(0)
                        + (g.settings().size() > 1 ? " (+" + (g.settings().size() - 1) + ")" : ""), unitProps);
                list.add(job);
                ofExperiment.put(job, p);
                jobsLeft.merge(p, 1, Integer::sum);
                estimates.put(job, g.seconds());
            }
        }
        if (runner == Runner.LOCAL) {
            out.println("rnnlab: " + list.size() + " jobs, " + atOnce + " at a time, on worker JVMs"
                    + (reused > 0 ? "; " + reused + " finished earlier, reused (kept in " + prepared.get(0).run().outDir()
                            .resolve("runs") + "; -Dfresh=true trains them again)" : ""));
        }
        List<String> failed = Collections.synchronizedList(new ArrayList<>());
        // a split experiment whose jobs all finished has its pages written here while the other jobs go on, one
        // experiment at a time; one with a failed job waits for the end, when its pass trains that job here
        ExecutorService pagesEarly = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "rnnlab-pages");
            t.setDaemon(true);
            return t;
        });
        Set<ConfiguredRun> written = Collections.newSetFromMap(new ConcurrentHashMap<>());
        Consumer<ConfiguredRun> writeEarly = p -> {
            written.add(p);
            pagesEarly.execute(() -> writePages(p, projectDir, out, failed, task));
        };
        List<Workers.Outcome> outcomes;
        if (list.isEmpty()) {
            outcomes = List.of();
        } else if (runner == Runner.SPARK) {
            outcomes = spark(list, projectDir, out);
        } else {
            for (ConfiguredRun p : assemble) {
                if (!jobsLeft.containsKey(p)) {
                    writeEarly.accept(p); // every job of it finished earlier
                }
            }
            outcomes = Workers.run(list, atOnce, out, System.err, task, j -> estimates.getOrDefault(j, 0.0), o -> {
                ConfiguredRun p = ofExperiment.get(o.job());
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
        while (!pagesEarly.awaitTermination(1, TimeUnit.SECONDS)) {
            // the pages still being written
        }
        for (ConfiguredRun p : assemble) {
            if (!written.contains(p)) {
                writePages(p, projectDir, out, failed, task);
            }
        }
        Set<Path> dirs = new LinkedHashSet<>();
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
    private static void writePages(ConfiguredRun p, Path projectDir, PrintStream out, List<String> failed, Task task) {
        out.println("rnnlab: " + p.run().name() + ": writing its pages from its jobs' results");
        Cli pages = new Cli(p.run().name(), p.run().config().profile(), p.run().outDir().toString(), p.run().config().overrides(),
                Map.of(), p.run().scope().pages());
        try {
            if (task.run(pages, projectDir, out, System.err) != 0) {
                failed.add(p.run().name());
            }
        } catch (Exception e) {
            out.println("rnnlab: " + p.run().name() + ": its pages were not written: " + e.getMessage());
            failed.add(p.run().name());
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Workers.Outcome> spark(List<Workers.Job> jobs, Path projectDir, PrintStream out) throws Exception {
        return (List<Workers.Outcome>) Modules.call(Modules.SPARK, "-Drunner=spark",
                "mvn -Pspark -q exec:java ... -Drunner=spark", "run", new Class<?>[] {List.class, Path.class,
                        PrintStream.class}, jobs, projectDir, out);
    }
}
