package rnnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rnnlab.core.ResultsCsv;

/**
 * The reference scripts' table ({@code reference/pytorch/common.py}'s {@code Table}), which several processes fill at
 * once under {@code -Dexp=settle} and which a session's end kills at any moment: a line cut off by a kill is dropped
 * with its run, a run being trained is claimed so that no second process trains it (and a killed claimant frees it),
 * and a run appended twice keeps one set of rows. Runs Debian's python3 on the real module (no torch needed).
 */
class ReferenceTableTest {
    private static final Path PROJECT = Path.of("").toAbsolutePath();
    private static final String HEADER = "setting,epoch,metric,value\n";

    /** A Python process with the reference's module importable, its output merged into one stream. */
    private static Process python(Path out, String code) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(python3(), "-c", "import common\n" + code);
        pb.environment().put("PYTHONPATH", PROJECT.resolve("reference/pytorch").toString());
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1"); // no __pycache__ in the source tree
        return pb.directory(out.toFile()).redirectErrorStream(true).start();
    }

    private static String python3() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3"; // reference/run's
    }

    private static String run(Path out, String code) throws Exception {
        Process p = python(out, code);
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python did not end: " + said);
        assertEquals(0, p.exitValue(), said);
        return said;
    }

    @Test
    void aLineCutOffByAKillIsDroppedWithItsRunAndTheTableStaysReadable(@TempDir Path out) throws Exception {
        // seed=0 whole; seed=1's rows written but its wall_seconds line cut off inside its number, without a newline
        Files.writeString(out.resolve("T.csv"), HEADER + "seed=0,1,loss,0.5\nseed=0,final,wall_seconds,12.5\n"
                + "seed=1,1,loss,0.25\nseed=1,final,wall_seconds,1");
        String said = run(out, "t = common.Table('.', 'T')\nprint(sorted(t.done))\n"
                + "print(t.has('seed=1'))\nt.append('seed=1', [(1, 'loss', 0.125)], 3.25)\n");
        assertTrue(said.startsWith("['seed=0']\nFalse\n"), said);
        assertEquals(HEADER + "seed=0,1,loss,0.5\nseed=0,final,wall_seconds,12.5\n"
                + "seed=1,1,loss,0.125\nseed=1,final,wall_seconds,3.2\n", Files.readString(out.resolve("T.csv")));
        ResultsCsv read = ResultsCsv.read(out.resolve("T.csv")); // rnnlab's strict reader takes it
        assertEquals(4, read.rows().size());
        assertEquals(1, Files.readAllLines(out.resolve("machines.csv")).stream().filter(l -> l.startsWith("T,seed=1,"))
                .count());
    }

    @Test
    void aRunBeingTrainedIsClaimedUntilItsProcessIsKilled(@TempDir Path out) throws Exception {
        // a process that claims seed=0 and then trains on (waits) until killed
        Process holder = python(out, "t = common.Table('.', 'T')\nprint('claimed' if not t.has('seed=0') else 'no', "
                + "flush=True)\nimport time\ntime.sleep(600)\n");
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("claimed", r.readLine());
            String said = run(out, "t = common.Table('.', 'T')\nprint(t.has('seed=0'), t.has('seed=1'))\n");
            assertTrue(said.contains("[T] seed=0 is being run by another process; skipped"), said);
            assertTrue(said.endsWith("True False\n"), said);
        } finally {
            holder.destroyForcibly();
        }
        assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        // killed mid-run: its claim is free, and its run still to do
        assertEquals("False\n", run(out, "t = common.Table('.', 'T')\nprint(t.has('seed=0'))\n"));
        assertTrue(Files.notExists(out.resolve("T.csv")), "nothing was appended");
    }

    @Test
    void badSeedsSayWhatWouldBeRight(@TempDir Path out) throws Exception {
        String said = run(out, "import argparse\nfor text in ['abc', '1..2..3', '-1', '']:\n    try:\n"
                + "        common.seeds(text)\n    except argparse.ArgumentTypeError as e:\n        print(e)\n"
                + "print(common.seeds('0..2,7'))\n");
        assertEquals("expected seeds such as 0..4 or 0,1,2 (whole numbers from 0), got 'abc'\n"
                + "expected seeds such as 0..4 or 0,1,2 (whole numbers from 0), got '1..2..3'\n"
                + "expected seeds such as 0..4 or 0,1,2 (whole numbers from 0), got '-1'\n"
                + "expected seeds such as 0..4 or 0,1,2 (whole numbers from 0), got ''\n[0, 1, 2, 7]\n", said);
    }

    @Test
    void aRunFinishedByTwoProcessesKeepsOneSetOfRows(@TempDir Path out) throws Exception {
        // two tables (as two processes) that each started seed=0 before the other had claimed it, as a second
        // reference/run started before the claims were taken would have
        String said = run(out, "a = common.Table('.', 'T')\nb = common.Table('.', 'T')\n"
                + "a.append('seed=0', [(1, 'loss', 0.5)], 2)\nb.append('seed=0', [(1, 'loss', 0.75)], 3)\n"
                + "print(sorted(b.done))\n");
        assertTrue(said.contains("[T] seed=0 was finished by another process meanwhile; kept its rows"), said);
        assertEquals(HEADER + "seed=0,1,loss,0.5\nseed=0,final,wall_seconds,2\n", Files.readString(out.resolve("T.csv")));
        List<String> machines = new ArrayList<>(Files.readAllLines(out.resolve("machines.csv")));
        assertEquals(List.of("experiment,setting,machine"), machines.subList(0, 1));
        assertEquals(2, machines.size(), "one machine line a run: " + machines);
    }
}
