package rnnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rnnlab.Main;
import rnnlab.core.ResultsCsv;
import rnnlab.core.UserError;
import rnnlab.stats.SeedPlan;

/**
 * {@code -Dexp=settle} on 'hello' (seconds a seed): the plan kept, the reference's missing seeds asked of its
 * launcher (a stand-in here, which appends the committed reference rows of the seeds asked: no Python), ours run
 * to the plan into the results folder, and the same command again finds everything done and plans nothing anew.
 */
class SettleTest {
    private static final Path PROJECT = Path.of("").toAbsolutePath();

    @AfterEach
    void clear() {
        System.clearProperty("settle");
        System.clearProperty("settle_dry");
        System.clearProperty("settle_starts");
        System.clearProperty("jobs");
        System.clearProperty("runner");
    }

    /**
     * The pilot on both sides in {@code results}: the committed runs' seeds 0-9 of a 'hello' experiment; returns the
     * reference's committed lines, every seed's.
     */
    private static List<String> pilotOfTen(String name, Path results) throws java.io.IOException {
        Files.createDirectories(results.resolve("reference"));
        List<String> committed = Files.readAllLines(PROJECT.resolve("results/" + name + ".csv"));
        Files.write(results.resolve(name + ".csv"), committed.stream()
                .filter(l -> l.startsWith("setting") || l.matches("seed=[0-9],.*")).toList());
        List<String> all = Files.readAllLines(PROJECT.resolve("results/reference/" + name + ".csv"));
        Files.write(results.resolve("reference/" + name + ".csv"), all.stream()
                .filter(l -> l.startsWith("setting") || l.matches("seed=[0-9],.*")).toList());
        return all;
    }

    @Test
    void thePlanIsKeptTheReferenceAskedForItsMissingSeedsAndOursRunToThePlan(@TempDir Path results) throws Exception {
        String name = "HelloOhlolRnnCell";
        List<String> all = pilotOfTen(name, results);
        SeedPlan expected = SeedPlan.of(name, ResultsCsv.read(results.resolve(name + ".csv")),
                ResultsCsv.read(results.resolve("reference/" + name + ".csv")));
        int planned = expected.perSetting().get("all");
        assertTrue(planned > 10, "the pilot plans more seeds than it has: " + planned);
        System.setProperty("settle", name);
        System.setProperty("jobs", "2");
        List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
        Settle.Reference stand = (dir, args, out) -> {
            calls.add(args);
            Set<String> asked = new TreeSet<>();
            for (String s : args.get(1).split(",")) {
                asked.add("seed=" + s);
            }
            List<String> rows = all.stream().filter(l -> asked.contains(l.substring(0, l.indexOf(',')))).toList();
            synchronized (SettleTest.class) {
                Files.write(results.resolve("reference/" + name + ".csv"), rows, java.nio.file.StandardOpenOption.APPEND);
            }
            return 0;
        };
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        System.setProperty("jobs", "1"); // ours in this JVM: 'hello' is one job
        Settle.run(PROJECT, results, out, Main.TASK, stand, false);
        String printed = buf.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("final loss") && printed.contains("seeds now 10 / 10 (reference / ours; pilot 10 / 10)"), printed);
        // the chance the pilot gives a decided verdict at the planned count, and the figures likely left open
        double decided = expected.needs().get(0).decidedAt(planned);
        assertTrue(printed.contains(String.format(java.util.Locale.ROOT, ", planned %d; decided at %d a side with "
                + "probability %.2f", planned, planned, decided)), printed);
        assertTrue(printed.contains(String.format(java.util.Locale.ROOT, "likely inconclusive after the plan: "
                + "about %.1f of its 1 planned figure%n", 1 - decided)), printed);
        assertTrue(Files.isRegularFile(SeedPlan.file(results, name)), "the plan is kept");
        // the reference: its missing seeds 10 to planned - 1, asked once each, for its one setting
        List<Integer> asked = new ArrayList<>();
        for (List<String> c : calls) {
            assertEquals(List.of("--only", name, "--bases", "all"), c.subList(2, 6));
            for (String s : c.get(1).split(",")) {
                asked.add(Integer.parseInt(s));
            }
        }
        Collections.sort(asked);
        List<Integer> want = new ArrayList<>();
        for (int s = 10; s < planned; s++) {
            want.add(s);
        }
        assertEquals(want, asked);
        // ours: the planned seeds, written into the results folder with the verdict's page and the scoreboard
        ResultsCsv ours = ResultsCsv.read(results.resolve(name + ".csv"));
        assertEquals(planned, Settle.seedsOf(ours).get("all").size());
        String page = Files.readString(results.resolve(name + ".md"));
        assertTrue(page.contains("Against the tutorial's own code"), page);
        assertTrue(Files.isRegularFile(results.resolve("README.md")));
        // again: the kept plan, nothing asked of the reference (its table has the seeds), ours as they were
        byte[] plan = Files.readAllBytes(SeedPlan.file(results, name));
        calls.clear();
        buf.reset();
        Settle.run(PROJECT, results, out, Main.TASK, stand, false);
        assertEquals(List.of(), calls, "the reference's table has the planned seeds: nothing launched");
        assertTrue(java.util.Arrays.equals(plan, Files.readAllBytes(SeedPlan.file(results, name))), "not planned again");
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("seeds now " + planned + " / " + planned + " (reference / "
                + "ours; pilot 10 / 10), needs"), buf.toString(StandardCharsets.UTF_8));
        // with both sides at the plan, the figure's verdict in place of the pilot's chance, as its page gives it
        rnnlab.stats.Verdict onPage = rnnlab.stats.Comparison.rows(name, ResultsCsv.read(results.resolve(name + ".csv")),
                ResultsCsv.read(results.resolve("reference/" + name + ".csv"))).get(0).verdict();
        String cell = page.lines().filter(l -> l.startsWith("| final loss |")).findFirst().orElseThrow();
        assertTrue(cell.contains("| **" + onPage.outcome() + "**"), cell);
        String again = buf.toString(StandardCharsets.UTF_8);
        assertTrue(again.contains("planned " + planned + "; judged at " + planned + " / " + planned + " seeds: "
                + onPage.outcome()), again);
        assertTrue(again.contains(String.format(java.util.Locale.ROOT, "likely inconclusive after the plan: about %.1f of "
                + "its 1 planned figure%n", onPage.outcome() == rnnlab.stats.Verdict.Outcome.INCONCLUSIVE ? 1.0 : 0.0)), again);
        // a plain full-profile run of it afterwards keeps the planned seeds, not the file's 0-9
        System.clearProperty("settle"); // a command of its own, which -Dsettle does not apply to
        int code = Main.run(new rnnlab.core.Cli(name, "full", results.toString(), java.util.Map.of()), PROJECT, out, out);
        assertEquals(0, code, buf.toString(StandardCharsets.UTF_8));
        assertEquals(planned, Settle.seedsOf(ResultsCsv.read(results.resolve(name + ".csv"))).get("all").size());
    }

    /**
     * With two cores the reference gets two processes, each given every missing seed (the scripts' claims share the
     * runs out: ReferenceTableTest); a reference that fails does not stop ours, and the failure is one line at the end.
     */
    @Test
    void bothProcessesAreGivenEveryMissingSeedAndAFailedReferenceStillRunsOurs(@TempDir Path results) throws Exception {
        String name = "HelloOhlolRnnCell";
        pilotOfTen(name, results);
        System.setProperty("settle", name);
        System.setProperty("jobs", "2");
        List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
        UserError e = assertThrows(UserError.class, () -> Settle.run(PROJECT, results, System.out, Main.TASK,
                (dir, args, out) -> {
                    calls.add(args);
                    if (calls.size() == 2) {
                        throw new java.io.IOException("cannot start it"); // as reference/run missing would
                    }
                    return 1;
                }, false));
        int planned = SeedPlan.read(results, name).orElseThrow().perSetting().get("all");
        List<String> missing = new ArrayList<>();
        for (int s = 10; s < planned; s++) {
            missing.add(Integer.toString(s));
        }
        List<String> call = List.of("--seeds", String.join(",", missing), "--only", name, "--bases", "all");
        assertEquals(List.of(call, call), calls);
        String args = String.join(" ", call);
        assertTrue(e.getMessage().equals("reference/run failed for " + args + "; " + args + " (cannot start it) (its lines "
                + "above say why; ours ran); run the same command again to go on") || e.getMessage().equals("reference/run "
                + "failed for " + args + " (cannot start it); " + args + " (its lines above say why; ours ran); run the same "
                + "command again to go on"), e.getMessage());
        assertEquals(planned, Settle.seedsOf(ResultsCsv.read(results.resolve(name + ".csv"))).get("all").size(),
                "ours ran to the plan");
    }

    /**
     * Our seeds now count the finished jobs kept in results/runs/ (a stopped sitting's, before the CSV is written
     * again), so the plan does not ask for them again.
     */
    @Test
    void ourSeedsNowCountTheFinishedJobsKeptBeforeTheCsv(@TempDir Path results) throws Exception {
        String name = "DigitSumSrn";
        committedCsvs(name, results);
        // ours cut back to the pilot's seeds 0-4, so that a kept job lies inside the plan however far it has run
        Path ours = results.resolve(name + ".csv");
        Files.write(ours, Files.readAllLines(ours).stream()
                .filter(l -> !l.matches("[^,]*;seed=([5-9]|\\d\\d+),.*")).toList());
        int oursNow = Settle.seedsOf(ResultsCsv.read(ours)).get("length=5").size();
        assertEquals(5, oursNow, "the pilot's seeds");
        int refNow = Settle.seedsOf(ResultsCsv.read(results.resolve("reference/" + name + ".csv"))).get("length=5").size();
        String before = dryRun(name, results);
        assertTrue(before.contains("length=5, test accuracy") && before.contains("seeds now " + refNow + " / " + oursNow
                + " (reference"), before);
        rnnlab.core.Run run = Experiments.prepare(name, PROJECT, "full", java.util.Map.of(), results.toString()).run();
        ResultsCsv rows = new ResultsCsv();
        rows.addFinal("length=5;seed=" + (oursNow + 2), "test_accuracy", 0.5);
        rnnlab.checkpoints.FinishedJobs.write(run, new rnnlab.core.JobResult("length=5;seed=" + (oursNow + 2), rows,
                java.util.Map.of(), true));
        String fresh = System.getProperty("fresh"); // the tests' -Dfresh=true ignores kept jobs, as it should
        String after;
        try {
            System.setProperty("fresh", "false");
            after = dryRun(name, results);
        } finally {
            if (fresh == null) {
                System.clearProperty("fresh");
            } else {
                System.setProperty("fresh", fresh);
            }
        }
        String line = after.lines().filter(l -> l.contains("length=5, test accuracy")).findFirst().orElseThrow();
        assertTrue(line.contains("seeds now " + refNow + " / " + (oursNow + 1) + " (reference"), line);
        String length10 = after.lines().filter(l -> l.contains("length=10, test accuracy")).findFirst().orElseThrow();
        assertTrue(length10.contains("seeds now " + refNow + " / " + oursNow + " (reference"), length10);
    }

    /** A kept plan without a row for a figure (added to the catalog after it was made) is said, not silently skipped. */
    @Test
    void aFigureTheKeptPlanLacksIsSaid(@TempDir Path results) throws Exception {
        String name = "HelloOhlolRnn";
        committedCsvs(name, results);
        new SeedPlan(name, List.of()).write(results);
        String printed = dryRun(name, results);
        assertTrue(printed.contains("rnnlab: settle: " + name + "'s kept plan (" + SeedPlan.file(results, name) + ") has "
                + "no row for final loss, figures it was made without"), printed);
        Files.delete(SeedPlan.file(results, name));
        assertTrue(!dryRun(name, results).contains("has no row for"), "a plan made now has every figure");
    }

    @Test
    void aSettingsRunTakesItsSeedsMedianSeconds() {
        // seed 0 paused for most of an hour: the median of 3500, 170 and 190 is 190; an even count averages the middle two
        assertEquals(190, Settle.typicalSeconds(java.util.Map.of("a=1;seed=0", 3500.0, "a=1;seed=1", 170.0,
                "a=1;seed=2", 190.0, "a=2;seed=0", 5.0), "a=1"), 0);
        assertEquals(180, Settle.typicalSeconds(java.util.Map.of("a=1;seed=0", 3500.0, "a=1;seed=1", 170.0,
                "a=1;seed=2", 190.0, "a=1;seed=3", 10.0), "a=1"), 0);
        // a setting with no runs: the median of every run's; none at all: 0
        assertEquals(170, Settle.typicalSeconds(java.util.Map.of("a=1;seed=0", 3500.0, "a=1;seed=1", 170.0,
                "a=2;seed=0", 5.0), "a=3"), 0);
        assertEquals(0, Settle.typicalSeconds(java.util.Map.of(), "a=3"), 0);
    }

    /** Both sides' committed CSVs of {@code name}, copied into {@code results}. */
    private static void committedCsvs(String name, Path results) throws java.io.IOException {
        Files.createDirectories(results.resolve("reference"));
        Files.copy(PROJECT.resolve("results/" + name + ".csv"), results.resolve(name + ".csv"));
        Files.copy(PROJECT.resolve("results/reference/" + name + ".csv"), results.resolve("reference/" + name + ".csv"));
    }

    /** {@code -Dexp=settle -Dsettle=NAME -Dsettle_dry=true} on a results folder: what it printed; it launches nothing. */
    private static String dryRun(String name, Path results) throws Exception {
        System.setProperty("settle", name);
        System.setProperty("settle_dry", "true");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Settle.run(PROJECT, results, new PrintStream(buf, true, StandardCharsets.UTF_8), Main.TASK,
                (d, a, o) -> {
                    throw new AssertionError("a dry run launches nothing");
                }, false);
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aFiguresChanceIsAtItsSettingsCountNotItsOwn(@TempDir Path results) throws Exception {
        // JayChouRnn's sequential setting, five seeds a side: at epoch 50 the seeds spread about 10% with the means
        // alike (beyond the cap of 30); at epoch 100 log sds 0.02324 and 0.01961, difference -0.00237, tolerance
        // log 1.05: by scipy's quantiles 0.7890 at 5 seeds, 0.9037 at 6 (needs 6), 1.0000 at 30
        String name = "JayChouRnn";
        Files.createDirectories(results.resolve("reference"));
        double[][] ours = {{10, 11, 12, 9, 10.5}, {1.26, 1.30, 1.34, 1.285, 1.315}};
        double[][] ref = {{10.2, 10.8, 11.5, 9.4, 10.1}, {1.315, 1.275, 1.30, 1.34, 1.285}};
        for (int side = 0; side < 2; side++) {
            List<String> rows = new ArrayList<>(List.of("setting,epoch,metric,value"));
            for (int s = 0; s < 5; s++) {
                rows.add("sampling=sequential;seed=" + s + ",50,perplexity," + (side == 0 ? ours : ref)[0][s]);
                rows.add("sampling=sequential;seed=" + s + ",100,perplexity," + (side == 0 ? ours : ref)[1][s]);
            }
            Files.write(results.resolve((side == 0 ? "" : "reference/") + name + ".csv"), rows);
        }
        SeedPlan plan = SeedPlan.of(name, ResultsCsv.read(results.resolve(name + ".csv")),
                ResultsCsv.read(results.resolve("reference/" + name + ".csv")));
        SeedPlan.Need at50 = plan.needs().stream().filter(n -> n.epoch().equals("50")).findFirst().orElseThrow();
        SeedPlan.Need at100 = plan.needs().stream().filter(n -> n.epoch().equals("100")).findFirst().orElseThrow();
        assertTrue(at50.beyondCap() && at50.planned() == 30, at50.toString());
        assertEquals(6, at100.needed());
        assertEquals(6, at100.planned());
        assertEquals(0.9037, at100.decidedAt(6), 1e-4);
        String printed = dryRun(name, results);
        // epoch 100 is judged with the setting's 30 seeds a side, so its chance is at 30 (1.00), not at its own 6 (0.90)
        assertTrue(printed.contains("needs 6, planned 6; decided at 30 a side with probability 1.00"), printed);
        // epoch 50: log sds 0.10728 and 0.07576, difference 0.00729: by scipy 0.7949 at 84 seeds, 0.8008 at 85
        assertEquals(85, at50.neededWithout(1000));
        assertEquals(85, at50.neededWithout(85));
        assertEquals(85, at50.neededWithout(84), "beyond the limit: the limit + 1");
        // and at the cap its interval would be +-0.0481 (scipy: t(0.975, 52.17) x sqrt((0.10728^2 + 0.07576^2) / 30)),
        // within the tolerance log 1.05 = 0.0488: only a difference near the edge would keep it open
        assertEquals(0.048112, at50.halfWidthAt(30), 1e-5);
        assertTrue(printed.contains(String.format(java.util.Locale.ROOT, "needs more than 30 (runs at the cap; about 85 "
                + "without it; at the cap its interval \u00b10.0481, within the tolerance \u00b10.0488), planned 30; "
                + "decided at 30 a side with probability %.2f", at50.decidedAt(30))), printed);
        assertTrue(printed.contains(String.format(java.util.Locale.ROOT, "likely inconclusive after the plan: about %.1f "
                + "of its 2 planned figures%n", 2 - at50.decidedAt(30) - at100.decidedAt(30))), printed);
    }

    /**
     * An experiment whose seed costs hours (about.settle_by_default=false: the Zaremba medium model) is planned only
     * when named; settling every verdict says so in a line and plans the rest.
     */
    @Test
    void anExperimentSettledOnlyWhenNamedIsLeftOutOfAllAndSaidSo(@TempDir Path results) throws Exception {
        assertEquals(List.of("PtbZarembaMedium"), Settle.leftOutUnlessNamed(null));
        assertEquals(List.of("PtbZarembaMedium"), Settle.leftOutUnlessNamed("all"));
        assertEquals(List.of(), Settle.leftOutUnlessNamed("PtbZarembaSmall"));
        List<String> every = Settle.names(null);
        assertEquals(every, Settle.names("all"));
        assertTrue(!every.contains("PtbZarembaMedium") && every.contains("PtbZarembaSmall")
                && every.contains("DigitSumSrn") && every.contains("HelloOhlolRnn"), every.toString());
        assertEquals(List.of("PtbZarembaMedium"), Settle.names("PtbZarembaMedium"));
        String printed = dryRun("all", results); // nothing in results/: each one left out, each in one line
        assertTrue(printed.contains("rnnlab: settle: PtbZarembaMedium is left out unless named (its "
                + "about.settle_by_default=false); -Dsettle=PtbZarembaMedium plans it" + System.lineSeparator()), printed);
        assertTrue(printed.contains("rnnlab: settle: DigitSumSrn has no results/DigitSumSrn.csv"), printed);
        assertTrue(!printed.contains("PtbZarembaMedium has no"), printed);
        assertTrue(dryRun("PtbZarembaMedium", results).contains("PtbZarembaMedium has no results/PtbZarembaMedium.csv"));
    }

    @Test
    void aDryRunKeepsNothingAndABadNameIsOneLine(@TempDir Path results) throws Exception {
        String name = "HelloOhlolRnn";
        committedCsvs(name, results);
        assertTrue(dryRun(name, results).contains("== " + name));
        assertTrue(!Files.exists(SeedPlan.file(results, name)), "a dry run keeps no plan");
        System.setProperty("settle", "Nope");
        UserError e = assertThrows(UserError.class, () -> Settle.run(PROJECT, results, System.out, Main.TASK,
                Settle.SCRIPT, false));
        assertTrue(e.getMessage().startsWith("Unknown experiment 'Nope' (-Dsettle=NAME[,NAME]); those with figures: "
                + "DigitSumSrn, "), e.getMessage());
        assertTrue(!e.getMessage().contains("Bench") && !e.getMessage().contains("ShapesTour"), "only those it takes");
        System.setProperty("settle", "Bench");
        e = assertThrows(UserError.class, () -> Settle.run(PROJECT, results, System.out, Main.TASK, Settle.SCRIPT, false));
        assertTrue(e.getMessage().startsWith("Bench has no tutorial figures to settle"), e.getMessage());
        System.setProperty("runner", "spark");
        e = assertThrows(UserError.class, () -> Settle.run(PROJECT, results, System.out, Main.TASK, Settle.SCRIPT, false));
        assertTrue(e.getMessage().contains("-Drunner=spark runs experiments' jobs: drop -Drunner"), e.getMessage());
        System.setProperty("runner", "yarn");
        e = assertThrows(UserError.class, () -> Settle.run(PROJECT, results, System.out, Main.TASK, Settle.SCRIPT, false));
        assertTrue(e.getMessage().startsWith("Invalid value for 'runner': 'yarn'"), e.getMessage());
        System.clearProperty("runner");
        System.setProperty("settle", name);
        System.setProperty("settle_dry", "maybe");
        e = assertThrows(UserError.class, () -> Settle.run(PROJECT, results, System.out, Main.TASK, Settle.SCRIPT, false));
        assertEquals(1, e.getMessage().lines().count());
    }

    /**
     * {@code -Dsettle_starts=tutorial}: only experiments with a {@code start} key, in one line otherwise; without a kept
     * plan the pilot is said first (a dry run runs and keeps nothing); with one, each figure's pairs and its paired
     * verdict once they reach the plan.
     */
    @Test
    void fromTheSameStartsThePilotComesFirstThenThePairsAreJudgedAtThePlan(@TempDir Path results) throws Exception {
        System.setProperty("settle_starts", "tutorial");
        assertTrue(Settle.hasTutorialStarts("DigitSumSrn", PROJECT) && Settle.hasTutorialStarts("JayChouGru", PROJECT));
        System.setProperty("settle", "HelloOhlolRnnCell");
        UserError e = assertThrows(UserError.class, () -> Settle.run(PROJECT, results, System.out, Main.TASK,
                Settle.SCRIPT, false));
        assertTrue(e.getMessage().startsWith("HelloOhlolRnnCell cannot start from the tutorial's starts (its settings "
                + "have no 'start' key); -Dsettle_starts=tutorial settles DigitSumSrn, TimeMachineRnnScratch, JayChouRnn, "
                + "JayChouGru"),
                e.getMessage());
        // the reference's seeds 0-4 of length 5; no plan: the pilot is said, nothing run or kept
        Files.createDirectories(results.resolve("reference"));
        List<String> ref = Files.readAllLines(PROJECT.resolve("results/reference/DigitSumSrn.csv")).stream()
                .filter(l -> l.startsWith("setting") || l.matches("length=5;seed=[0-4],final,.*")).toList();
        Files.write(results.resolve("reference/DigitSumSrn.csv"), ref);
        Path same = results.resolve(rnnlab.report.Scoreboard.SAME_STARTS);
        String printed = dryRun("DigitSumSrn", results);
        assertTrue(printed.contains("== DigitSumSrn: no same-starts plan yet (" + SeedPlan.file(same, "DigitSumSrn")
                + "); the pilot first: ours from the tutorial's starts at seeds [0, 1, 2, 3, 4]"), printed);
        assertTrue(!Files.exists(same), "a dry run keeps nothing");
        // ours from the starts: the reference's values less 0.01 (d = -0.01 every pair, no spread), and a plan
        Files.createDirectories(same);
        Files.write(same.resolve("DigitSumSrn.csv"), ref.stream().map(l -> {
            if (l.startsWith("setting") || !l.contains("accuracy")) {
                return l;
            }
            int comma = l.lastIndexOf(',');
            return l.substring(0, comma + 1) + ResultsCsv.number(Double.parseDouble(l.substring(comma + 1)) - 0.01);
        }).toList());
        SeedPlan plan = SeedPlan.sameStartsOf("DigitSumSrn", ResultsCsv.read(same.resolve("DigitSumSrn.csv")),
                ResultsCsv.read(results.resolve("reference/DigitSumSrn.csv")));
        plan.write(same);
        printed = dryRun("DigitSumSrn", results);
        assertTrue(printed.contains("length=5, test accuracy"), printed);
        assertTrue(printed.contains("pairs now 5 (pilot 5), needs 2, planned 5; judged at 5 pairs: reproduced"),
                printed);
        assertTrue(printed.contains("length=5: 5 pairs planned; to run 0 ours from the tutorial's starts"), printed);
    }

    /**
     * The real same-starts run's pieces: ours prepared from the tutorial's starts into same-starts/, the launcher asked
     * for exactly the missing starts, and each start's SHA-1 kept, so that a start file that changes later is refused.
     */
    @Test
    void fromTheSameStartsOursStartFromTheTutorialsAndTheStartsAreKeptBySha1(@TempDir Path project) throws Exception {
        Path same = project.resolve("results").resolve(rnnlab.report.Scoreboard.SAME_STARTS);
        Settle.Planned pilot = new Settle.Planned("DigitSumSrn", new SeedPlan("DigitSumSrn", List.of()), null, null);
        rnnlab.core.ConfiguredRun run = Settle.prepare(pilot, PROJECT, PROJECT.resolve("results"), same,
                Settle.TUTORIAL_START);
        assertEquals("tutorial", run.run().config().string("start"));
        assertEquals(same, run.run().outDir());
        assertEquals(35, run.configured().jobs().size(), "the committed seeds 0-4 at every length");
        // the launcher: asked for the starts missing, which it writes
        Path starts = rnnlab.model.TorchStart.file(project, "DigitSumSrn", 0).getParent();
        Files.createDirectories(starts);
        Files.writeString(starts.resolve("seed-0.json"), "{\"a\": [0.5]}");
        List<List<String>> calls = new ArrayList<>();
        Settle.Reference stand = (dir, args, out) -> {
            calls.add(args);
            for (String seed : args.get(4).split(",")) {
                Files.writeString(starts.resolve("seed-" + seed + ".json"), "{\"a\": [" + seed + "]}");
            }
            return 0;
        };
        Settle.writeStarts(project, same, "DigitSumSrn", List.of(0, 1, 2), stand, System.out);
        assertEquals(List.of(List.of("--starts", "--only", "DigitSumSrn", "--seeds", "1,2")), calls);
        List<String> record = Files.readAllLines(Settle.startsRecord(same, "DigitSumSrn"));
        assertEquals(3, record.size());
        // SHA-1 of '{"a": [0.5]}' (sha1sum)
        assertEquals("0 " + sha1("{\"a\": [0.5]}"), record.get(0));
        calls.clear();
        Settle.writeStarts(project, same, "DigitSumSrn", List.of(0, 1, 2), stand, System.out);
        assertEquals(List.of(), calls, "every start there: nothing asked");
        Files.writeString(starts.resolve("seed-1.json"), "{\"a\": [7]}");
        UserError e = assertThrows(UserError.class, () -> Settle.writeStarts(project, same, "DigitSumSrn",
                List.of(0, 1, 2), stand, System.out));
        assertTrue(e.getMessage().contains("is not the start the kept runs of seed 1 began from"), e.getMessage());
    }

    private static String sha1(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
