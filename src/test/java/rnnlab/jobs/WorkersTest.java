package rnnlab.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import rnnlab.Main;
import rnnlab.core.Cli;

/** Jobs in worker JVMs: the same numbers however many ran at once, and no worker outlives its parent. */
class WorkersTest {
    private static final Map<String, String> SHORT = Map.of("epochs", "40", "seeds", "0,1");

    /** The project the jobs below run in: this one, whose experiments' settings the workers read. */
    private static final Path PROJECT = Path.of("").toAbsolutePath();

    static int run(String exp, Path out, int jobs, ByteArrayOutputStream log) {
        return runWith(exp, out, jobs, SHORT, log);
    }

    /** Every row of a results CSV but the timings. */
    static List<String> numbers(Path csv) throws Exception {
        return Files.readAllLines(csv).stream().filter(l -> !l.contains("seconds") && !l.contains("tokens_per_second")
                && !l.contains("_ms")).toList();
    }

    @Test
    void twoWorkersGiveTheNumbersOfOne(@TempDir Path tmp) throws Exception {
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        ByteArrayOutputStream two = new ByteArrayOutputStream();
        String exp = "HelloOhlolRnn,HelloOhlolRnnCell";
        assertEquals(0, run(exp, tmp.resolve("one"), 1, one), one.toString(StandardCharsets.UTF_8));
        assertEquals(0, run(exp, tmp.resolve("two"), 2, two), two.toString(StandardCharsets.UTF_8));
        String log = two.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("2 jobs, 2 at a time"), log);
        assertTrue(log.contains("[HelloOhlolRnn] ") && log.contains("[HelloOhlolRnnCell] "), "each worker's lines, named: " + log);
        assertTrue(log.contains("2 of 2 jobs"), log);
        for (String name : List.of("HelloOhlolRnn", "HelloOhlolRnnCell")) {
            List<String> a = numbers(tmp.resolve("one").resolve(name + ".csv"));
            assertTrue(a.size() > 40, name + ": " + a);
            assertEquals(a, numbers(tmp.resolve("two").resolve(name + ".csv")), name);
        }
        String board = Files.readString(tmp.resolve("two/README.md"));
        assertTrue(board.contains("[HelloOhlolRnn](HelloOhlolRnn.md)") && board.contains("[HelloOhlolRnnCell]"), board);
    }

    @Test
    void anExperimentsSeedsRunAsJobsOfTheirOwnToTheSameFiles(@TempDir Path tmp) throws Exception {
        Map<String, String> small = Map.of("epochs", "2", "seeds", "0,1", "hidden_size", "32", "pred_period", "1",
                "heldout_period", "2", "pred_len", "5");
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        ByteArrayOutputStream two = new ByteArrayOutputStream();
        assertEquals(0, runWith("JayChouRnn", tmp.resolve("one"), 1, small, one), one.toString(StandardCharsets.UTF_8));
        // this JVM's own log lines (the workers' come through their output): the pass that writes the pages trains
        // nothing, even under the build's -Dfresh=true
        Logger root = (Logger) LoggerFactory.getLogger(
                org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> here =
                new ListAppender<>();
        here.start();
        root.addAppender(here);
        try {
            assertEquals(0, runWith("JayChouRnn", tmp.resolve("two"), 2, small, two), two.toString(StandardCharsets.UTF_8));
        } finally {
            root.detachAppender(here);
        }
        List<String> lines = here.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertTrue(lines.stream().noneMatch(l -> l.contains("====>")), "trained again: " + lines);
        assertEquals(2, lines.stream().filter(l -> l.contains("finished earlier") && l.contains("reused")).count(), lines.toString());
        String log = two.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("2 jobs, 2 at a time"), log);
        assertTrue(log.contains("[JayChouRnn sampling=sequential;seed=1] "), "each job's lines, named: " + log);
        assertTrue(log.contains("JayChouRnn: writing its pages from its jobs' results"), log);
        assertEquals(numbers(tmp.resolve("one/JayChouRnn.csv")), numbers(tmp.resolve("two/JayChouRnn.csv")));
        assertTrue(numbers(tmp.resolve("two/JayChouRnn.csv")).contains("sampling=sequential,final,perplexity_n,2"));
        String page = Files.readString(tmp.resolve("two/JayChouRnn.md"));
        assertEquals(Files.readString(tmp.resolve("one/JayChouRnn.md")).replaceAll("[0-9:]+ \\|", "").replaceAll("\\| [0-9]+ \\|", ""),
                page.replaceAll("[0-9:]+ \\|", "").replaceAll("\\| [0-9]+ \\|", ""), "the same page but its timings");
        // run again: both jobs finished, so nothing trains and the files stay (the build's tests run with -Dfresh=true)
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        String fresh = System.getProperty("fresh");
        System.setProperty("fresh", "false");
        try {
            assertEquals(0, runWith("JayChouRnn", tmp.resolve("two"), 2, small, again), again.toString(StandardCharsets.UTF_8));
        } finally {
            if (fresh == null) {
                System.clearProperty("fresh");
            } else {
                System.setProperty("fresh", fresh);
            }
        }
        String log2 = again.toString(StandardCharsets.UTF_8);
        assertTrue(log2.contains("0 jobs, 2 at a time, on worker JVMs; 2 finished earlier, reused") && !log2.contains("====>"),
                log2);
        assertEquals(numbers(tmp.resolve("one/JayChouRnn.csv")), numbers(tmp.resolve("two/JayChouRnn.csv")));
    }

    @Test
    void eachJobsOutcomeIsHandedOnAsItEndsBeforeTheNextStarts(@TempDir Path tmp) throws Exception {
        List<Workers.Job> jobs = List.of(
                new Workers.Job("first", Workers.jobProperties(PROJECT, "HelloOhlolRnn", "quick", tmp.resolve("a"), SHORT)),
                new Workers.Job("second", Workers.jobProperties(PROJECT, "HelloOhlolRnnCell", "quick", tmp.resolve("b"),
                        SHORT)));
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        List<Workers.Outcome> outcomes = Workers.run(jobs, 1, quiet, quiet, Main.TASK, j -> 0.0, o -> {
            // the caller's own job, and (one worker) the second job has not run yet
            assertTrue(jobs.stream().anyMatch(j -> j == o.job()), "not one of the jobs given: " + o.job());
            seen.add(o.job().name() + " " + o.exitCode() + " " + Files.exists(tmp.resolve("b/HelloOhlolRnnCell.csv")));
        });
        assertEquals(List.of("first 0 false", "second 0 true"), seen);
        assertTrue(outcomes.get(0).job() == jobs.get(0) && outcomes.get(1).job() == jobs.get(1));
    }

    /** docs/jobs.md, "Jobs and workers": the longest start first, by their estimated seconds (here on one worker, in turn). */
    @Test
    void theWorkersStartTheLongestJobFirst(@TempDir Path tmp) throws Exception {
        // jobs that end at once (an experiment the suite does not have): what counts is the order they ran in
        List<Workers.Job> jobs = new ArrayList<>();
        for (String name : List.of("short", "long", "middle")) {
            jobs.add(new Workers.Job(name, Workers.jobProperties(PROJECT, "NoSuch" + name, "quick", tmp.resolve(name),
                    Map.of())));
        }
        Map<String, Double> seconds = Map.of("short", 1.0, "long", 30.0, "middle", 12.0);
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        List<Workers.Outcome> outcomes = Workers.run(jobs, 1, quiet, quiet, Main.TASK, j -> seconds.get(j.name()),
                o -> ran.add(o.job().name()));
        assertEquals(List.of("long", "middle", "short"), ran);
        assertEquals(List.of("short", "long", "middle"), outcomes.stream().map(o -> o.job().name()).toList(),
                "outcomes in the jobs' order");
        assertTrue(outcomes.stream().allMatch(o -> o.exitCode() == 2 && o.error().contains("Unknown experiment")),
                outcomes.toString());
    }

    /**
     * The remaining time printed as each job ends: by the jobs' estimates where every job has one (a settle run's
     * 28-minute PTB jobs ending first said "remaining about 15:09:04" of thirty 1-2 minute jobs, by the mean pace),
     * by the mean pace otherwise. Hand-computed.
     */
    @Test
    void theRemainingTimeFollowsTheEstimatesOfTheJobsLeft() {
        // two 1,680 s jobs and four of 90 s on 2 workers; the first long one took 1,704 s (1704/1680 of its estimate)
        double[] est = {1680, 1680, 90, 90, 90, 90};
        boolean[] ended = {true, false, false, false, false, false};
        double[] took = {1704, 0, 0, 0, 0, 0};
        // left: 1680 + 4 x 90 = 2040 estimated seconds, x 1704/1680, over 2 workers = 1034.571...
        assertEquals(2040.0 * 1704 / 1680 / 2, Workers.remainingSeconds(est, ended, took, 1705, 2), 1e-9);
        // both long ones ended, at 1,704 and 1,656 s (their sum 3,360 = their estimates'): 360 / 2 = 180
        ended[1] = true;
        took[1] = 1656;
        assertEquals(180, Workers.remainingSeconds(est, ended, took, 1710, 2), 1e-9);
        // one job without an estimate: the mean pace, 1,710 s for 2 jobs, times the 4 left = 3,420
        est[5] = 0;
        assertEquals(3420, Workers.remainingSeconds(est, ended, took, 1710, 2), 1e-9);
        // everything ended: nothing left either way
        Arrays.fill(ended, true);
        assertEquals(0, Workers.remainingSeconds(est, ended, took, 2000, 2), 1e-9);
        est[5] = 90;
        assertEquals(0, Workers.remainingSeconds(est, ended, took, 2000, 2), 1e-9);
    }

    static int runWith(String exp, Path out, int jobs, Map<String, String> overrides, ByteArrayOutputStream log) {
        System.setProperty("jobs", String.valueOf(jobs));
        try {
            PrintStream p = new PrintStream(log, true, StandardCharsets.UTF_8);
            return Main.run(new Cli(exp, "quick", out.toString(), overrides), Path.of("").toAbsolutePath(), p, p);
        } finally {
            System.clearProperty("jobs");
        }
    }

    @Test
    void workersEndWhenTheirParentIsKilled(@TempDir Path tmp) throws Exception {
        Process parent = parentOfTwoWorkers(tmp, "DigitSumLstm,DigitSumSrn");
        List<ProcessHandle> workers = trainingWorkers(parent, tmp.resolve("parent.log"));
        parent.destroyForcibly(); // SIGKILL: no shutdown hook runs in the parent
        try {
            assertTrue(parent.waitFor(10, TimeUnit.SECONDS));
            assertEquals(137, parent.exitValue(), "killed by SIGKILL");
            for (ProcessHandle w : workers) {
                try {
                    w.onExit().get(15, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError("worker " + w.pid() + " outlived its killed parent");
                }
                assertFalse(w.isAlive());
                assertFalse(ProcessHandle.of(w.pid()).map(ProcessHandle::isAlive).orElse(false), "worker " + w.pid() + " gone");
            }
        } finally {
            workers.forEach(ProcessHandle::destroyForcibly); // none left behind by a failure
        }
    }

    /**
     * docs/jobs.md, "Jobs and workers": a parent stopped by SIGTERM (or Ctrl-C) stops its workers first, and leaves nothing
     * half-written.
     */
    @Test
    void aParentStoppedBySigtermStopsItsWorkersFirst(@TempDir Path tmp) throws Exception {
        Process parent = parentOfTwoWorkers(tmp, "DigitSumSrn");
        List<ProcessHandle> workers = trainingWorkers(parent, tmp.resolve("parent.log"));
        try {
            // both past their first epoch: each writes a checkpoint every epoch, while the SIGTERM comes
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120); // a safety net
            while (checkpoints(tmp.resolve("ck")) < 2) {
                assertTrue(parent.isAlive() && System.nanoTime() < deadline, "two checkpoints: "
                        + Files.readString(tmp.resolve("parent.log")));
                Thread.sleep(100);
            }
            workers.forEach(w -> assertTrue(w.isAlive(), "worker " + w.pid() + " alive before the SIGTERM"));
            parent.destroy(); // SIGTERM
            assertTrue(parent.waitFor(60, TimeUnit.SECONDS), "the parent ended");
            assertEquals(143, parent.exitValue(), "ended by SIGTERM: " + Files.readString(tmp.resolve("parent.log")));
            for (ProcessHandle w : workers) {
                assertFalse(w.isAlive(), "worker " + w.pid() + " still running when its parent ended");
            }
        } finally {
            parent.destroyForcibly();
            workers.forEach(ProcessHandle::destroyForcibly);
        }
        // nothing half-written: every checkpoint whole, no page of the unfinished experiment (a worker stopped between
        // a temporary file's creation and its rename may leave that hidden .tmp file, which nothing reads)
        try (Stream<Path> s = Files.walk(tmp)) {
            List<Path> files = s.filter(Files::isRegularFile).toList();
            List<Path> checkpoints = files.stream().filter(f -> f.toString().endsWith(".ckpt")).toList();
            assertEquals(2, checkpoints.size(), "each job's checkpoint: " + files);
            for (Path f : checkpoints) {
                byte[] all = Files.readAllBytes(f);
                assertTrue(Arrays.equals(MessageDigest.getInstance("SHA-1")
                        .digest(Arrays.copyOf(all, all.length - 20)),
                        Arrays.copyOfRange(all, all.length - 20, all.length)), "a whole checkpoint: " + f);
            }
            Path out = tmp.resolve("out");
            assertEquals(List.of(), files.stream().filter(f -> out.equals(f.getParent())).toList(),
                    "no page (CSV, page, plot, scoreboard) of an experiment whose jobs did not finish");
            for (Path f : files.stream().filter(f -> f.toString().endsWith(".zip")).toList()) {
                try (ZipFile zip = new ZipFile(f.toFile())) {
                    assertTrue(zip.size() > 0, "a whole best model: " + f); // a DigitSum job's best model so far
                }
            }
        }
    }

    /** How many checkpoints are under {@code dir}. */
    static long checkpoints(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(f -> f.toString().endsWith(".ckpt")).count();
        }
    }

    /**
     * A child JVM running {@code rnnlab.Main} on {@code exp} with {@code -Djobs=2}, jobs that never end on their own
     * (lengths 10, seeds 0 and 1, 100000 epochs), its output to {@code tmp/parent.log}.
     */
    static Process parentOfTwoWorkers(Path tmp, String exp) throws Exception {
        Map<String, String> props = new LinkedHashMap<>(ChildJvm.passedProperties());
        props.putAll(Map.of("exp", exp, "profile", "quick", "out", tmp.resolve("out").toString(), "jobs", "2",
                "lengths", "10", "seeds", "0,1", "epochs", "100000", "checkpoints", tmp.resolve("ck").toString()));
        ProcessBuilder pb = ChildJvm.builder("rnnlab.Main", props, List.of("-Xmx1g"));
        pb.redirectErrorStream(true).redirectOutput(tmp.resolve("parent.log").toFile());
        return pb.start();
    }

    /** Once two jobs say in {@code log} that they train: the parent's two worker JVMs, checked alive. */
    static List<ProcessHandle> trainingWorkers(Process parent, Path log) throws Exception {
        try {
            return trainingWorkersOrFail(parent, log);
        } catch (Exception | AssertionError e) {
            parent.destroyForcibly(); // its workers follow it (ChildJvm.watchParent)
            throw e;
        }
    }

    private static List<ProcessHandle> trainingWorkersOrFail(Process parent, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120); // a safety net
        while (Files.readAllLines(log).stream().filter(l -> l.startsWith("[") && l.contains("====> Training"))
                .map(l -> l.substring(0, l.indexOf(']'))).distinct().count() < 2) {
            assertTrue(parent.isAlive() && System.nanoTime() < deadline, "two jobs training: " + Files.readString(log));
            Thread.sleep(100);
        }
        List<ProcessHandle> workers = parent.children()
                .filter(h -> h.info().command().map(c -> c.endsWith("java")).orElse(false)).toList();
        assertEquals(2, workers.size(), "two workers: " + Files.readString(log));
        for (ProcessHandle w : workers) {
            assertTrue(w.isAlive() && w.parent().map(ProcessHandle::pid).orElse(-1L) == parent.pid(),
                    "worker " + w.pid() + " alive, the parent's");
        }
        return workers;
    }

    @Test
    void aChildSkipsJavaCppsResidentMemoryCheckUnlessTheCommandLineSetsIt() {
        List<String> plain = ChildJvm.builder("rnnlab.Main", Map.of(), List.of()).command();
        assertTrue(plain.contains("-D" + ChildJvm.PHYSICAL_BYTES + "=0"), String.join(" ", plain));
        List<String> set = ChildJvm.builder("rnnlab.Main", Map.of(ChildJvm.PHYSICAL_BYTES, "12g"), List.of()).command();
        assertEquals(List.of("-D" + ChildJvm.PHYSICAL_BYTES + "=12g"),
                set.stream().filter(a -> a.startsWith("-D" + ChildJvm.PHYSICAL_BYTES)).toList());
    }
}
