package rnnlab.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.generator.GridSearchCandidateGenerator;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import rnnlab.Main;
import rnnlab.core.Catalog;
import rnnlab.core.Cli;
import rnnlab.core.Config;
import rnnlab.core.ResultsCsv;
import rnnlab.core.UserError;
import rnnlab.jobs.ChildJvm;

/** The search space, Arbiter's generators over it, and whole searches through the command line. */
class SearchTest {
    record Outcome(int code, String err) {
    }

    static Outcome run(Path projectDir, String exp, Map<String, String> overrides, Map<String, String> search,
            Path out) {
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.run(new Cli(exp, "quick", out.toString(), overrides, search), projectDir,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Outcome(code, e.toString(StandardCharsets.UTF_8));
    }

    static Map<String, String> kv(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static Path here() {
        return Path.of("").toAbsolutePath();
    }

    @Test
    void eachRangeKindMapsArbitersUnitInputToItsValue() {
        SearchSpace s = SearchSpace.parse("X", kv("a", "int:8:16", "b", "uniform:0:2", "c", "loguniform:0.001:0.1",
                "d", "choice:none, global"));
        assertEquals(List.of("a", "b", "c", "d"), s.keys());
        assertEquals(4, s.numParameters());
        assertEquals(4, s.collectLeaves().size());
        // Arbiter numbers the leaves in order, as its generators do before drawing
        new RandomSearchGenerator(s, null);
        assertEquals(Map.of("a", "8", "b", "0", "c", "0.001", "d", "none"), s.getValue(new double[] {0, 0, 0, 0}));
        assertEquals(Map.of("a", "16", "b", "2", "c", "0.1", "d", "global"), s.getValue(new double[] {1, 1, 1, 1}));
        // the middle of a log-uniform range is the geometric mean; reals keep three significant digits
        assertEquals("0.01", s.getValue(new double[] {0.5, 0.5, 0.5, 0.5}).get("c"));
        assertEquals("1", s.getValue(new double[] {0.5, 0.5, 0.5, 0.5}).get("b"));
        assertEquals("0.667", s.getValue(new double[] {0, 1 / 3.0, 0, 0}).get("b"));
        assertEquals("0.000123", SearchSpace.text(0.00012345));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"int:5", "int:9:1", "int:a:b", "uniform:1:1", "loguniform:0:1",
        "loguniform:-1:1", "choice:", "choice:a,,b", "choice:a,a", "normal:0:1", "0.1"})
    void malformedRangesAreOneLineUserErrors(String range) {
        UserError e = assertThrows(UserError.class, () -> SearchSpace.parse("X", kv("lr", range)));
        assertTrue(e.getMessage().contains("'lr'") && e.getMessage().contains(SearchSpace.SYNTAX), e.getMessage());
    }

    @Test
    void aGridCoversEveryCombinationOnceWithLogSpacedReals() {
        SearchSpace s = SearchSpace.parse("X", kv("clipping", "choice:none,global", "lr", "loguniform:0.001:0.1"));
        GridSearchCandidateGenerator g = new GridSearchCandidateGenerator(s, 3,
                GridSearchCandidateGenerator.Mode.Sequential, null);
        assertEquals(6, g.getTotalNumCandidates());
        Set<Map<String, String>> seen = new HashSet<>();
        while (g.hasMoreCandidates()) {
            @SuppressWarnings("unchecked")
            Map<String, String> v = (Map<String, String>) g.getCandidate().getValue();
            seen.add(v);
        }
        Set<Map<String, String>> expected = new HashSet<>();
        for (String c : List.of("none", "global")) {
            for (String lr : List.of("0.001", "0.01", "0.1")) {
                expected.add(Map.of("clipping", c, "lr", lr));
            }
        }
        assertEquals(expected, seen);
    }

    @Test
    void aSeededRandomSearchDrawsTheSameCandidatesAgain() {
        List<List<Object>> draws = new ArrayList<>();
        for (int rep = 0; rep < 2; rep++) {
            RandomSearchGenerator g = new RandomSearchGenerator(
                    SearchSpace.parse("X", kv("h", "choice:8,16,32", "lr", "loguniform:0.001:0.1")), null);
            g.setRngSeed(7);
            List<Object> d = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Candidate<?> c = g.getCandidate();
                d.add(c.getValue());
            }
            draws.add(d);
        }
        assertEquals(draws.get(0), draws.get(1));
    }

    @Test
    void aHalvingSearchPromotesItsBestConfirmsItOnNewSeedsAndTheHeadlineReproduces(@TempDir Path tmp)
            throws Exception {
        Map<String, String> fixed = kv("epochs", "9");
        Outcome r = run(here(), "HelloOhlolRnn", fixed, kv("search", "random", "candidates", "3", "halving_rungs", "2",
                "search_seeds", "2", "confirm_seeds", "3"), tmp);
        assertEquals(0, r.code(), r.err());
        Path csv = tmp.resolve("search/HelloOhlolRnn_epochs-9.csv");
        List<String> lines = Files.readAllLines(csv);
        assertEquals("rank,candidate,status,score,seconds,lr,error,rung,epochs,seeds,ci95_low,ci95_high,difference,"
                + "difference_ci95_low,difference_ci95_high,verdict", lines.get(0));
        assertEquals(5, lines.size(), String.join("\n", lines));
        String[] own = lines.get(1).split(",", -1);
        String[] best = lines.get(2).split(",", -1);
        assertEquals(List.of("-", "baseline", "complete", "", "9", "3"), List.of(own[0], own[1], own[2], own[7], own[8],
                own[9]), lines.get(1));
        // the one candidate of three that went on (floor(3/3)): the last rung, 9 epochs, confirmed on 3 seeds
        assertEquals(List.of("1", "complete", "1", "9", "3"), List.of(best[0], best[2], best[7], best[8], best[9]),
                lines.get(2));
        assertTrue(Set.of("better", "not better", "inconclusive").contains(best[15]), lines.get(2));
        double bestAtRung0 = ResultsCsv.read(tmp.resolve("runs/search/HelloOhlolRnn_epochs-9/candidate-" + best[1]
                + "/epochs-3/seed-0/HelloOhlolRnn.csv")).last("final_loss").values().iterator().next();
        for (String line : lines.subList(3, 5)) {
            String[] f = line.split(",", -1);
            // stopped at rung 0: 3 epochs, one seed, its figure there, no lower than the promoted one's
            assertEquals(List.of("pruned", "0", "3", "1"), List.of(f[2], f[7], f[8], f[9]), line);
            assertTrue(Double.parseDouble(f[3]) >= bestAtRung0, line + " against " + bestAtRung0);
        }
        String page = Files.readString(tmp.resolve("search/HelloOhlolRnn_epochs-9.md"));
        assertTrue(page.contains("Finished: 3 of 3 candidates started, 2 stopped early, 0 failed"), page);
        assertTrue(page.contains("eta 3, 2 rungs (3 epochs on 1 seed; 9 epochs on 2 seeds)"), page);
        assertTrue(page.contains("stopped at rung 0: "), page);
        assertTrue(page.contains("`mvn -q exec:java -Dexp=HelloOhlolRnn -Dprofile=quick -Depochs=9 -Dsearch=random "
                + "-Dcandidates=3 -Dhalving_rungs=2 -Dsearch_seeds=2 -Dconfirm_seeds=3`"), page);

        // the headline's command, run again, gives the confirmed mean over the same seeds
        String command = "-Dexp=HelloOhlolRnn -Dprofile=quick -Depochs=9 -Dlr=" + best[5] + " -Dseeds=2..4`";
        assertTrue(page.contains("**Best**: candidate " + best[1] + ", confirmed on 3 new seeds") && page.contains(command),
                page);
        Map<String, String> again = new LinkedHashMap<>(fixed);
        again.put("lr", best[5]);
        again.put("seeds", "2..4");
        Path rerun = tmp.resolve("rerun");
        assertEquals(0, MainRun.run(here(), "HelloOhlolRnn", again, rerun));
        double mean = ResultsCsv.read(rerun.resolve("HelloOhlolRnn.csv")).last("final_loss_mean").values().iterator()
                .next();
        assertEquals(Double.parseDouble(best[3]), mean, 1e-5 * mean);

        // the scoreboard beside the search lists the confirmed figure, its seeds and verdict, and only the searched key
        // as its values
        String board = Files.readString(tmp.resolve("README.md"));
        assertTrue(board.contains("[HelloOhlolRnn_epochs-9](search/HelloOhlolRnn_epochs-9.md)")
                && board.contains("(candidate " + best[1] + ") | 3 | **" + best[15] + "** | `lr=" + best[5] + "` |"), board);
    }

    @Test
    void aFailingCandidateIsRecordedWithItsReasonAndTheSearchGoesOn(@TempDir Path tmp) throws Exception {
        Path project = tmp.resolve("project");
        Files.createDirectories(project.resolve("experiments"));
        Files.writeString(project.resolve("experiments/HelloOhlolRnn.properties"),
                "lr=0.1\nepochs=3\nseeds=0\nsearch.lr=choice:0.1,-1\n");
        Outcome r = run(project, "HelloOhlolRnn", Map.of(), kv("search", "grid"), tmp.resolve("out"));
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(tmp.resolve("out/search/HelloOhlolRnn.csv"));
        assertEquals(4, lines.size(), String.join("\n", lines));
        String failed = lines.get(3);
        assertTrue(failed.startsWith("-,1,failed,,") && failed.contains("Invalid value for 'lr'"), failed);
        assertTrue(lines.get(2).startsWith("1,0,complete,"), lines.get(2));
        String page = Files.readString(tmp.resolve("out/search/HelloOhlolRnn.md"));
        assertTrue(page.contains("Finished: 2 of 2 candidates started, 0 stopped early, 1 failed"), page);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "HelloOhlolRnn|search=fast|Invalid value for -Dsearch: 'fast'; expected random or grid",
        "HelloOhlolRnn|candidates=5|-Dcandidates shape a search, which -Dsearch=random or -Dsearch=grid starts",
        "ShapesTour|search=random|ShapesTour cannot be searched",
        "Bench|search=random|searchable experiments: DigitSumSrn",
        "HelloOhlolRnn|search=random,candidates=0|-Dcandidates: '0'",
        "HelloOhlolRnn|search=random,grid_points=3|-Dgrid_points applies to -Dsearch=grid only",
        "HelloOhlolRnn|search=grid,search_seed=3|-Dsearch_seed applies to -Dsearch=random only",
        "HelloOhlolRnn|search=random,search_minutes=-1|-Dsearch_minutes: '-1'",
        "HelloOhlolRnn|search=grid,grid_points=1|-Dgrid_points: '1'",
    })
    void badSearchOptionsAreOneLineErrorsAndWriteNothing(String exp, String options, String message,
            @TempDir Path tmp) {
        Map<String, String> search = new LinkedHashMap<>();
        for (String kv : options.split(",")) {
            search.put(kv.split("=")[0], kv.split("=")[1]);
        }
        Path out = tmp.resolve("out");
        Outcome r = run(here(), exp, Map.of(), search, out);
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains(message), r.err());
        assertFalse(Files.exists(out), "nothing is written on bad input");
    }

    /** A search runs on the local workers: -Drunner=spark (or a runner that is none) is refused, not ignored. */
    @Test
    void aSearchRefusesASparkRunnerInOneLine(@TempDir Path tmp) {
        Path out = tmp.resolve("out");
        for (String runner : List.of("spark", "yarn")) {
            System.setProperty("runner", runner);
            try {
                Outcome r = run(here(), "HelloOhlolRnn", Map.of(), kv("search", "random"), out);
                assertEquals(2, r.code(), r.err());
                assertEquals(1, r.err().lines().count(), r.err());
                assertTrue(r.err().contains(runner.equals("spark") ? "-Drunner=spark runs experiments' jobs, not a "
                        + "search's" : "Invalid value for 'runner': 'yarn'"), r.err());
                assertFalse(Files.exists(out), "nothing is written on bad input");
            } finally {
                System.clearProperty("runner");
            }
        }
    }

    @Test
    void fixingASearchedKeyOrAnInvalidSettingStopsBeforeAnyRun(@TempDir Path tmp) {
        Path out = tmp.resolve("out");
        Outcome fixed = run(here(), "HelloOhlolRnn", kv("lr", "0.5"), kv("search", "random"), out);
        assertEquals(2, fixed.code());
        assertTrue(fixed.err().contains("-Dlr fixes a key the search draws (search.lr=loguniform:0.01:1)"),
                fixed.err());
        Outcome invalid = run(here(), "HelloOhlolRnn", kv("epochs", "0"), kv("search", "random"), out);
        assertEquals(2, invalid.code());
        assertTrue(invalid.err().contains("Invalid value for 'epochs'"), invalid.err());
        assertFalse(Files.exists(out), "nothing is written on bad input");
    }

    @Test
    void theScoreIsEachSettingsLastValueAveraged(@TempDir Path tmp) throws Exception {
        new ResultsCsv().add("model=a", "1", "valid_perplexity", 300).add("model=a", "10", "valid_perplexity", 100)
                .add("model=a", "2", "valid_perplexity", 200).add("model=b", "1", "valid_perplexity", 50)
                .add("model=b", "final", "heldout_perplexity", 7).write(tmp.resolve("PtbWordRnn.csv"));
        ObjectiveScore s = new ObjectiveScore("PtbWordRnn",
                Catalog.project().get("PtbWordRnn").objective().get());
        assertTrue(s.minimize());
        // epoch 10 is the last of model=a (by number, not by text), epoch 1 the only one of model=b
        assertEquals(75.0, s.score(tmp), 0);
        ObjectiveScore missing = new ObjectiveScore("PtbWordRnn",
                new Catalog.Objective("best_dev_accuracy", false, "-"));
        assertTrue(assertThrows(IllegalStateException.class, () -> missing.score(tmp)).getMessage()
                .contains("has no best_dev_accuracy row"));
    }

    @Test
    void everySearchableExperimentDeclaresAValidSpaceOverItsOwnKeys() {
        for (String exp : Catalog.project().all().keySet()) {
            Config c = Config.load(here().resolve("experiments"), exp, "quick", Map.of());
            if (Catalog.project().get(exp).objective().isPresent()) {
                SearchSpace s = SearchSpace.parse(exp, c.searchSpace());
                for (String k : s.keys()) {
                    assertTrue(c.has(k), exp + ": " + k);
                }
            } else {
                assertTrue(c.searchSpace().isEmpty(), exp + " cannot be searched but declares a space");
            }
        }
    }

    /** The rows of a search's CSV by candidate label: each one's status and searched values. */
    static Map<String, List<String>> candidates(Path csv, List<String> keys) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = List.of(lines.get(0).split(","));
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            List<String> row = new ArrayList<>(List.of(f[header.indexOf("status")]));
            for (String k : keys) {
                row.add(f[header.indexOf(k)]);
            }
            rows.put(f[header.indexOf("candidate")], row);
        }
        return rows;
    }

    /** The jobs' folders (candidate-N/epochs-E/seed-S) holding a finished job's record. */
    static Set<String> finishedJobs(Path workDir) throws Exception {
        while (true) {
            Set<String> done = new TreeSet<>();
            if (!Files.isDirectory(workDir)) {
                return done;
            }
            try (Stream<Path> files = Files.walk(workDir)) {
                for (Path f : files.filter(f -> f.endsWith("runs/DigitSumSrn/length=10;seed=0.txt")
                        || f.toString().matches(".*/runs/DigitSumSrn/length=10;seed=\\d+\\.txt")).toList()) {
                    done.add(workDir.relativize(f.getParent().getParent().getParent()).toString());
                }
                return done;
            } catch (java.io.UncheckedIOException e) {
                // a file of the running search renamed into place while listed: look again
            }
        }
    }

    @Test
    void anInterruptedHalvingSearchDrawsTheSameCandidatesReusesItsFinishedJobsAndGoesOnWithItsRungs(@TempDir Path tmp)
            throws Exception {
        int count = 4;
        Map<String, String> fixed = kv("lengths", "10", "epochs", "9");
        Map<String, String> props = new LinkedHashMap<>(ChildJvm.passedProperties());
        props.putAll(fixed);
        props.putAll(kv("exp", "DigitSumSrn", "profile", "quick", "search", "random", "candidates",
                String.valueOf(count), "halving_rungs", "2", "search_seeds", "1", "confirm_seeds", "2", "jobs", "1",
                "fresh", "false", "out", tmp.resolve("out").toString(), "checkpoints", tmp.resolve("ck").toString()));
        Supplier<ProcessBuilder> command = () -> {
            ProcessBuilder pb = ChildJvm.builder("rnnlab.Main", props, List.of("-Xmx1g"));
            pb.redirectErrorStream(true);
            return pb;
        };
        // what the search's generator draws: seed 0 over the experiment's space, in order
        SearchSpace space = SearchSpace.parse("DigitSumSrn", Config.load(here().resolve("experiments"),
                "DigitSumSrn", "quick", fixed).searchSpace());
        RandomSearchGenerator g = new RandomSearchGenerator(space, null);
        g.setRngSeed(0);
        Map<String, List<String>> drawn = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            Candidate<?> c = g.getCandidate();
            List<String> row = new ArrayList<>();
            space.keys().forEach(k -> row.add(((Map<?, ?>) c.getValue()).get(k).toString()));
            drawn.put(Integer.toString(c.getIndex()), row);
        }

        // the search killed (SIGKILL) as soon as two of its jobs have finished
        Path workDir = tmp.resolve("out/runs/search/DigitSumSrn_epochs-9_lengths-10");
        Path log1 = tmp.resolve("first.log");
        Process p = command.get().redirectOutput(log1.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (finishedJobs(workDir).size() < 2) {
            assertTrue(p.isAlive() && System.nanoTime() < deadline, "no job finished: " + Files.readString(log1));
            Thread.sleep(20);
        }
        p.destroyForcibly();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertTrue(p.exitValue() != 0, "killed before the end: " + Files.readString(log1));
        Set<String> finished = finishedJobs(workDir);
        // 4 at rung 0 (3 epochs), 1 at rung 1 (9 epochs), then 1 candidate and the own settings on 2 seeds
        int total = count + 1 + 2 * 2;
        assertTrue(finished.size() >= 2 && finished.size() < total, finished + "\n" + Files.readString(log1));

        // run again: the same candidates, each finished job reused, the rest trained, through every rung
        Path log2 = tmp.resolve("second.log");
        Process again = command.get().redirectOutput(log2.toFile()).start();
        assertTrue(again.waitFor(5, TimeUnit.MINUTES));
        String out = Files.readString(log2);
        assertEquals(0, again.exitValue(), out);
        Path csv = tmp.resolve("out/search/DigitSumSrn_epochs-9_lengths-10.csv");
        Map<String, List<String>> whole = candidates(csv, space.keys());
        assertEquals("complete", whole.remove("baseline").get(0), out);
        Map<String, List<String>> values = new TreeMap<>();
        whole.forEach((k, v) -> values.put(k, v.subList(1, v.size())));
        assertEquals(drawn, values, out);
        assertEquals(1, whole.values().stream().filter(v -> v.get(0).equals("complete")).count(), out);
        assertEquals(count - 1, whole.values().stream().filter(v -> v.get(0).equals("pruned")).count(), out);
        assertTrue(Files.readString(csv.resolveSibling("DigitSumSrn_epochs-9_lengths-10.md"))
                .contains("Finished: " + count + " of " + count + " candidates started, 3 stopped early"), out);
        Set<String> reused = new TreeSet<>();
        Matcher m = Pattern.compile("finished earlier \\(\\S*/((?:candidate-\\d+|baseline)/epochs-\\d+/seed-\\d+)/runs/")
                .matcher(out);
        while (m.find()) {
            reused.add(m.group(1));
        }
        assertEquals(finished, reused, out);
        assertEquals(total, finishedJobs(workDir).size(), out);
        assertEquals(total - finished.size(), out.lines().filter(l -> l.contains("====> Training")).count(),
                "only the unfinished jobs train: " + out);

        // a third time, every job reused: the page reports the same core time, what the jobs cost when they ran
        Path page = csv.resolveSibling("DigitSumSrn_epochs-9_lengths-10.md");
        Pattern cost = Pattern.compile("\\d+ jobs, [0-9:]+ of core time");
        Matcher before = cost.matcher(Files.readString(page));
        assertTrue(before.find(), Files.readString(page));
        Process third = command.get().redirectOutput(tmp.resolve("third.log").toFile()).start();
        assertTrue(third.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, third.exitValue(), Files.readString(tmp.resolve("third.log")));
        assertEquals(0, Files.readAllLines(tmp.resolve("third.log")).stream().filter(l -> l.contains("====> Training"))
                .count(), "nothing trains");
        Matcher after = cost.matcher(Files.readString(page));
        assertTrue(after.find(), Files.readString(page));
        assertEquals(before.group(), after.group());
    }

    /** A plain experiment run, for re-running a candidate's command. */
    static final class MainRun {
        static int run(Path projectDir, String exp, Map<String, String> overrides, Path out) {
            return Main.run(new Cli(exp, "quick", out.toString(), overrides), projectDir,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        }
    }
}
