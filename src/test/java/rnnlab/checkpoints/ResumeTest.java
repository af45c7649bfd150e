package rnnlab.checkpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rnnlab.core.Config;
import rnnlab.core.Run;
import rnnlab.jobs.ChildJvm;

/**
 * A real run killed with SIGKILL in the middle of its training, run again with the same command, ends with the
 * numbers of a run never interrupted; a corrupt checkpoint and one from other settings are reported and not used.
 */
class ResumeTest {
    static final Map<String, String> RUN = Map.of("exp", "JayChouRnn", "profile", "quick", "epochs", "14", "hidden_size",
            "64", "pred_period", "7", "heldout_period", "7", "pred_len", "10", "fresh", "false");

    static ProcessBuilder command(Path out, Path checkpoints, Map<String, String> extra) {
        Map<String, String> run = new LinkedHashMap<>(RUN);
        run.putAll(extra);
        return commandOf(out, checkpoints, run);
    }

    static ProcessBuilder commandOf(Path out, Path checkpoints, Map<String, String> run) {
        Map<String, String> props = new LinkedHashMap<>(ChildJvm.passedProperties());
        props.putAll(run);
        props.put("out", out.toString());
        props.put("checkpoints", checkpoints.toString());
        ProcessBuilder pb = ChildJvm.builder("rnnlab.Main", props, List.of("-Xmx1g"));
        pb.redirectErrorStream(true);
        return pb;
    }

    static String runToEnd(ProcessBuilder pb) throws Exception {
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** Every row of a results CSV but the timings. */
    static List<String> numbers(Path csv) throws Exception {
        return Files.readAllLines(csv).stream().filter(l -> !l.contains("seconds") && !l.contains("tokens_per_second")
                && !l.contains(",forward_ms,")).toList(); // DigitSumSrn's page times the SRN's forward pass
    }

    @Test
    void aKilledRunResumesToTheNumbersOfAnUninterruptedOne(@TempDir Path tmp) throws Exception {
        runToEnd(command(tmp.resolve("whole"), tmp.resolve("ck-whole"), Map.of()));
        List<String> whole = numbers(tmp.resolve("whole/JayChouRnn.csv"));
        assertTrue(whole.stream().anyMatch(l -> l.contains(",final,heldout_perplexity,")), String.join("\n", whole));

        Path ck = tmp.resolve("ck");
        Path dir = ck.resolve("JayChouRnn/quick");
        // killed at an epoch's checkpoint past the first and before the last (LmTrainer.checkpoint: epochs done first)
        Killed<Integer> cut = killWhen(command(tmp.resolve("cut"), ck, Map.of()), tmp.resolve("cut.log"), () -> {
            Path f = checkpoint(dir, "sampling-sequential");
            return f == null ? null : payload(f).readInt();
        }, done -> done >= 2 && done < 14);
        assertEquals(137, cut.process().exitValue(), "ended by SIGKILL: " + Files.readString(tmp.resolve("cut.log")));
        assertFalse(Files.exists(tmp.resolve("cut/runs/JayChouRnn/sampling=sequential;seed=0.txt")), "the job had not finished");

        String again = runToEnd(command(tmp.resolve("cut"), ck, Map.of()));
        assertTrue(again.contains("resuming after epoch " + cut.state() + " of 14"), again);
        assertEquals(whole, numbers(tmp.resolve("cut/JayChouRnn.csv")));
        assertTrue(Files.isRegularFile(tmp.resolve("cut/models/JayChouRnn_sampling-sequential_seed-0.zip")));

        // run once more: the job is finished, so nothing trains, and the files are the same
        String done = runToEnd(command(tmp.resolve("cut"), ck, Map.of()));
        assertTrue(done.contains("finished earlier") && !done.contains("====>"), done);
        assertEquals(whole, numbers(tmp.resolve("cut/JayChouRnn.csv")));

        // a cut-off record of the finished job is reported, and the finished checkpoint serves instead
        Path record = tmp.resolve("cut/runs/JayChouRnn/sampling=sequential;seed=0.txt");
        byte[] kept = Files.readAllBytes(record);
        Files.write(record, Arrays.copyOf(kept, kept.length - 30));
        String recordCut = runToEnd(command(tmp.resolve("cut"), ck, Map.of()));
        assertTrue(recordCut.contains("training it again") && recordCut.contains("finished earlier")
                && !recordCut.contains("====>"), recordCut);
        assertEquals(whole, numbers(tmp.resolve("cut/JayChouRnn.csv")));

        // a truncated checkpoint is reported and the job starts over, to the same numbers
        Files.delete(record);
        Path file = checkpoint(dir, "sampling-sequential");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        String restarted = runToEnd(command(tmp.resolve("cut"), ck, Map.of()));
        assertTrue(restarted.contains("truncated or corrupt; starting over") || restarted.contains("is corrupt"), restarted);
        assertEquals(whole, numbers(tmp.resolve("cut/JayChouRnn.csv")));

        // one written for other settings is not used (other settings keep their own file: put this one in its place)
        Map<String, String> lr = Map.of("lr", "0.002");
        String otherName = otherSettingsName(dir, file);
        Files.copy(file, dir.resolve(otherName), StandardCopyOption.REPLACE_EXISTING);
        String other = runToEnd(command(tmp.resolve("other"), ck, lr));
        assertTrue(other.contains("from other settings or other code; starting over"), other);
        assertFalse(numbers(tmp.resolve("other/JayChouRnn.csv")).equals(whole));
    }

    @Test
    void twoAttemptsOfOneJobAtOnceGiveOneResultAndNoTornFile(@TempDir Path tmp) throws Exception {
        // as Spark's speculative execution or a retry beside a slow first attempt would: two processes train the
        // same job into one results folder and one checkpoint folder at the same time
        Map<String, String> shortRun = Map.of("epochs", "6", "pred_period", "3", "heldout_period", "3");
        runToEnd(command(tmp.resolve("alone"), tmp.resolve("ck-alone"), shortRun));
        List<String> alone = numbers(tmp.resolve("alone/JayChouRnn.csv"));
        Process first = command(tmp.resolve("both"), tmp.resolve("ck"), shortRun).start();
        Process second = command(tmp.resolve("both"), tmp.resolve("ck"), shortRun).start();
        String log1 = new String(first.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String log2 = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(first.waitFor(5, TimeUnit.MINUTES) && second.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, first.exitValue(), log1);
        assertEquals(0, second.exitValue(), log2);
        assertEquals(alone, numbers(tmp.resolve("both/JayChouRnn.csv")), "one result: the uninterrupted run's numbers");
        try (Stream<Path> files = Stream.concat(Files.walk(tmp.resolve("both")), Files.walk(tmp.resolve("ck")))) {
            assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".tmp")).toList(), "no file left half-written");
        }
        // what they left is whole: a third run reuses the finished job, reporting nothing amiss
        String third = runToEnd(command(tmp.resolve("both"), tmp.resolve("ck"), shortRun));
        assertTrue(third.contains("finished earlier") && third.contains("reused"), third);
        assertFalse(third.contains("cannot be read") || third.contains("checksum") || third.contains("not used"), third);
        assertEquals(alone, numbers(tmp.resolve("both/JayChouRnn.csv")));
    }

    @Test
    void aWordModelKilledWithinAnEpochResumesAtItsBatch(@TempDir Path tmp) throws Exception {
        killedWithinAnEpoch(tmp, "PtbWordRnn", "rnn", 35, Map.of());
    }

    /** Zaremba et al.'s stack, with dropout (its masks keyed by iteration) so that the resumed masks are checked too. */
    @Test
    void aZarembaModelWithDropoutKilledWithinAnEpochResumesAtItsBatch(@TempDir Path tmp) throws Exception {
        killedWithinAnEpoch(tmp, "PtbZarembaSmall", "small", 20, Map.of("dropout", "0.3", "hidden_size", "64"));
    }

    private static void killedWithinAnEpoch(Path tmp, String exp, String model, int steps, Map<String, String> extra)
            throws Exception {
        Map<String, String> ptb = new LinkedHashMap<>(Map.of("exp", exp, "profile", "quick", "fresh", "false",
                "max_train_tokens", "21000", "max_eval_tokens", "7000", "epochs", "2", "gen_len", "5",
                "checkpoint_every", "0"));
        ptb.putAll(extra);
        Map<String, String> whole = new LinkedHashMap<>(ptb);
        whole.put("checkpoint_every", "100000");
        runToEnd(commandOf(tmp.resolve("whole"), tmp.resolve("ck-whole"), whole));
        List<String> expected = numbers(tmp.resolve("whole/" + exp + ".csv"));

        Path ck = tmp.resolve("ck");
        Path dir = ck.resolve(exp + "/quick");
        Path log = tmp.resolve("cut.log");
        String job = exp + " model=" + model + ";seed=0";
        // killed once a checkpoint a few batches into an epoch is on disk and the epoch's end is not in the log
        Killed<int[]> cut = killWhen(commandOf(tmp.resolve("cut"), ck, ptb), log, () -> {
            Path f = checkpoint(dir, "model-" + model);
            if (f == null) {
                return null;
            }
            DataInputStream in = payload(f);
            int[] at = {in.readInt(), in.readInt()}; // PtbWordLm.Resume: epochs done, the next batch
            return Files.readString(log).contains(job + " epoch= " + at[0] + " ") ? null : at;
        }, at -> at[1] >= 3);
        assertEquals(137, cut.process().exitValue(), "ended by SIGKILL: " + Files.readString(log));
        int batches = Integer.parseInt(Files.readString(log).replaceAll(
                "(?s).*\\((\\d+) batches of " + steps + " steps\\).*", "$1"));
        int epoch = cut.state()[0];
        int batch = cut.state()[1];
        assertTrue(batch >= 3 && batch < batches, "inside the epoch: batch " + batch + " of " + batches);
        assertFalse(Files.readString(log).contains(job + " epoch= " + epoch + " "),
                "the epoch had not ended: " + Files.readString(log));
        assertFalse(Files.exists(tmp.resolve("cut/runs/" + exp + "/model=" + model + ";seed=0.txt")),
                "the job had not finished");

        String again = runToEnd(commandOf(tmp.resolve("cut"), ck, ptb));
        assertTrue(again.contains("resuming at epoch " + (epoch + 1) + ", batch " + (batch + 1) + " of " + batches + " from "),
                "resumed where it was killed, epoch " + (epoch + 1) + " batch " + (batch + 1) + ": " + again);
        assertEquals(expected, numbers(tmp.resolve("cut/" + exp + ".csv")));
    }

    @Test
    void aDigitSumJobKilledMidRunResumesFromItsLastEpoch(@TempDir Path tmp) throws Exception {
        Map<String, String> ds = new LinkedHashMap<>(Map.of("exp", "DigitSumSrn", "profile", "quick", "fresh", "false",
                "lengths", "10", "seeds", "0", "epochs", "60", "eval_steps", "40"));
        runToEnd(commandOf(tmp.resolve("whole"), tmp.resolve("ck-whole"), ds));
        List<String> expected = numbers(tmp.resolve("whole/DigitSumSrn.csv"));
        assertTrue(expected.stream().anyMatch(l -> l.startsWith("length=10;seed=0,final,test_accuracy,")),
                String.join("\n", expected));

        Path ck = tmp.resolve("ck");
        Path dir = ck.resolve("DigitSumSrn/quick");
        Path log = tmp.resolve("cut.log");
        // killed at an epoch's checkpoint that holds a dev evaluation and a best model, some epochs before the end
        Killed<long[]> cut = killWhen(commandOf(tmp.resolve("cut"), ck, ds), log, () -> {
            Path f = checkpoint(dir, "length-10_seed-0");
            return f == null ? null : classifierState(payload(f));
        }, at -> at[1] >= 1 && at[2] >= 0 && at[0] < 60);
        assertEquals(137, cut.process().exitValue(), "ended by SIGKILL: " + Files.readString(log));
        long epochs = cut.state()[0];
        long devEvaluations = cut.state()[1];
        long bestStep = cut.state()[2];
        assertTrue(epochs < 60 && devEvaluations >= 1 && bestStep >= 0, Arrays.toString(cut.state()));
        assertFalse(Files.exists(tmp.resolve("cut/runs/DigitSumSrn/length=10;seed=0.txt")), "the job had not finished");

        String again = runToEnd(commandOf(tmp.resolve("cut"), ck, ds));
        assertTrue(again.contains("resuming after epoch " + epochs + " of 60 (" + devEvaluations
                + " dev evaluations so far, the best at step " + bestStep + ") from "),
                "resumed after epoch " + epochs + " and its dev evaluations: " + again);
        assertEquals(expected, numbers(tmp.resolve("cut/DigitSumSrn.csv")));
    }

    /** A process ended by SIGKILL, and the state it was in then. */
    record Killed<T>(Process process, T state) {
    }

    /** Reads a running job's state from its files, or null when it has none to show yet. */
    interface State<T> {
        T read() throws Exception;
    }

    /**
     * Starts {@code pb} with its output to {@code log} and kills it with SIGKILL at a point it is seen to have reached:
     * whenever {@code state} reads a state that is {@code ready}, the process is stopped (SIGSTOP), so its files hold
     * still, and the state read again; still ready, it is killed there, else it goes on (SIGCONT). Returns the killed
     * process and the state it was killed in; fails if it ends first (or after three minutes, a safety net).
     */
    static <T> Killed<T> killWhen(ProcessBuilder pb, Path log, State<T> state, Predicate<T> ready)
            throws Exception {
        Process p = pb.redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        try {
            while (true) {
                assertTrue(p.isAlive() && System.nanoTime() < deadline, "ended before the point: " + Files.readString(log));
                T seen = state.read();
                if (seen != null && ready.test(seen)) {
                    signal(p, "STOP");
                    T held = state.read();
                    if (held != null && ready.test(held)) {
                        p.destroyForcibly(); // SIGKILL, which a stopped process takes at once
                        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
                        return new Killed<>(p, held);
                    }
                    signal(p, "CONT");
                }
                Thread.sleep(20);
            }
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }

    /** Sends {@code signal} (STOP, CONT) to {@code p}. */
    static void signal(Process p, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
        assertTrue(kill.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, kill.exitValue(), "kill -" + signal);
    }

    /** A checkpoint file's payload, checked whole ({@link Checkpoint#write}'s layout: magic, key, payload, SHA-1). */
    static DataInputStream payload(Path file) throws Exception {
        byte[] all = Files.readAllBytes(file);
        assertTrue(Arrays.equals(Checkpoint.sha1(Arrays.copyOf(all, all.length - 20)),
                Arrays.copyOfRange(all, all.length - 20, all.length)), "a whole checkpoint: " + file);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(all));
        in.readUTF();
        in.skipNBytes(in.readInt());
        in.readInt();
        return in;
    }

    /** A DigitSum checkpoint's ({@code ClassifierRunner.checkpoint}) epochs done, dev evaluations and best step. */
    static long[] classifierState(DataInputStream in) throws Exception {
        int epochs = in.readInt();
        in.readDouble(); // training seconds
        in.readDouble(); // best score
        long bestStep = in.readLong();
        in.skipNBytes(16L * in.readInt()); // every step's loss
        in.skipNBytes(16L * in.readInt()); // the dev losses
        return new long[] {epochs, in.readInt(), bestStep}; // the dev scores' count
    }

    /** The checkpoint in {@code dir} whose name starts with {@code prefix}, or null. */
    static Path checkpoint(Path dir, String prefix) throws Exception {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().startsWith(prefix) && f.toString().endsWith(".ckpt")).findFirst()
                    .orElse(null);
        }
    }

    /** The file name a run with lr=0.002 would look for: the hash of its settings, computed as the suite does. */
    static String otherSettingsName(Path dir, Path mine) throws Exception {
        Config c = Config.load(Path.of("experiments"), "JayChouRnn", "quick",
                merged(Map.of("lr", "0.002")));
        Run run = new Run("JayChouRnn", c, Path.of("").toAbsolutePath(), dir);
        return Checkpoint.file(run, "sampling=sequential;seed=0").getFileName().toString();
    }

    static Map<String, String> merged(Map<String, String> extra) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : RUN.entrySet()) {
            if (!List.of("exp", "profile", "fresh").contains(e.getKey())) {
                m.put(e.getKey(), e.getValue());
            }
        }
        m.putAll(extra);
        return m;
    }
}
