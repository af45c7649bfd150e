package rnnlab.checkpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rnnlab.core.Config;
import rnnlab.core.Run;
import rnnlab.jobs.JobResult;
import rnnlab.report.ResultsCsv;

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
}
