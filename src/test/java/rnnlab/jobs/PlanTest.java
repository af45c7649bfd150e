package rnnlab.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How an experiment's settings become jobs, and the order they start in, from a hand-made CSV of an earlier run. */
class PlanTest {
    /**
     * docs/jobs.md, "Jobs and workers": the longest jobs start first, by the training seconds of the last run's CSV in the same
     * folder, and settings that took under 10 seconds there share a job with the next (in the experiment's order).
     */
    @Test
    void theLongestJobsStartFirstAndShortSettingsShareAJob(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("DigitSumSrn.csv"), String.join("\n", "setting,epoch,metric,value",
                "length=5;seed=0,final,train_seconds,4",
                "length=5;seed=0,1,train_loss,2.5", // not a training time
                "length=5;seed=1,final,train_seconds,3",
                "length=5;seed=2,final,train_seconds,5",
                "length=10;seed=0,final,train_seconds,30",
                "length=10;seed=1,final,train_seconds,9",
                "length=20;seed=0,final,train_seconds,8",
                "length=20;seed=1,final,train_seconds,40",
                "length=35;seed=0,final,train_seconds,2",
                "length=35;seed=1,final,train_seconds,1",
                "length=5,final,train_seconds_mean,4") + "\n"); // a summary row, not a setting's time
        Map<String, Double> secs = Plan.lastTrainingSeconds("DigitSumSrn", tmp);
        assertEquals(9, secs.size(), secs.toString());
        assertEquals(30.0, secs.get("length=10;seed=0"));
        assertTrue(Plan.lastTrainingSeconds("DigitSumLstm", tmp).isEmpty(), "another experiment's CSV is not read");

        List<String> units = List.of("length=5;seed=0", "length=5;seed=1", "length=5;seed=2", "length=10;seed=0",
                "length=10;seed=1", "length=20;seed=0", "length=20;seed=1", "length=35;seed=0", "length=35;seed=1");
        List<Plan.Group> groups = Plan.groups(units, secs, u -> u.equals("length=20;seed=0")); // one finished earlier
        assertEquals(List.of(
                List.of("length=5;seed=0", "length=5;seed=1", "length=5;seed=2"), // 4 + 3 under 10 s: with the next
                List.of("length=10;seed=0"),
                List.of("length=10;seed=1", "length=20;seed=1"), // 9 s, then past the finished one
                List.of("length=35;seed=0", "length=35;seed=1")), // the last group may be short
                groups.stream().map(Plan.Group::settings).toList());
        assertEquals(List.of(12.0, 30.0, 49.0, 3.0), groups.stream().map(Plan.Group::seconds).toList());
        // a seed the last run did not have takes its base setting's mean; with no CSV every setting counts as 10 s
        List<Plan.Group> newSeeds = Plan.groups(List.of("length=10;seed=2", "length=5;seed=3", "length=35;seed=2",
                "length=35;seed=3"), secs, u -> false);
        assertEquals(List.of(List.of("length=10;seed=2"), List.of("length=5;seed=3", "length=35;seed=2", "length=35;seed=3")),
                newSeeds.stream().map(Plan.Group::settings).toList());
        assertEquals(List.of(19.5, 7.0), newSeeds.stream().map(Plan.Group::seconds).toList());
        assertEquals(List.of(List.of("a;seed=0"), List.of("a;seed=1")),
                Plan.groups(List.of("a;seed=0", "a;seed=1"), Map.of(), u -> false).stream().map(Plan.Group::settings).toList());

        // the start order: longest first by those seconds, ties in the given order; a whole experiment by its total
        Map<String, Double> whole = Map.of("seed=0", 6.0, "seed=1", 14.0);
        List<Workers.Job> jobs = new ArrayList<>();
        Map<Workers.Job, Double> estimate = new HashMap<>();
        for (Plan.Group g : groups) {
            Workers.Job j = new Workers.Job(g.settings().get(0), Map.of("units", String.join("|", g.settings())));
            jobs.add(j);
            estimate.put(j, g.seconds());
        }
        Workers.Job hello = new Workers.Job("HelloOhlolRnn", Map.of("exp", "HelloOhlolRnn"));
        jobs.add(1, hello);
        estimate.put(hello, Plan.estimate(whole, null, 1));
        Workers.Job tie = new Workers.Job("tie", Map.of("exp", "x"));
        jobs.add(tie);
        estimate.put(tie, 30.0);
        assertEquals(List.of("length=10;seed=1", "length=10;seed=0", "tie", "HelloOhlolRnn", "length=5;seed=0",
                "length=35;seed=0"), Workers.longestFirst(jobs, estimate::get).stream()
                        .map(Workers.Job::name).toList());
    }


    /** docs/jobs.md: the default is one worker per core, no more than fit in memory at 3 GB each. */
    @Test
    void theDefaultIsOneWorkerPerCoreNoMoreThanFitInMemoryAt3GbEach() {
        long gb = 1L << 30;
        assertEquals(2, Workers.defaultCount(2, 23 * gb), "one per core");
        assertEquals(4, Workers.defaultCount(8, 12 * gb), "12 GB holds four 3 GB workers");
        assertEquals(2, Workers.defaultCount(8, 9 * gb - 1), "just under 9 GB holds two");
        assertEquals(3, Workers.defaultCount(8, 9 * gb));
        assertEquals(2, Workers.defaultCount(2, 6 * gb));
        assertEquals(1, Workers.defaultCount(2, 6 * gb - 1));
        assertEquals(1, Workers.defaultCount(4, 2 * gb), "at least one, however little memory");
        assertEquals(4, Workers.defaultCount(4, 0), "memory unknown: one per core");
        assertEquals(1, Workers.defaultCount(1, 64 * gb));
        String jobs = System.getProperty("jobs");
        System.clearProperty("jobs");
        try {
            assertEquals(Workers.defaultCount(), Workers.requested(), "no -Djobs: the default");
        } finally {
            if (jobs != null) {
                System.setProperty("jobs", jobs);
            }
        }
    }
}
