package rnnlab.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rnnlab.Main;
import rnnlab.core.Cli;

/** The jobs as Spark tasks in local mode: the driver writes the files a local run writes, with the same numbers. */
class SparkRunnerTest {
    private static final Map<String, String> SHORT = Map.of("epochs", "40", "seeds", "0,1");

    static String run(Path out, Map<String, String> props) {
        return run("HelloOhlolRnn,HelloOhlolRnnCell", SHORT, out, props);
    }

    static String run(String exp, Map<String, String> overrides, Path out, Map<String, String> props) {
        props.forEach(System::setProperty);
        try {
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            PrintStream p = new PrintStream(log, true, StandardCharsets.UTF_8);
            int code = Main.run(new Cli(exp, "quick", out.toString(), overrides), Path.of("").toAbsolutePath(), p, p);
            String text = log.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, text);
            return text;
        } finally {
            props.keySet().forEach(System::clearProperty);
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
}
