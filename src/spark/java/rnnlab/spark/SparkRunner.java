package rnnlab.spark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;

import org.slf4j.LoggerFactory;

import rnnlab.Main;
import rnnlab.core.AtomicFiles;
import rnnlab.core.Catalog;
import rnnlab.core.Cli;
import rnnlab.core.JobScope;
import rnnlab.core.Options;
import rnnlab.core.UserError;
import rnnlab.jobs.Workers;
import rnnlab.saved.SavedModel;

/**
 * {@code -Drunner=spark}: the same jobs as {@link Workers} runs, as Apache Spark tasks, one job per task. A task runs
 * its experiment ({@code rnnlab.Main}, in the executor's JVM) into a folder of its own and sends back every file it
 * wrote and what it printed; the driver writes the files where a local run would have, so pages, plots and the
 * scoreboard are the same however the jobs ran. {@code -Dspark.master} picks the cluster ({@code local[2]} by
 * default; under {@code spark-submit}, the one it was given). Executors need the project folder (its
 * {@code experiments/} and the datasets, or {@code -Drnnlab.datasets.mirror}) at the same path, and a shared
 * {@code -Dcheckpoints=DIR} for a retried task to resume where the failed one stopped.
 */
public final class SparkRunner {
    /** What a task sends back: its exit status, its output and the files it wrote (path relative to its folder). */
    public record Result(String name, int exitCode, double seconds, String log, Map<String, byte[]> files,
            String attempt) implements Serializable {
    }

    /** One job, as a task needs it, and how many times Spark runs a failing task ({@link #attempts}). */
    record Task(String name, Map<String, String> properties, String projectDir, int attempts) implements Serializable {
    }

    private SparkRunner() {
    }

    /** Runs the jobs on Spark; returns their outcomes in the jobs' order, the files already written by the driver. */
    public static List<Workers.Outcome> run(List<Workers.Job> jobs, Path projectDir, PrintStream out) throws IOException {
        String master = Options.SPARK_MASTER.or("local[2]");
        SparkConf conf = new SparkConf().setAppName("rnnlab").setIfMissing("spark.master", master)
                .set("spark.ui.enabled", "false").set("spark.task.maxFailures", "3")
                // a job's worker peaks at 2.3 GB (docs/jobs.md); Spark's default executor is 1 GB
                .setIfMissing("spark.executor.memory", "2g");
        // an executor runs its jobs as a worker JVM does (ignored in local mode, where the driver runs them)
        conf.setIfMissing("spark.executor.extraJavaOptions",
                String.join(" ", Workers.executorFlags(conf.getInt("spark.executor.cores", 1))));
        String secret = Options.SPARK_SECRET.given();
        if (secret != null) {
            conf.set("spark.authenticate", "true").set("spark.authenticate.secret", secret(Path.of(secret)));
        }
        List<Task> tasks = new ArrayList<>();
        for (Workers.Job j : jobs) {
            tasks.add(new Task(j.name(), new LinkedHashMap<>(j.properties()), projectDir.toString(), attempts(conf)));
        }
        out.println("rnnlab: " + jobs.size() + " jobs as Spark tasks on " + conf.get("spark.master"));
        List<Result> results;
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            results = sc.parallelize(tasks, tasks.size()).map(SparkRunner::execute).collect();
        }
        List<Workers.Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            Result r = results.get(i);
            Workers.Job job = jobs.get(i);
            Path dest = Path.of(job.properties().get("out"));
            for (Map.Entry<String, byte[]> f : r.files().entrySet()) {
                // a model goes where a local run of the same out folder keeps it (rnnlab.saved.SavedModel.file)
                Path target = f.getKey().startsWith("models/") ? SavedModel.dir(projectDir, dest).resolve(
                        f.getKey().substring("models/".length())) : dest.resolve(f.getKey());
                Files.createDirectories(target.getParent());
                AtomicFiles.write(target, f.getValue());
            }
            r.log().lines().forEach(l -> out.println("[" + r.name() + "] " + l));
            out.printf("rnnlab: task %s %s in %.1f s, %d files (%s)%n", r.name(),
                    r.exitCode() == 0 ? "finished" : "FAILED (exit " + r.exitCode() + ")", r.seconds(), r.files().size(),
                    r.attempt());
            outcomes.add(new Workers.Outcome(job, r.exitCode(), r.seconds(), Double.NaN));
        }
        return outcomes;
    }

    /** A task: the job's experiment into a fresh folder; a failure is the task's exit status, never an exception. */
    static Result execute(Task t) throws IOException {
        Path dir = Files.createTempDirectory("rnnlab-task-");
        Map<String, String> overrides = Workers.overrides(t.properties());
        String exp = t.properties().get("exp");
        String profile = t.properties().get("profile");
        String units = t.properties().get("units");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream p = new PrintStream(log, true, StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        int code;
        TaskContext context = TaskContext.get();
        String attempt = context == null ? "not in Spark"
                : "attempt " + (context.attemptNumber() + 1) + " on executor " + SparkEnv.get().executorId();
        // on a cluster the job's log lines (a checkpoint resumed, one not usable, its progress) come back to the driver
        // with its output, as a local worker's reach its parent; in local mode the driver's console has them already
        boolean remote = context != null && !"driver".equals(SparkEnv.get().executorId());
        try (TaskLog ignored = remote ? TaskLog.to(p) : null) {
            if (remote) {
                jvmOptions(t.properties()).forEach(System::setProperty);
            }
            Catalog.projectAt(Path.of(t.projectDir()));
            // the settings this task trains, handed to its run (tasks share the executor's JVM)
            code = Main.TASK.run(new Cli(exp, profile, dir.toString(), overrides, Map.of(), JobScope.of(units)),
                    Path.of(t.projectDir()), p, p);
        } catch (Exception e) {
            p.println("rnnlab: task failed: " + e);
            code = 1;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        // an internal failure (not a user's mistake, status 2) with attempts left is Spark's to retry: the retry resumes
        // from the job's checkpoint under a shared -Dcheckpoints=DIR; the last attempt's failure is reported as before
        if (code == 1 && context != null && context.attemptNumber() + 1 < t.attempts()) {
            throw new IllegalStateException("task " + t.name() + " failed in attempt " + (context.attemptNumber() + 1)
                    + " of " + t.attempts() + ", for Spark to retry: " + log.toString(StandardCharsets.UTF_8).strip());
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                String rel = dir.relativize(f).toString();
                if (!rel.endsWith(".tmp")) {
                    files.put(rel, Files.readAllBytes(f));
                }
            }
        }
        return new Result(t.name(), code, seconds, log.toString(StandardCharsets.UTF_8), files, attempt);
    }

    /** The INFO lines of the suite's loggers logged by this thread, printed to a stream until closed. */
    static final class TaskLog extends AppenderBase<ILoggingEvent> implements AutoCloseable {
        private final Thread thread = Thread.currentThread();
        private final PrintStream out;
        private final ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("rnnlab");

        private TaskLog(PrintStream out) {
            this.out = out;
        }

        static TaskLog to(PrintStream out) {
            TaskLog log = new TaskLog(out);
            log.setContext(log.logger.getLoggerContext());
            log.start();
            log.logger.addAppender(log);
            return log;
        }

        @Override
        protected void append(ILoggingEvent e) {
            if (Thread.currentThread() == thread && e.getLevel().isGreaterOrEqual(Level.INFO)) {
                out.println(e.getFormattedMessage());
            }
        }

        @Override
        public void close() {
            logger.detachAppender(this);
            stop();
        }
    }

    /**
     * The options among a job's properties that a worker JVM gets at its start ({@code -Dcheckpoints}, {@code -Dfresh},
     * the data's mirror...): an executor JVM was started without them, so a task sets them (every task of a run
     * carries the same).
     */
    static Map<String, String> jvmOptions(Map<String, String> properties) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>(Options.RUNTIME_KEYS);
        keys.removeAll(List.of(Options.JOBS.key(), Options.RUNNER.key(), Options.UNITS.key()));
        keys.add(Options.MIRROR.key());
        keys.forEach(k -> {
            if (properties.containsKey(k)) {
                out.put(k, properties.get(k));
            }
        });
        return out;
    }

    /** The cluster's shared secret, from its file; a missing or empty file ends in one line. */
    static String secret(Path file) {
        try {
            String s = Files.readString(file).strip();
            if (!s.isEmpty()) {
                return s;
            }
        } catch (IOException e) {
            // below
        }
        throw new UserError("-Dspark.secret=" + file + " is not a readable file holding the cluster's shared secret "
                + "(spark.authenticate); give the file the master and workers were started with (bin/cluster)");
    }

    /**
     * How many times Spark runs a failing task, as its {@code SparkContext} decides: {@code local[N,F]} F times, any
     * other local master once (no retry), a cluster {@code spark.task.maxFailures} times.
     */
    static int attempts(SparkConf conf) {
        String master = conf.get("spark.master");
        Matcher m = Pattern.compile("local\\[([0-9]+|\\*)\\s*,\\s*([0-9]+)\\]").matcher(master);
        if (m.matches()) {
            return Integer.parseInt(m.group(2));
        }
        if (master.equals("local") || master.matches("local\\[([0-9]+|\\*)\\]")) {
            return 1;
        }
        return conf.getInt("spark.task.maxFailures", 4);
    }
}
