package rnnlab.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import rnnlab.core.Faults;
import rnnlab.jobs.Workers;

/**
 * A real Spark standalone cluster on this machine, started and stopped by the README's recipe ({@code bin/cluster}):
 * a master and two workers, each its own JVM bound to a loopback address (127.0.0.1 and 127.0.0.2, two hosts to
 * Spark), authenticated with a shared secret, one core each; the driver submits with a checkpoint folder both
 * workers share. Kills are real SIGKILLs of the workers' and executors' processes. No JVM is left behind.
 */
class ClusterTest {
    private static final Path PROJECT = Path.of("").toAbsolutePath();
    /**
     * The run every test submits a part of: DigitSumSrn's quick profile at two lengths and two seeds, 200 epochs, so
     * that a job trains for seconds after its first checkpoint (at 40 a quiet machine finished a job, and deleted its
     * checkpoint, between the test seeing the checkpoint and the kill, and the retry rightly trained afresh).
     */
    private static final List<String> RUN = List.of("-Dexp=DigitSumSrn", "-Dprofile=quick", "-Dlengths=10,35",
            "-Dseeds=0,1", "-Depochs=200");
    private static Path tmp;
    private static Path cluster;
    private static Path secret;
    private static String master;
    private static Path reference;
    /** Every JVM the tests saw started: master, workers and executors, checked gone at the end. */
    private static final Set<ProcessHandle> started = new LinkedHashSet<>();

    @BeforeAll
    static void startTheCluster() throws Exception {
        tmp = Files.createTempDirectory("rnnlab-cluster-test");
        cluster = tmp.resolve("cluster");
        secret = tmp.resolve("secret");
        Files.writeString(secret, "a-secret-" + System.nanoTime());
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        // what the executors need is built as a user builds it
        assertTrue(sh(Map.of(), "build").contains("target/spark.classpath"));
        master = sh(Map.of(), "master", cluster.toString(), "127.0.0.1", "0").strip();
        assertTrue(master.matches("spark://127\\.0\\.0\\.1:[0-9]+"), master);
        started.add(pid("master").orElseThrow());
        worker("w1", "127.0.0.1");
        worker("w2", "127.0.0.2");
        // the numbers to meet: the same run on two local worker JVMs
        reference = tmp.resolve("reference");
        List<String> cmd = new ArrayList<>(List.of("mvn", "-q", "-Pspark", "exec:java", "-Djobs=2", "-Dout=" + reference,
                "-Dcheckpoints=" + tmp.resolve("reference-checkpoints")));
        cmd.addAll(RUN);
        Process p = new ProcessBuilder(cmd).directory(PROJECT.toFile()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("reference.log").toFile()).start();
        assertEquals(0, p.waitFor(), Files.readString(tmp.resolve("reference.log")));
    }

    @AfterAll
    static void stopTheCluster() throws Exception {
        for (String w : List.of("w1", "w2")) {
            pid(w).ifPresent(h -> h.descendants().forEach(started::add));
        }
        try {
            sh(Map.of(), "stop", cluster.toString());
        } finally {
            List<ProcessHandle> alive = started.stream().filter(ProcessHandle::isAlive).toList();
            alive.forEach(ProcessHandle::destroyForcibly);
            assertEquals(List.of(), alive.stream().map(h -> h.pid() + " " + h.info().commandLine().orElse("")).toList(),
                    "JVMs left behind");
        }
    }

    /** A worker started without the master's secret is refused: one line, a non-zero exit, nothing registered. */
    @Test
    void aWorkerWithoutTheSecretIsRefused() throws Exception {
        Map<String, String> none = new HashMap<>();
        none.put("RNNLAB_SPARK_SECRET", "");
        Result r = run(none, "worker", cluster.toString(), master, "127.0.0.3", "intruder");
        assertNotEquals(0, r.code);
        assertTrue(r.out.contains("intruder: the master at " + master + " refused it (authentication"), r.out);
        pid("intruder").ifPresent(started::add);
        assertFalse(pid("intruder").map(ProcessHandle::isAlive).orElse(false), "the refused worker is stopped");
        String masterLog = Files.readString(cluster.resolve("master/logs/rnnlab.log"));
        assertTrue(masterLog.contains("Registering worker 127.0.0.2"), "the workers with the secret registered");
        assertFalse(masterLog.contains("Registering worker 127.0.0.3"), masterLog);
    }

    /**
     * A worker is SIGKILLed with its executor while its job trains, past a checkpoint; Spark runs the task again on
     * the other worker, which resumes from the job's checkpoint in the shared folder, and the run ends with the
     * CSV of two local workers, every row but the timings.
     */
    @Test
    void aWorkerKilledMidJobLosesNothing() throws Exception {
        ensureTwoWorkers();
        Path checkpoints = tmp.resolve("shared-checkpoints-kill");
        Path out = tmp.resolve("kill");
        try (Driver d = submit(out, checkpoints, List.of())) {
            killMidJob(d, checkpoints, out);
        }
    }

    private static void killMidJob(Driver d, Path checkpoints, Path out) throws Exception {
        // a job with a checkpoint that its executor is still training (under load a job's checkpoint can be found
        // as it finishes, and killing its executor then would stop the next job, which has none yet)
        String setting = null;
        String w = null;
        for (int i = 0; i < 30000 && w == null; i++) {
            List<Path> ckpts = List.of();
            if (Files.isDirectory(checkpoints)) {
                try (Stream<Path> s = Files.walk(checkpoints)) {
                    ckpts = s.filter(f -> f.toString().endsWith(".ckpt")).toList();
                } catch (IOException e) {
                    // a file renamed while listed: look again
                }
            }
            for (Path ckpt : ckpts) {
                String now = trainingNow(setting(ckpt));
                if (now != null) {
                    setting = setting(ckpt);
                    w = now;
                    break;
                }
            }
            d.alive();
            Thread.sleep(10);
        }
        assertTrue(w != null, "no executor trains a job with a checkpoint");
        ProcessHandle worker = pid(w).orElseThrow();
        List<ProcessHandle> executors = worker.descendants().toList();
        started.addAll(executors);
        assertFalse(executors.isEmpty());
        executors.forEach(ProcessHandle::destroyForcibly);
        worker.destroyForcibly();
        assertTrue(worker.onExit().get(30, TimeUnit.SECONDS) != null);
        String log = d.end();
        assertTrue(log.contains("DigitSumSrn " + setting + ": resuming after epoch "), log);
        assertTrue(log.matches("(?s).*task DigitSumSrn " + "\\Q" + setting + "\\E finished .*\\(attempt 2 on .*"), log);
        assertEquals(numbers(reference), numbers(out));
    }

    /**
     * An executor SIGKILLed while it writes a checkpoint (held half way by {@link Faults}): the half-written file is
     * reported and the retry resumes from the last whole checkpoint, to the local run's numbers.
     */
    @Test
    void aKillDuringACheckpointWriteLeavesTheLastWholeOne() throws Exception {
        ensureTwoWorkers();
        Path checkpoints = tmp.resolve("shared-checkpoints-write");
        Files.createDirectories(checkpoints);
        Path marker = checkpoints.resolve("stall");
        Path out = tmp.resolve("write");
        String flags = String.join(" ", Workers.executorFlags(1)) + " -D" + Faults.CHECKPOINT_STALL + "=" + marker;
        // one job, so that the one checkpoint written is the one held
        try (Driver d = submit(out, checkpoints, List.of("-Dlengths=10", "-Dseeds=0",
                "-Dspark.executor.extraJavaOptions=" + flags))) {
            killInAWrite(d, checkpoints, marker, out);
        }
    }

    private static void killInAWrite(Driver d, Path checkpoints, Path marker, Path out) throws Exception {
        awaitFile(checkpoints, marker::equals, d);
        Path half = awaitFile(checkpoints, f -> f.getFileName().toString().endsWith(".tmp"), d);
        String name = half.getFileName().toString();
        Path ckpt = half.resolveSibling(name.substring(1, name.indexOf(".ckpt") + ".ckpt".length()));
        String setting = setting(ckpt);
        // the executor that holds the write: the one whose job this is
        ProcessHandle worker = pid(workerRunning(setting, d)).orElseThrow();
        List<ProcessHandle> executors = worker.descendants().toList();
        started.addAll(executors);
        assertFalse(executors.isEmpty());
        executors.forEach(ProcessHandle::destroyForcibly);
        String log = d.end();
        assertTrue(log.contains("a partly written checkpoint " + half), log);
        assertTrue(log.contains("DigitSumSrn " + setting + ": resuming after epoch "), log);
        Predicate<String> job = l -> l.startsWith(setting + ",");
        List<String> expected = numbers(reference).stream().filter(job).toList();
        assertTrue(expected.size() > 10);
        assertEquals(expected, numbers(out).stream().filter(job).toList());
    }

    /** A run's DigitSumSrn CSV but its timings (the SRN's forward-pass times too). */
    static List<String> numbers(Path out) throws Exception {
        return SparkRunnerTest.numbers(out.resolve("DigitSumSrn.csv")).stream().filter(l -> !l.contains("forward_ms"))
                .toList();
    }

    /** The setting a checkpoint file is of ({@code length-35_seed-0-HASH.ckpt} is {@code length=35;seed=0}). */
    static String setting(Path ckpt) {
        String n = ckpt.getFileName().toString();
        return n.substring(0, n.lastIndexOf('-')).replace('_', ';').replace('-', '=');
    }

    /** The worker whose executor trains {@code setting}: its executor's output says so. */
    static String workerRunning(String setting, Driver d) throws Exception {
        for (int i = 0; i < 6000; i++) {
            String w = trainingNow(setting);
            if (w != null) {
                return w;
            }
            d.alive();
            Thread.sleep(20);
        }
        throw new AssertionError("no executor trains " + setting);
    }

    /**
     * The worker whose executor's last job started is {@code setting} (its output's last banner), or null; only the
     * newest application's executors count (work/APP/EXECUTOR/stdout, APP named by its start time): an earlier
     * test's executors on the same workers ended on banners of their own.
     */
    static String trainingNow(String setting) throws IOException {
        String[] parts = setting.split(";");
        String banner = "data of length " + parts[0].split("=")[1] + ", seed " + parts[1].split("=")[1];
        String newest = "";
        for (String w : List.of("w1", "w2")) {
            Path work = cluster.resolve(w).resolve("work");
            if (Files.isDirectory(work)) {
                try (Stream<Path> apps = Files.list(work)) {
                    for (Path app : apps.toList()) {
                        String name = app.getFileName().toString();
                        newest = name.compareTo(newest) > 0 ? name : newest;
                    }
                }
            }
        }
        for (String w : List.of("w1", "w2")) {
            Path work = cluster.resolve(w).resolve("work").resolve(newest);
            if (!newest.isEmpty() && Files.isDirectory(work)) {
                try (Stream<Path> s = Files.walk(work)) {
                    for (Path f : s.filter(f -> f.getFileName().toString().equals("stdout")).toList()) {
                        String text = Files.readString(f);
                        int last = text.lastIndexOf("data of length ");
                        if (last >= 0 && text.startsWith(banner, last)) {
                            return w;
                        }
                    }
                } catch (IOException e) {
                    // an executor's folder changing while listed: look again
                }
            }
        }
        return null;
    }

    static Path awaitFile(Path dir, Predicate<Path> which, Driver d) throws Exception {
        for (int i = 0; i < 30000; i++) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.walk(dir)) {
                    Optional<Path> f = s.filter(which).findFirst();
                    if (f.isPresent()) {
                        return f.get();
                    }
                } catch (IOException e) {
                    // a file renamed while listed: look again
                }
            }
            d.alive();
            Thread.sleep(10);
        }
        throw new AssertionError("no such file in " + dir);
    }

    static void ensureTwoWorkers() throws Exception {
        for (String[] w : List.of(new String[] {"w1", "127.0.0.1"}, new String[] {"w2", "127.0.0.2"})) {
            if (pid(w[0]).filter(ProcessHandle::isAlive).isEmpty()) {
                worker(w[0], w[1]);
            }
        }
    }

    static void worker(String name, String host) throws Exception {
        assertTrue(sh(Map.of(), "worker", cluster.toString(), master, host, name).contains(
                "Successfully registered with master " + master));
        started.add(pid(name).orElseThrow());
    }

    /** The JVM {@code bin/cluster} started as {@code name}, if it is still there. */
    static Optional<ProcessHandle> pid(String name) throws IOException {
        return ProcessHandle.of(Long.parseLong(Files.readString(cluster.resolve(name + ".pid")).strip()));
    }

    /** The driver: {@code bin/cluster submit}, as the README gives it. */
    static Driver submit(Path out, Path checkpoints, List<String> more) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(PROJECT.resolve("bin/cluster").toString(), "submit", master));
        cmd.addAll(RUN);
        cmd.addAll(List.of("-Dout=" + out, "-Dcheckpoints=" + checkpoints, "-Drnnlab.log.dir=" + out.resolve("logs")));
        cmd.addAll(more);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Files.createDirectories(out);
        Path log = out.resolve("driver.log");
        pb.redirectOutput(log.toFile());
        env(pb, Map.of("SPARK_LOCAL_IP", "127.0.0.1"));
        Process p = pb.start();
        started.add(p.toHandle());
        return new Driver(p, log);
    }

    record Driver(Process p, Path log) implements AutoCloseable {
        /** Whatever happened, the driver and its child JVM end with the test. */
        @Override
        public void close() {
            p.descendants().forEach(h -> {
                started.add(h);
                h.destroyForcibly();
            });
            p.destroyForcibly();
        }

        void alive() throws IOException {
            if (!p.isAlive()) {
                throw new AssertionError("the driver ended early: " + Files.readString(log));
            }
        }

        String end() throws Exception {
            p.descendants().forEach(started::add);
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                close();
            }
            String text = Files.readString(log);
            assertEquals(0, p.exitValue(), text);
            return text;
        }
    }

    record Result(int code, String out) {
    }

    static String sh(Map<String, String> env, String... args) throws Exception {
        Result r = run(env, args);
        assertEquals(0, r.code, r.out);
        return r.out;
    }

    static Result run(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PROJECT.resolve("bin/cluster").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(PROJECT.toFile()).redirectErrorStream(true);
        env(pb, env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    static void env(ProcessBuilder pb, Map<String, String> env) {
        pb.environment().put("RNNLAB_SPARK_SECRET", secret.toString());
        pb.environment().putAll(env);
    }
}
