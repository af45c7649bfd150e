package rnnlab.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import rnnlab.checkpoints.Checkpoint;
import rnnlab.checkpoints.FinishedJobs;
import rnnlab.core.JobResult;
import rnnlab.core.Cli;
import rnnlab.core.Config;
import rnnlab.core.JobScope;
import rnnlab.core.ResultsCsv;
import rnnlab.core.Run;
import rnnlab.train.EpochTraining;

/** A job's lifecycle: reused when finished, left to its worker, restored from its checkpoint, trained, kept. */
class JobRunTest {
    private static final String SETTING = "sampling=sequential;seed=1";
    private final Map<String, String> saved = new HashMap<>();

    @BeforeEach
    void properties(@TempDir Path tmp) {
        for (String k : List.of("fresh", "checkpoints")) {
            saved.put(k, System.getProperty(k));
        }
        System.setProperty("fresh", "false");
        System.setProperty("checkpoints", tmp.resolve("ck").toString());
    }

    @AfterEach
    void restore() {
        saved.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    static Run run(Path out) {
        Config c = Config.load(Path.of("experiments"), "JayChouRnn", "quick", Map.of());
        return new Run("JayChouRnn", c, Path.of("").toAbsolutePath(), out);
    }

    /** Three epochs; the second is worth rewriting the pages for; the checkpoint is the epochs done. */
    static final class Counting implements EpochTraining, JobRun.Job {
        final List<String> calls;
        int done;

        Counting(List<String> calls) {
            this.calls = calls;
            calls.add("start");
        }

        @Override
        public int epochs() {
            return 3;
        }

        @Override
        public int epochsDone() {
            return done;
        }

        @Override
        public String restore(byte[] checkpoint) {
            done = checkpoint[0];
            calls.add("restore " + done);
            return "after epoch " + done;
        }

        @Override
        public boolean trainEpoch(Within within) {
            done++;
            calls.add("epoch " + done);
            return done == 2;
        }

        @Override
        public byte[] checkpoint() {
            calls.add("checkpoint " + done);
            return new byte[] {(byte) done};
        }

        @Override
        public EpochTraining training() {
            return this;
        }

        @Override
        public String banner() {
            return "counting";
        }

        @Override
        public JobResult progress() {
            return new JobResult(SETTING, new ResultsCsv().add(SETTING, "1", "epochs", done), Map.of(), false);
        }

        @Override
        public JobResult finish() {
            calls.add("finish");
            return new JobResult(SETTING, new ResultsCsv().addFinal(SETTING, "epochs", done), Map.of(), true);
        }

        @Override
        public void save() {
            calls.add("save");
        }
    }

    private static JobRun jobs(Run run, JobScope scope, List<String> calls) {
        return new JobRun(run, scope, List.of(SETTING), LoggerFactory.getLogger(JobRunTest.class),
                results -> calls.add("pages " + results.size() + (results.get(results.size() - 1).finished() ? "" : " running")));
    }

    @Test
    void aJobTrainsEpochByEpochWithACheckpointAfterEachAndIsKept(@TempDir Path tmp) throws Exception {
        Run run = run(tmp.resolve("out"));
        List<String> calls = new ArrayList<>();
        JobRun jobs = jobs(run, JobScope.ALL, calls);
        jobs.run(SETTING, () -> new Counting(calls));
        assertEquals(List.of("start", "epoch 1", "checkpoint 1", "epoch 2", "pages 1 running", "checkpoint 2", "epoch 3",
                "checkpoint 3", "finish", "save", "pages 1"), calls);
        assertTrue(Files.isRegularFile(FinishedJobs.file(run, SETTING)));
        assertTrue(jobs.end());
        assertEquals("pages 1", calls.get(calls.size() - 1));

        // run again: reused, nothing started
        calls.clear();
        JobRun again = jobs(run, JobScope.ALL, calls);
        again.run(SETTING, () -> new Counting(calls));
        assertEquals(List.of(), calls);
        assertEquals(1, again.results().size());
        assertTrue(again.results().get(0).finished());
    }

    @Test
    void aStoppedJobGoesOnFromItsCheckpointAndAnotherWorkersJobIsLeftAlone(@TempDir Path tmp) throws Exception {
        Run run = run(tmp.resolve("out"));
        Checkpoint.write(Checkpoint.file(run, SETTING), Checkpoint.key(run, SETTING), new byte[] {2});
        List<String> calls = new ArrayList<>();
        JobRun other = jobs(run, JobScope.of("sampling=sequential;seed=0"), calls);
        other.run(SETTING, () -> new Counting(calls));
        assertEquals(List.of(), calls, "another worker's");
        assertFalse(other.end(), "a worker writes no pages");

        JobRun jobs = jobs(run, JobScope.of(SETTING), calls);
        jobs.run(SETTING, () -> new Counting(calls));
        assertEquals(List.of("start", "restore 2", "epoch 3", "checkpoint 3", "finish", "save"), calls);
        assertTrue(Files.isRegularFile(FinishedJobs.file(run, SETTING)));

        // -Dfresh=true trains it again from the start, but the pages pass reads what this command's jobs kept
        System.setProperty("fresh", "true");
        calls.clear();
        JobRun pages = jobs(run, JobScope.PAGES, calls);
        pages.run(SETTING, () -> new Counting(calls));
        assertEquals(List.of(), calls);
        JobRun fresh = jobs(run, JobScope.ALL, calls);
        fresh.run(SETTING, () -> new Counting(calls));
        assertEquals("start", calls.get(0));
        assertEquals("epoch 1", calls.get(1));
    }

    /**
     * A page written while a job trains, or as it ends, lists the jobs after it that have finished (another worker's,
     * or a command's before this one), in the run's order; not one outside the run or its seed plan, nor, under
     * {@code -Dfresh=true}, one kept before the command.
     */
    @Test
    void aPageWrittenWhileAJobTrainsListsTheLaterJobsFinishedEarlier(@TempDir Path tmp) throws Exception {
        Run run = run(tmp.resolve("out"));
        String middle = "sampling=sequential;seed=2"; // not finished
        String later = "sampling=sequential;seed=3";
        String beyondPlan = "sampling=sequential;seed=4";
        String outside = "sampling=sequential;seed=9";
        for (String s : List.of(later, beyondPlan, outside)) {
            FinishedJobs.write(run, new JobResult(s, new ResultsCsv().addFinal(s, "epochs", 3), Map.of(), true));
        }
        List<String> settings = List.of(SETTING, middle, later, beyondPlan);
        JobScope planned = JobScope.ALL.planned(Set.of(SETTING, middle, later));
        List<String> pages = new ArrayList<>();
        JobRun jobs = pagesListed(run, planned, settings, pages);
        jobs.run(SETTING, () -> new Counting(new ArrayList<>()));
        assertEquals(List.of(SETTING + " running, " + later, SETTING + ", " + later), pages, "while it trains, and as it ends");

        // -Dfresh=true: a job kept before this command is not listed (the pages pass, which reads them, is tested above)
        System.setProperty("fresh", "true");
        pages.clear();
        pagesListed(run, planned, settings, pages).run(SETTING, () -> new Counting(new ArrayList<>()));
        assertEquals(List.of(SETTING + " running", SETTING), pages);
    }

    /** A run of {@code settings} whose pages are recorded in {@code pages}, one line each: its jobs, running or not. */
    private static JobRun pagesListed(Run run, JobScope scope, List<String> settings, List<String> pages) {
        return new JobRun(run, scope, settings, LoggerFactory.getLogger(JobRunTest.class), results -> pages.add(
                String.join(", ", results.stream().map(r -> r.setting() + (r.finished() ? "" : " running")).toList())));
    }

    @Test
    void theScopeIsWhatTheCommandLineAsksFor() {
        JobScope task = JobScope.of("a|b");
        assertEquals(Set.of("a", "b"), task.settings());
        assertTrue(task.mine("a") && !task.mine("c") && !task.assembling() && !task.forPages());
        assertEquals(JobScope.ALL, JobScope.of(" "));
        assertTrue(JobScope.ALL.assembling() && JobScope.ALL.mine("c") && !JobScope.ALL.forPages());
        assertTrue(JobScope.PAGES.forPages() && JobScope.PAGES.assembling());
        assertEquals("a|b", JobScope.join(List.of("a", "b")));
        // a worker's command line: -Dunits names its settings, never an experiment override
        Properties props = new Properties();
        props.setProperty("exp", "JayChouRnn");
        props.setProperty("units", "a|b");
        Cli cli = Cli.parse(props, null);
        assertEquals(task, cli.scope());
        assertFalse(cli.overrides().containsKey("units"));
        props.remove("units");
        assertEquals(JobScope.ALL, Cli.parse(props, null).scope());
    }
}
