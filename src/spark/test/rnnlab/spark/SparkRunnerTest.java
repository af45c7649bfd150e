package rnnlab.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.spark.SparkConf;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import rnnlab.Main;
import rnnlab.core.Cli;
import rnnlab.model.TrainingHooks;

/** The jobs as Spark tasks in local mode: the driver writes the files a local run writes, with the same numbers. */
class SparkRunnerTest {
    private static final Map<String, String> SHORT = Map.of("epochs", "40", "seeds", "0,1");

    static String run(Path out, Map<String, String> props) {
        return run("HelloOhlolRnn,HelloOhlolRnnCell", SHORT, out, props);
    }

    static String run(String exp, Map<String, String> overrides, Path out, Map<String, String> props) {
        Map<String, String> before = new HashMap<>();
        props.keySet().forEach(k -> before.put(k, System.getProperty(k)));
        props.forEach(System::setProperty);
        try {
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            PrintStream p = new PrintStream(log, true, StandardCharsets.UTF_8);
            int code = Main.run(new Cli(exp, "quick", out.toString(), overrides), Path.of("").toAbsolutePath(), p, p);
            String text = log.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, text);
            return text;
        } finally {
            // as they were: surefire's own (fresh, checkpoints) stay for the other tests
            before.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
    }

    static List<String> numbers(Path csv) throws Exception {
        return Files.readAllLines(csv).stream().filter(l -> !l.contains("seconds") && !l.contains("tokens_per_second")).toList();
    }

    @Test
    void sparkTasksWriteWhatLocalWorkersWrite(@TempDir Path tmp) throws Exception {
        run(tmp.resolve("local"), Map.of("jobs", "1"));
        String log = run(tmp.resolve("spark"), Map.of("runner", "spark", "spark.master", "local[2]"));
        assertTrue(log.contains("2 jobs as Spark tasks on local[2]"), log);
        assertTrue(log.contains("task HelloOhlolRnn finished") && log.contains("task HelloOhlolRnnCell finished"), log);
        for (String name : List.of("HelloOhlolRnn", "HelloOhlolRnnCell")) {
            List<String> local = numbers(tmp.resolve("local").resolve(name + ".csv"));
            assertTrue(local.size() > 40);
            assertEquals(local, numbers(tmp.resolve("spark").resolve(name + ".csv")), name);
            assertTrue(Files.size(tmp.resolve("spark").resolve(name + ".md")) > 0);
            assertTrue(Files.size(tmp.resolve("spark").resolve(name + "-loss.png")) > 0);
        }
        String board = Files.readString(tmp.resolve("spark/README.md"));
        assertTrue(board.contains("[HelloOhlolRnn](HelloOhlolRnn.md)"), board);
    }

    @Test
    void anExperimentsSeedsAsTasksGiveTheLocalFiles(@TempDir Path tmp) throws Exception {
        Map<String, String> small = Map.of("epochs", "2", "seeds", "0,1", "hidden_size", "32", "pred_period", "1",
                "heldout_period", "2", "pred_len", "5");
        run("JayChouRnn", small, tmp.resolve("local"), Map.of("jobs", "1"));
        String log = run("JayChouRnn", small, tmp.resolve("spark"), Map.of("runner", "spark", "spark.master", "local[2]"));
        assertTrue(log.contains("2 jobs as Spark tasks on local[2]"), log);
        assertTrue(log.contains("task JayChouRnn sampling=sequential;seed=1 finished"), log);
        assertTrue(log.contains("JayChouRnn: writing its pages from its jobs' results"), log);
        assertTrue(Files.isRegularFile(tmp.resolve("spark/runs/JayChouRnn/sampling=sequential;seed=1.txt")),
                "each task's kept result comes back to the driver");
        assertEquals(numbers(tmp.resolve("local/JayChouRnn.csv")), numbers(tmp.resolve("spark/JayChouRnn.csv")));
    }

    /**
     * A task that fails inside training after its first checkpoint is retried by Spark ({@code local[2,2]}: two
     * attempts a task), and the retry resumes from that checkpoint (a shared {@code -Dcheckpoints=DIR}) and ends with
     * the numbers of a run that never failed. The fault: a training listener (through {@link TrainingHooks}, as the
     * UI's) that throws at the first step after a checkpoint file exists, once.
     */
    @Test
    void aTaskThatFailsAfterItsCheckpointIsRetriedAndResumes(@TempDir Path tmp) throws Exception {
        Map<String, String> small = Map.of("epochs", "3", "seeds", "0", "hidden_size", "32", "pred_period", "1",
                "heldout_period", "3", "pred_len", "5");
        run("JayChouRnn", small, tmp.resolve("local"), Map.of("jobs", "1", "checkpoints", tmp.resolve("ckpt-local").toString()));

        Path checkpoints = tmp.resolve("ckpt-spark");
        AtomicReference<String> failedOn = new AtomicReference<>();
        TrainingHooks.register(net -> new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                if (failedOn.get() == null && hasCheckpoint(checkpoints)) {
                    failedOn.set(Thread.currentThread().getName());
                    throw new IllegalStateException("a fault injected after the checkpoint");
                }
            }
        });
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        List<Logger> loggers = List.of((Logger) LoggerFactory.getLogger("rnnlab"),
                (Logger) LoggerFactory.getLogger("org.apache.spark.scheduler.TaskSetManager"));
        events.setContext(loggers.get(0).getLoggerContext());
        events.start();
        loggers.forEach(l -> l.addAppender(events));
        String log;
        try {
            // surefire runs every test -Dfresh=true; a retry resumes only without it
            log = run("JayChouRnn", small, tmp.resolve("spark"), Map.of("runner", "spark", "spark.master", "local[2,2]",
                    "checkpoints", checkpoints.toString(), "fresh", "false"));
        } finally {
            TrainingHooks.clear();
            loggers.forEach(l -> l.detachAppender(events));
            events.stop();
        }
        List<ILoggingEvent> seen = List.copyOf(events.list);
        assertTrue(failedOn.get() != null && failedOn.get().contains("task 0.0 "), "the first attempt failed: " + failedOn);
        assertTrue(seen.stream().anyMatch(e -> e.getFormattedMessage().startsWith("Lost task 0.0 ")
                && e.getFormattedMessage().contains("a fault injected after the checkpoint")), "Spark saw the task fail: "
                        + messages(seen));
        assertTrue(seen.stream().anyMatch(e -> e.getThreadName().contains("task 0.1 ")
                && e.getFormattedMessage().contains("resuming after epoch 1 of 3 from " + checkpoints)),
                "the second attempt resumes from the checkpoint: " + messages(seen));
        assertTrue(seen.stream().noneMatch(e -> e.getThreadName().contains("task 0.1 ")
                && e.getFormattedMessage().contains("epoch 1, perplexity")), "the second attempt trains epoch 1 again: "
                        + messages(seen));
        assertTrue(log.contains("task JayChouRnn finished"), log);
        assertEquals(numbers(tmp.resolve("local/JayChouRnn.csv")), numbers(tmp.resolve("spark/JayChouRnn.csv")));
    }

    /** How many attempts a task gets (SparkRunner.attempts), as Spark decides them: local mode retries only local[N,F]. */
    @Test
    void aTaskGetsTheAttemptsItsMasterGives() {
        assertEquals(2, SparkRunner.attempts(new SparkConf(false).setMaster("local[2,2]")));
        assertEquals(4, SparkRunner.attempts(new SparkConf(false).setMaster("local[*, 4]")));
        assertEquals(1, SparkRunner.attempts(new SparkConf(false).setMaster("local[2]")));
        assertEquals(1, SparkRunner.attempts(new SparkConf(false).setMaster("local")));
        assertEquals(3, SparkRunner.attempts(new SparkConf(false).setMaster("spark://host:7077")
                .set("spark.task.maxFailures", "3")));
    }

    static boolean hasCheckpoint(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.anyMatch(f -> f.toString().endsWith(".ckpt"));
        } catch (IOException e) {
            return false;
        }
    }

    static String messages(List<ILoggingEvent> events) {
        StringBuilder b = new StringBuilder();
        events.forEach(e -> b.append('\n').append(e.getThreadName()).append(": ").append(e.getFormattedMessage()));
        return b.toString();
    }
}
