package rnnlab.checkpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import rnnlab.core.Config;
import rnnlab.core.JobResult;
import rnnlab.core.ResultsCsv;
import rnnlab.core.Run;

/** A finished job's kept result: read back as written, and refused when cut off, altered or of other settings. */
class FinishedJobsTest {
    private String fresh;

    @org.junit.jupiter.api.BeforeEach
    void notFresh() {
        fresh = System.getProperty("fresh"); // the build runs tests with -Dfresh=true
        System.setProperty("fresh", "false");
    }

    @org.junit.jupiter.api.AfterEach
    void restore() {
        if (fresh == null) {
            System.clearProperty("fresh");
        } else {
            System.setProperty("fresh", fresh);
        }
    }

    static Run run(Path out, Map<String, String> overrides) {
        Config c = Config.load(Path.of("experiments"), "JayChouRnn", "quick", overrides);
        return new Run("JayChouRnn", c, Path.of("").toAbsolutePath(), out);
    }

    static JobResult result() {
        ResultsCsv rows = new ResultsCsv().add("sampling=sequential;seed=1", "1", "perplexity", 12.5)
                .addFinal("sampling=sequential;seed=1", "perplexity", 3.25);
        return new JobResult("sampling=sequential;seed=1", rows,
                Map.of("epoch 10", List.of("分开 我\\n想", "line two, with a comma")), true);
    }

    @Test
    void aResultReadsBackAsWritten(@TempDir Path tmp) throws Exception {
        Run run = run(tmp, Map.of());
        FinishedJobs.write(run, result());
        Path file = tmp.resolve("runs/JayChouRnn/sampling=sequential;seed=1.txt");
        assertTrue(Files.isRegularFile(file));
        // the record names the machine it ran on, after the texts and before the checksum
        List<String> lines = Files.readAllLines(file);
        assertTrue(lines.get(lines.size() - 2).startsWith("machine ") && lines.get(lines.size() - 2).contains("cores, OpenBLAS core"),
                lines.get(lines.size() - 2));
        List<String> said = new ArrayList<>();
        JobResult back = FinishedJobs.read(run, "sampling=sequential;seed=1", said::add).orElseThrow();
        assertEquals(result().rows().text(), back.rows().text());
        assertEquals(result().texts(), back.texts());
        assertTrue(back.finished());
        assertEquals(List.of(), said);
        // more seeds for the same run leave it valid: a job's seed is in its setting
        assertTrue(FinishedJobs.read(run(tmp, Map.of("seeds", "0..4")), "sampling=sequential;seed=1", said::add).isPresent());
    }

    @Test
    void aCutOffAlteredOrForeignResultIsReportedAndNotUsed(@TempDir Path tmp) throws Exception {
        Run run = run(tmp, Map.of());
        FinishedJobs.write(run, result());
        Path file = FinishedJobs.file(run, "sampling=sequential;seed=1");
        String whole = Files.readString(file);
        List<String> said = new ArrayList<>();

        assertTrue(FinishedJobs.read(run(tmp, Map.of("lr", "0.002")), "sampling=sequential;seed=1", said::add).isEmpty());
        assertTrue(said.get(0).contains("of other settings"), said.toString());

        Files.writeString(file, whole.substring(0, whole.length() / 2));
        assertTrue(FinishedJobs.read(run, "sampling=sequential;seed=1", said::add).isEmpty());
        assertTrue(said.get(1).contains("cut off") || said.get(1).contains("checksum"), said.toString());

        Files.writeString(file, whole.replace("12.5", "12.6"));
        assertTrue(FinishedJobs.read(run, "sampling=sequential;seed=1", said::add).isEmpty());
        assertTrue(said.get(2).contains("fails its checksum"), said.toString());

        Files.writeString(file, whole);
        System.setProperty("fresh", "true");
        assertTrue(FinishedJobs.read(run, "sampling=sequential;seed=1", said::add).isEmpty(), "-Dfresh=true trains again");
        assertEquals(3, said.size());
    }

    @Test
    void severalTextsOfSeveralLinesReadBackInOrder(@TempDir Path tmp) throws Exception {
        Run run = run(tmp, Map.of());
        Map<String, List<String>> texts = new LinkedHashMap<>();
        texts.put("epoch 10", List.of("one", "two", "three"));
        texts.put("epoch 20", List.of());
        texts.put("epoch 30", List.of("text 1 x", "last"));
        ResultsCsv rows = new ResultsCsv().add("sampling=sequential;seed=1", "1", "perplexity", 12.5)
                .add("sampling=sequential;seed=1", "2", "perplexity", 11.5)
                .addFinal("sampling=sequential;seed=1", "perplexity", 3.25);
        FinishedJobs.write(run, new JobResult("sampling=sequential;seed=1", rows, texts, true));
        List<String> said = new ArrayList<>();
        JobResult back = FinishedJobs.read(run, "sampling=sequential;seed=1", said::add).orElseThrow();
        assertEquals(rows.text(), back.rows().text());
        assertEquals(texts, back.texts());
        assertEquals(List.copyOf(texts.keySet()), List.copyOf(back.texts().keySet()));
        assertEquals(List.of(), said);
    }

    @Test
    void theRecordsKeyIsTheSha1OfWhatTheJobDependsOn(@TempDir Path tmp) throws Exception {
        Run run = run(tmp, Map.of("lr", "0.5"));
        String k = "JayChouRnn|quick|sampling=sequential;seed=1|" + Checkpoint.values(run) + "|" + FinishedJobs.NUMERICS;
        String sha = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-1").digest(k.getBytes(StandardCharsets.UTF_8)));
        assertEquals(sha, FinishedJobs.key(run, "sampling=sequential;seed=1"));
        FinishedJobs.write(run, result());
        List<String> lines = Files.readAllLines(FinishedJobs.file(run, "sampling=sequential;seed=1"));
        assertEquals(List.of("rnnlab-finished-job 1", "key " + sha, "experiment JayChouRnn",
                "setting sampling=sequential;seed=1", "rows 2"), lines.subList(0, 5));
        assertEquals(tmp.resolve("runs/JayChouRnn/sampling=sequential;seed=1.txt"),
                FinishedJobs.file(run, "sampling=sequential;seed=1"));
    }

    @Test
    void anUnfinishedJobIsNotKept(@TempDir Path tmp) {
        Run run = run(tmp, Map.of());
        JobResult unfinished = new JobResult("sampling=sequential;seed=1", new ResultsCsv(), Map.of(), false);
        Assertions.assertThrows(IllegalArgumentException.class,
                () -> FinishedJobs.write(run, unfinished));
        assertTrue(Files.notExists(FinishedJobs.file(run, "sampling=sequential;seed=1")));
    }

    @Test
    void aWholeButUnparsableRecordIsReportedAndNotUsed(@TempDir Path tmp) throws Exception {
        Run run = run(tmp, Map.of());
        FinishedJobs.write(run, result());
        Path file = FinishedJobs.file(run, "sampling=sequential;seed=1");
        String whole = Files.readString(file);
        // a body that passes its checksum but says "rows many"
        String body = whole.substring(0, whole.lastIndexOf("sha1 ")).replace("rows 2", "rows many");
        String sum = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                .digest(body.getBytes(StandardCharsets.UTF_8)));
        Files.writeString(file, body + "sha1 " + sum + "\n");
        List<String> said = new ArrayList<>();
        assertTrue(FinishedJobs.read(run, "sampling=sequential;seed=1", said::add).isEmpty());
        assertEquals(1, said.size());
        assertTrue(said.get(0).startsWith("kept result " + file + " cannot be read (") && said.get(0).endsWith(")"),
                said.toString());
        // no trailing newline: cut off
        Files.writeString(file, whole.substring(0, whole.length() - 1));
        assertTrue(FinishedJobs.read(run, "sampling=sequential;seed=1", said::add).isEmpty());
        assertTrue(said.get(1).contains("is cut off or not one of this suite's"), said.toString());
        // another header: not ours
        Files.writeString(file, whole.replace("rnnlab-finished-job 1", "rnnlab-finished-job 0"));
        assertTrue(FinishedJobs.read(run, "sampling=sequential;seed=1", said::add).isEmpty());
        assertTrue(said.get(2).contains("is cut off or not one of this suite's"), said.toString());
    }

    @Test
    void freshIgnoresKeptResultsButInThePagesPass(@TempDir Path tmp) throws Exception {
        Run run = run(tmp, Map.of());
        FinishedJobs.write(run, result());
        System.setProperty("fresh", "true");
        List<String> said = new ArrayList<>();
        assertTrue(FinishedJobs.read(run, "sampling=sequential;seed=1", said::add).isEmpty());
        // the pass that writes the pages of jobs this command ran reads what they kept
        assertTrue(FinishedJobs.read(run, "sampling=sequential;seed=1", true, said::add).isPresent());
        assertEquals(List.of(), said);
    }

    @Test
    void reuseSaysOnTheLogWhatItReusedOrWhyNot(@TempDir Path tmp) throws Exception {
        Run run = run(tmp, Map.of());
        Logger log = (Logger) LoggerFactory.getLogger("reuse-test");
        ListAppender<ILoggingEvent> lines =
                new ListAppender<>();
        lines.start();
        log.addAppender(lines);
        log.setLevel(Level.INFO);
        try {
            assertTrue(FinishedJobs.reuse(run, "sampling=sequential;seed=1", false, log).isEmpty());
            assertEquals(0, lines.list.size(), "nothing kept, nothing said");
            FinishedJobs.write(run, result());
            JobResult back = FinishedJobs.reuse(run, "sampling=sequential;seed=1", false, log).orElseThrow();
            assertEquals(result().rows().text(), back.rows().text());
            assertEquals("JayChouRnn sampling=sequential;seed=1: finished earlier ("
                    + FinishedJobs.file(run, "sampling=sequential;seed=1") + "); reused",
                    lines.list.get(0).getFormattedMessage());
            Path file = FinishedJobs.file(run, "sampling=sequential;seed=1");
            Files.writeString(file, Files.readString(file).replace("12.5", "12.6"));
            assertTrue(FinishedJobs.reuse(run, "sampling=sequential;seed=1", false, log).isEmpty());
            assertEquals("JayChouRnn sampling=sequential;seed=1: kept result " + file + " fails its checksum; training "
                    + "it again", lines.list.get(1).getFormattedMessage());
            assertEquals(2, lines.list.size());
        } finally {
            log.detachAppender(lines);
        }
    }

    /**
     * Every committed finished job is one its command reuses: the key in each file of {@code results/runs/} is the key
     * of the experiment's full profile with no override (of {@code results/same-starts/runs/}: with
     * {@code start=tutorial}), so a setting added to a properties file that changes no number leaves them valid.
     */
    @Test
    void everyCommittedFinishedJobIsKeyedAsItsCommandRunsIt() throws Exception {
        Path project = Path.of("").toAbsolutePath();
        int checked = 0;
        for (Map.Entry<Path, Map<String, String>> out : Map.of(project.resolve("results"), Map.<String, String>of(),
                project.resolve("results").resolve("same-starts"), Map.of("start", "tutorial")).entrySet()) {
            Path runs = out.getKey().resolve("runs");
            if (!Files.isDirectory(runs)) {
                continue;
            }
            List<Path> experiments;
            try (var s = Files.list(runs)) {
                experiments = s.filter(Files::isDirectory).sorted().toList();
            }
            for (Path dir : experiments) {
                String name = dir.getFileName().toString();
                Run run = new Run(name, Config.load(project.resolve("experiments"), name, "full", out.getValue()), project,
                        out.getKey());
                List<Path> files;
                try (var s = Files.list(dir)) {
                    files = s.filter(f -> f.toString().endsWith(".txt")).sorted().toList();
                }
                for (Path f : files) {
                    String setting = f.getFileName().toString().replaceFirst("\\.txt$", "");
                    List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                    assertEquals("key " + FinishedJobs.key(run, setting), lines.get(1), f.toString());
                    checked++;
                }
            }
        }
        assertTrue(checked > 300, "the committed finished jobs: " + checked);
    }
}
