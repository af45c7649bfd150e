package rnnlab.experiments;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import rnnlab.checkpoints.FinishedJobs;
import rnnlab.core.Catalog;
import rnnlab.core.ConfiguredRun;
import rnnlab.core.JobScope;
import rnnlab.core.Options;
import rnnlab.core.ResultsCsv;
import rnnlab.core.Run;
import rnnlab.core.UserError;
import rnnlab.jobs.Jobs;
import rnnlab.jobs.Plan;
import rnnlab.jobs.Task;
import rnnlab.jobs.Workers;
import rnnlab.stats.Comparison;
import rnnlab.stats.Failures;
import rnnlab.stats.SeedPlan;
import rnnlab.stats.Seeds;
import rnnlab.stats.Verdict;

/**
 * {@code -Dexp=settle}: every figure judged at the seeds its plan gives it ({@link SeedPlan}), on both sides. It plans
 * each experiment once from the seeds committed (the pilot; a kept plan is reused), prints the plan, then runs the
 * reference's missing seeds (the tutorial's code, {@code reference/run}, a process a core; its scripts skip finished
 * runs) and ours through the usual jobs (every finished job reused), into {@code results/} beside the committed
 * full-profile runs; the pages and the scoreboard are rewritten as each experiment's jobs end. Stopped at any
 * point, the same command goes on. {@code -Dsettle=NAME[,NAME]} names the experiments (default: every one with
 * tutorial figures whose {@code about.settle_by_default} is not false), {@code -Dsettle_dry=true} prints the plan
 * alone and keeps nothing.
 */
public final class Settle {
    /** Runs the tutorial's code for some seeds and settings ({@code reference/run}'s arguments); returns its status. */
    public interface Reference {
        int run(Path projectDir, List<String> args, PrintStream out) throws IOException, InterruptedException;
    }

    /** {@code reference/run ARGS} in the project folder, its lines passed on to {@code out}. */
    public static final Reference SCRIPT = (projectDir, args, out) -> {
        List<String> cmd = new ArrayList<>(List.of(projectDir.resolve("reference").resolve("run").toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).directory(projectDir.toFile()).redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null;) {
                out.println("reference: " + line);
            }
        }
        return p.waitFor();
    };

    private Settle() {
    }

    /** One experiment's plan with what is there now on each side. */
    record Planned(String name, SeedPlan plan, ResultsCsv ours, ResultsCsv reference) {
    }

    /** {@code -Dexp=settle}: plan, print, then run both sides' missing seeds (not with {@code -Dsettle_dry=true}). */
    public static void run(Path projectDir, Path results, PrintStream out, Task task, Reference reference,
            boolean inTask) throws Exception {
        boolean dry = dry();
        if (Jobs.runner(inTask) != Jobs.Runner.LOCAL) {
            throw new UserError("-Dexp=settle runs both sides' seeds on this machine, the reference's processes and then "
                    + "ours on its worker JVMs (-Djobs=N at a time); -Drunner=spark runs experiments' jobs: drop -Drunner");
        }
        if (sameStarts()) {
            runSameStarts(projectDir, results, out, task, reference, inTask, dry);
            return;
        }
        List<Planned> plans = new ArrayList<>();
        String given = Options.SETTLE.given();
        for (String name : leftOutUnlessNamed(given)) {
            out.println("rnnlab: settle: " + name + " is left out unless named (its about.settle_by_default=false); "
                    + "-Dsettle=" + name + " plans it");
        }
        for (String name : names(given)) {
            ResultsCsv ours = read(results.resolve(name + ".csv"));
            ResultsCsv ref = Comparison.readReference(results, name);
            if (ours == null || ref == null) {
                out.println("rnnlab: settle: " + name + " has no " + (ours == null ? "results/" + name + ".csv"
                        : "results/reference/" + name + ".csv") + " to plan from (run it first); left out");
                continue;
            }
            SeedPlan plan = SeedPlan.planned(results, name, ours, ref, !dry);
            List<String> unplanned = unplanned(plan, SeedPlan.of(name, ours, ref));
            if (!unplanned.isEmpty()) {
                out.println("rnnlab: settle: " + name + "'s kept plan (" + SeedPlan.file(results, name) + ") has no row for "
                        + String.join(", ", unplanned) + ", figures it was made without; they are judged at the seeds "
                        + "their settings get. Delete the plan to plan every figure afresh from the seeds there are now");
            }
            plans.add(new Planned(name, plan, ours, ref));
        }
        Map<String, ConfiguredRun> prepared = new LinkedHashMap<>(); // our side of each plan, built once
        for (Planned e : plans) {
            prepared.put(e.name(), prepare(e, projectDir, results));
        }
        print(plans, prepared, results, out);
        if (dry || plans.isEmpty()) {
            return;
        }
        // one side at a time, each on every core: side by side they would share the cores and inflate the timings
        // both record; ours run even when a reference run failed, which is said at the end
        List<String> failed = runReference(plans, projectDir, out, reference);
        // on this machine's workers, as the reference
        Jobs.run(List.copyOf(prepared.values()), Jobs.Runner.LOCAL, out, task, inTask);
        if (!failed.isEmpty()) {
            throw new UserError("reference/run failed for " + String.join("; ", failed) + " (its lines above say why; "
                    + "ours ran); run the same command again to go on");
        }
    }

    /** The figures a plan made now would have that {@code kept} has no row for (none when it is the same plan). */
    static List<String> unplanned(SeedPlan kept, SeedPlan now) {
        Set<String> have = new HashSet<>();
        kept.needs().forEach(n -> have.add(n.figure()));
        return now.needs().stream().map(SeedPlan.Need::figure).filter(f -> !have.contains(f)).toList();
    }

    /**
     * {@code -Dsettle=NAME[,NAME]}: those experiments, each one with figures; none given (or {@code all}): every one
     * that has figures and is settled by default ({@code about.settle_by_default}).
     */
    static List<String> names(String given) {
        if (namesNone(given)) {
            return withFigures().stream().filter(Catalog.Facts::settledByDefault).map(Catalog.Facts::name).toList();
        }
        List<String> withFigures = withFigures().stream().map(Catalog.Facts::name).toList();
        Set<String> names = new LinkedHashSet<>(); // -Dsettle=A,A is A once
        for (String part : given.split(",")) {
            String n = part.trim();
            if (!withFigures.contains(n)) {
                throw new UserError((Catalog.project().all().containsKey(n) ? n + " has no tutorial figures to settle"
                        : "Unknown experiment '" + n + "'") + " (-Dsettle=NAME[,NAME]); those with figures: "
                        + String.join(", ", withFigures));
            }
            names.add(n);
        }
        return List.copyOf(names);
    }

    /** The experiments with figures that {@link #names} leaves out because {@code given} names none. */
    static List<String> leftOutUnlessNamed(String given) {
        return !namesNone(given) ? List.of()
                : withFigures().stream().filter(f -> !f.settledByDefault()).map(Catalog.Facts::name).toList();
    }

    /** The experiments with tutorial figures, in catalog order. */
    private static List<Catalog.Facts> withFigures() {
        return Catalog.project().all().values().stream().filter(f -> !f.figures().isEmpty()).toList();
    }

    private static boolean namesNone(String given) {
        return given == null || given.isBlank() || given.trim().equals("all");
    }

    private static boolean dry() {
        return Options.SETTLE_DRY.bool();
    }

    /** {@code -Dsettle_starts}: own (the default: each side its own seeds' starts) or tutorial (the same starts). */
    private static boolean sameStarts() {
        String v = Options.SETTLE_STARTS.or("own").trim();
        if (!v.equals("own") && !v.equals("tutorial")) {
            throw new UserError("Invalid value for 'settle_starts': '" + v + "'; expected own or tutorial");
        }
        return v.equals("tutorial");
    }

    /** The override that starts ours from the tutorial's starts (an experiment's {@code start} key). */
    static final Map<String, String> TUTORIAL_START = Map.of("start", "tutorial");

    /** Whether an experiment can start from the tutorial's starts: its settings have the {@code start} key. */
    static boolean hasTutorialStarts(String name, Path projectDir) {
        return Experiments.prepare(name, projectDir, "full", Map.of(), null).run().config().has("start");
    }

    /**
     * {@code -Dsettle_starts=tutorial}: per experiment that can start from the tutorial's starts, ours from those
     * starts into {@code results/same-starts/}, each figure judged by its pairs ({@link Verdict#paired}) against the
     * reference's runs of the same seeds. Its plan ({@link SeedPlan#sameStartsOf}, kept in
     * {@code same-starts/plans/}) is made once, from a pilot of the committed seeds' pairs, which runs first; then the
     * starts of every planned seed are written ({@code reference/run --starts}), the reference's missing seeds run,
     * and ours. Stopped at any point, the same command goes on.
     */
    private static void runSameStarts(Path projectDir, Path results, PrintStream out, Task task, Reference reference,
            boolean inTask, boolean dry) throws Exception {
        Path dir = results.resolve(rnnlab.report.Scoreboard.SAME_STARTS);
        String given = Options.SETTLE.given();
        List<String> able = withFigures().stream().map(Catalog.Facts::name).filter(n -> hasTutorialStarts(n, projectDir))
                .toList();
        List<String> names = namesNone(given) ? names(null).stream().filter(able::contains).toList() : names(given);
        for (String n : names) {
            if (!able.contains(n)) {
                throw new UserError(n + " cannot start from the tutorial's starts (its settings have no 'start' key); "
                        + "-Dsettle_starts=tutorial settles " + (able.isEmpty() ? "none yet" : String.join(", ", able)));
            }
        }
        List<Planned> plans = new ArrayList<>();
        Map<String, ConfiguredRun> prepared = new LinkedHashMap<>();
        for (String name : names) {
            ResultsCsv ref = Comparison.readReference(results, name);
            if (ref == null) {
                out.println("rnnlab: settle: " + name + " has no results/reference/" + name + ".csv to pair with; left out");
                continue;
            }
            Optional<SeedPlan> kept = SeedPlan.read(dir, name);
            if (kept.isEmpty()) {
                // the committed run's seeds, read without preparing a run into dir (which a dry run must not create)
                List<Integer> seeds = List.copyOf(new TreeSet<>(committedSeeds(Experiments.prepare(name, projectDir,
                        "full", Map.of(), results.toString()))));
                out.println("== " + name + ": no same-starts plan yet (" + SeedPlan.file(dir, name) + "); the pilot first: "
                        + "ours from the tutorial's starts at seeds " + seeds + ", every setting (the reference's runs "
                        + "of them are there), then the plan from their pairs");
                if (dry) {
                    continue;
                }
                writeStarts(projectDir, dir, name, seeds, reference, out);
                ConfiguredRun run = prepare(new Planned(name, new SeedPlan(name, List.of()), null, ref), projectDir,
                        results, dir, TUTORIAL_START);
                Jobs.run(List.of(run), Jobs.Runner.LOCAL, out, task, inTask);
                ResultsCsv pilotRuns = read(dir.resolve(name + ".csv"));
                if (pilotRuns == null) {
                    throw new UserError(name + "'s pilot wrote no " + dir.resolve(name + ".csv") + "; its lines above say "
                            + "why; run the same command again to go on");
                }
                kept = Optional.of(SeedPlan.planned(dir, name, () -> SeedPlan.sameStartsOf(name, pilotRuns, ref), true));
            }
            Planned e = new Planned(name, kept.get(), read(dir.resolve(name + ".csv")), ref);
            plans.add(e);
            if (!dry) {
                prepared.put(name, prepare(e, projectDir, results, dir, TUTORIAL_START));
            }
        }
        printSameStarts(plans, dir, results, out);
        if (dry || plans.isEmpty()) {
            return;
        }
        for (Planned e : plans) {
            int most = e.plan().perSetting().values().stream().mapToInt(Integer::intValue).max().orElse(0);
            List<Integer> seeds = new ArrayList<>();
            for (int s = 0; s < most; s++) {
                seeds.add(s);
            }
            writeStarts(projectDir, dir, e.name(), seeds, reference, out);
        }
        List<String> failed = runReference(plans, projectDir, out, reference);
        Jobs.run(List.copyOf(prepared.values()), Jobs.Runner.LOCAL, out, task, inTask);
        rnnlab.report.Scoreboard.write(results); // its same-starts verdicts
        if (!failed.isEmpty()) {
            throw new UserError("reference/run failed for " + String.join("; ", failed) + " (its lines above say why; "
                    + "ours ran); run the same command again to go on");
        }
    }

    /** The tutorial's starts of {@code seeds} that {@code starts/NAME/} lacks, written by {@code reference/run --starts}. */
    static void writeStarts(Path projectDir, Path dir, String name, List<Integer> seeds, Reference reference,
            PrintStream out) throws IOException, InterruptedException {
        writeMissingStarts(projectDir, name, seeds, reference, out);
        // the starts of the pairs, by SHA-1, beside our runs from them in dir (committed with them)
        rnnlab.model.TorchStart.recordOrCheck(startsRecord(dir, name), projectDir, name, seeds);
    }

    /** The SHA-1 of each start our same-starts runs of {@code name} began from: {@code same-starts/starts/NAME.sha1}. */
    static Path startsRecord(Path dir, String name) {
        return dir.resolve("starts").resolve(name + ".sha1");
    }

    private static void writeMissingStarts(Path projectDir, String name, List<Integer> seeds, Reference reference,
            PrintStream out) throws IOException, InterruptedException {
        List<String> missing = seeds.stream().filter(s -> !Files.isRegularFile(rnnlab.model.TorchStart.file(projectDir,
                name, s))).map(String::valueOf).toList();
        if (missing.isEmpty()) {
            return;
        }
        List<String> args = List.of("--starts", "--only", name, "--seeds", String.join(",", missing));
        if (reference.run(projectDir, args, out) != 0) {
            throw new UserError("reference/run " + String.join(" ", args) + " failed (its lines above say why; it needs "
                    + "python3-torch); nothing of ours ran");
        }
    }

    /** The same-starts plan per figure: pairs now and planned, the outlook; per setting, what is left to run. */
    private static void printSameStarts(List<Planned> plans, Path dir, Path results, PrintStream out) {
        double total = 0;
        for (Planned e : plans) {
            out.println("== " + e.name() + " from the tutorial's starts (cap " + Catalog.project().get(e.name()).seedCap()
                    + " pairs; " + SeedPlan.file(dir, e.name()) + ")");
            Map<String, Integer> perSetting = e.plan().perSetting();
            Map<String, Comparison.Row> rows = new HashMap<>();
            if (e.ours() != null) {
                Comparison.sameStartsRows(e.name(), e.ours(), e.reference(), perSetting).forEach(r -> rows.put(r.figure(), r));
            }
            for (SeedPlan.Need n : e.plan().needs()) {
                int planned = perSetting.get(n.setting());
                Comparison.Row row = rows.get(n.figure());
                int pairs = row == null ? 0 : row.ours().n();
                String outlook = row != null && pairs >= planned
                        ? "judged at " + pairs + " pairs: " + row.verdict().outcome()
                        : String.format(Locale.ROOT, "decided at %d pairs with probability %.2f", planned,
                                n.decidedAt(planned));
                out.printf(Locale.ROOT, "   %-52s pairs now %d (pilot %d), needs %s, planned %d; %s%n", n.figure(), pairs,
                        n.oursSeeds(), n.beyondCap() ? "more than " + n.cap() + " (runs at the cap; " + uncapped(n) + ")"
                                : Integer.toString(n.needed()), n.planned(), outlook);
            }
            Map<String, Set<Integer>> ours = e.ours() == null ? Map.of() : seedsOf(e.ours());
            Map<String, Double> ourSecs = Plan.lastTrainingSeconds(e.name(), results);
            for (Map.Entry<String, Integer> s : perSetting.entrySet()) {
                int mo = missing(ours.get(s.getKey()), s.getValue()).size();
                double hours = mo * typicalSeconds(ourSecs, s.getKey()) / 3600;
                total += hours;
                out.printf(Locale.ROOT, " %s: %d pairs planned; to run %d ours from the tutorial's starts; about %.2f "
                        + "core-hours%n", s.getKey(), s.getValue(), mo, hours);
            }
        }
        out.printf(Locale.ROOT, "settle: from the same starts, about %.1f core-hours in all%n", total);
    }

    private static ResultsCsv read(Path file) {
        try {
            return Files.isRegularFile(file) ? ResultsCsv.read(file) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The seeds each base setting has in a CSV (any row naming one). */
    static Map<String, Set<Integer>> seedsOf(ResultsCsv csv) {
        Map<String, Set<Integer>> out = new LinkedHashMap<>();
        for (ResultsCsv.Row r : csv.rows()) {
            Seeds.seed(r.setting()).ifPresent(s -> out.computeIfAbsent(Seeds.base(r.setting()), b -> new TreeSet<>()).add(s));
        }
        return out;
    }

    /** The reference's finished runs' wall seconds, by setting. */
    private static Map<String, Double> wallSeconds(ResultsCsv ref) {
        Map<String, Double> secs = new LinkedHashMap<>();
        ref.rows().stream().filter(r -> r.metric().equals("wall_seconds")).forEach(r -> secs.put(r.setting(), r.value()));
        return secs;
    }

    /** The seeds 0..planned-1 a side lacks. */
    private static List<Integer> missing(Set<Integer> have, int planned) {
        List<Integer> m = new ArrayList<>();
        for (int s = 0; s < planned; s++) {
            if (have == null || !have.contains(s)) {
                m.add(s);
            }
        }
        return m;
    }

    /** The plan per figure and per setting: seeds a side now and planned, core-hours still to spend, the longest job. */
    private static void print(List<Planned> plans, Map<String, ConfiguredRun> prepared, Path results, PrintStream out) {
        double total = 0;
        double openAll = 0;
        int unknownAll = 0;
        int figuresAll = 0;
        for (Planned e : plans) {
            out.println("== " + e.name() + " (cap " + Catalog.project().get(e.name()).seedCap() + " seeds a side; "
                    + SeedPlan.file(results, e.name()) + ")");
            Map<String, Integer> perSetting = e.plan().perSetting();
            Map<String, Set<Integer>> ours = oursNow(e, prepared.get(e.name()).run());
            Map<String, Set<Integer>> oursInCsv = seedsOf(e.ours()); // what the verdict below is read from
            Map<String, Set<Integer>> ref = seedsOf(e.reference());
            Map<String, Comparison.Row> rows = new HashMap<>();
            Comparison.rows(e.name(), e.ours(), e.reference()).forEach(r -> rows.put(r.figure(), r));
            double open = 0;
            int unknown = 0;
            for (SeedPlan.Need n : e.plan().needs()) {
                // a figure is judged at its setting's count, which may exceed its own plan
                int planned = perSetting.get(n.setting());
                Comparison.Row row = rows.get(n.figure());
                boolean done = missing(ref.get(n.setting()), planned).isEmpty()
                        && missing(oursInCsv.get(n.setting()), planned).isEmpty();
                String outlook;
                if (done && row != null && row.verdict() != null) {
                    open += row.verdict().outcome() == Verdict.Outcome.INCONCLUSIVE ? 1 : 0;
                    outlook = "judged at " + row.reference().n() + " / " + row.ours().n() + " seeds: "
                            + row.verdict().outcome();
                } else {
                    double decided = n.decidedAt(planned);
                    if (Double.isNaN(decided)) {
                        unknown++;
                        outlook = "chance of a decided verdict unknown (neither side had two pilot seeds)";
                    } else {
                        open += 1 - decided;
                        outlook = String.format(Locale.ROOT, "decided at %d a side with probability %.2f", planned, decided);
                    }
                }
                out.printf(Locale.ROOT, "   %-52s seeds now %d / %d (reference / ours; pilot %d / %d), needs %s, planned %d; %s%n",
                        n.figure(), count(ref, n.setting()), count(ours, n.setting()), n.referenceSeeds(), n.oursSeeds(),
                        n.beyondCap() ? "more than " + n.cap() + " (runs at the cap; " + uncapped(n) + ")"
                                : Integer.toString(n.needed()),
                        n.planned(), outlook);
            }
            openAll += open;
            unknownAll += unknown;
            figuresAll += e.plan().needs().size();
            out.printf(Locale.ROOT, " likely inconclusive after the plan: about %.1f of its %s%s%n", open,
                    figures(e.plan().needs().size()), unknown == 0 ? "" : "; " + unknown + " more unknown");
            Map<String, Double> ourSecs = Plan.lastTrainingSeconds(e.name(), results);
            Map<String, Double> refSecs = wallSeconds(e.reference());
            for (Map.Entry<String, Integer> s : perSetting.entrySet()) {
                String base = s.getKey();
                int planned = s.getValue();
                int mo = missing(ours.get(base), planned).size();
                int mr = missing(ref.get(base), planned).size();
                double so = typicalSeconds(ourSecs, base);
                double sr = typicalSeconds(refSecs, base);
                double hours = (mo * so + mr * sr) / 3600;
                total += hours;
                out.printf(Locale.ROOT, " %s: %d seeds a side planned; to run %d ours, %d reference; about %.2f core-hours; "
                        + "longest job %s%n", base, planned, mo, mr, hours, mo + mr == 0 ? "-"
                                : minutes(Math.max(mo > 0 ? so : 0, mr > 0 ? sr : 0)));
            }
        }
        out.printf(Locale.ROOT, "settle: about %.1f core-hours in all; about %.1f of its %s likely inconclusive after it "
                + "(those judged inconclusive, and each other figure's chance of staying so by its pilot)%s%n", total,
                openAll, figures(figuresAll), unknownAll == 0 ? "" : "; " + unknownAll + " more unknown");
    }

    /** The most seeds a side the plan looks at past a cap: beyond it a figure's need is "more than". */
    static final int UNCAPPED_LIMIT = 1000;

    /**
     * What a figure beyond its cap would need ("about 140 without it", or "more than 1000 without it"), and whether its
     * interval at the cap would be wider than its tolerance (then it cannot fit inside, whatever the difference) or
     * narrower (then only a difference near the tolerance's edge keeps it open).
     */
    private static String uncapped(SeedPlan.Need n) {
        int without = n.neededWithout(UNCAPPED_LIMIT);
        double half = n.halfWidthAt(n.cap());
        return (without > UNCAPPED_LIMIT ? "more than " + UNCAPPED_LIMIT : "about " + without) + " without it"
                + (Double.isNaN(half) ? "" : String.format(Locale.ROOT, "; at the cap its interval \u00b1%.3g, %s the "
                        + "tolerance \u00b1%.3g", half, half > n.tolerance() ? "wider than" : "within", n.tolerance()));
    }

    /** "1 planned figure", "14 planned figures": those with reference values, the only ones a plan has. */
    private static String figures(int n) {
        return n + (n == 1 ? " planned figure" : " planned figures");
    }

    private static int count(Map<String, Set<Integer>> seeds, String base) {
        return seeds.getOrDefault(base, Set.of()).size();
    }

    private static String minutes(double seconds) {
        return seconds < 90 ? String.format(Locale.ROOT, "%.0f s", seconds)
                : String.format(Locale.ROOT, "%.1f min", seconds / 60);
    }

    /**
     * The reference's missing runs: per experiment, the settings that lack the same seeds in one group, and per group
     * {@code -Djobs} processes ({@code reference/run --seeds ... --only NAME --bases ...}), each given every missing
     * seed: the scripts claim a run before they train it, so the processes share the runs out one at a time and none
     * is left to one process at the end. Groups whose runs take longest start first. Returns the calls that failed.
     */
    private static List<String> runReference(List<Planned> plans, Path projectDir, PrintStream out,
            Reference reference) throws Exception {
        int cores = Workers.requested();
        List<List<String>> calls = new ArrayList<>();
        Map<List<String>, Double> runSeconds = new HashMap<>();
        for (Planned e : plans) {
            Map<String, Set<Integer>> have = seedsOf(e.reference());
            Map<String, Double> secs = wallSeconds(e.reference());
            Map<List<Integer>, List<String>> bySeeds = new LinkedHashMap<>();
            e.plan().perSetting().forEach((base, planned) -> {
                List<Integer> m = missing(have.get(base), planned);
                if (!m.isEmpty()) {
                    bySeeds.computeIfAbsent(m, k -> new ArrayList<>()).add(base);
                }
            });
            bySeeds.forEach((seeds, bases) -> {
                List<String> call = List.of("--seeds", String.join(",", seeds.stream().map(String::valueOf).toList()),
                        "--only", e.name(), "--bases", String.join(",", bases));
                double longest = bases.stream().mapToDouble(b -> typicalSeconds(secs, b)).max().orElse(0);
                for (int i = 0; i < Math.min(cores, seeds.size() * bases.size()); i++) {
                    calls.add(call);
                    runSeconds.put(call, longest);
                }
            });
        }
        if (calls.isEmpty()) {
            return List.of();
        }
        List<List<String>> order = new ArrayList<>(calls);
        order.sort(Comparator.comparingDouble((List<String> c) -> runSeconds.get(c)).reversed());
        out.println("rnnlab: settle: the tutorial's code, " + order.size() + " processes, " + Math.min(cores, order.size())
                + " at a time (reference/run; finished runs are skipped, and each run is trained by one process)");
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(cores, order.size()));
        List<String> failed = Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (List<String> args : order) {
                done.add(pool.submit(() -> {
                    try {
                        if (reference.run(projectDir, args, out) != 0) {
                            failed.add(String.join(" ", args));
                        }
                    } catch (IOException e) { // reference/run could not start: said at the end, as a failed run is
                        failed.add(String.join(" ", args) + " (" + e.getMessage() + ")");
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return failed;
    }

    /**
     * Our seeds per base setting now: those in our CSV and those whose finished job is kept in {@code results/runs/}
     * (a stopped sitting's finished jobs are there before the CSV is written again).
     */
    private static Map<String, Set<Integer>> oursNow(Planned e, Run run) {
        Map<String, Set<Integer>> now = seedsOf(e.ours());
        e.plan().perSetting().forEach((base, planned) -> {
            for (int s = 0; s < planned; s++) {
                if (FinishedJobs.read(run, Seeds.setting(base, s), msg -> { }).isPresent()) {
                    now.computeIfAbsent(base, b -> new TreeSet<>()).add(s);
                }
            }
        });
        return now;
    }

    /**
     * A run's seconds at a base setting: the median of its seeds' (one run slowed by a shared or paused machine does
     * not set the estimate); a setting with none, the median of every run's; 0 when nothing is known.
     */
    static double typicalSeconds(Map<String, Double> secs, String base) {
        double[] same = secs.entrySet().stream().filter(x -> Seeds.base(x.getKey()).equals(base))
                .mapToDouble(Map.Entry::getValue).toArray();
        double[] runs = same.length > 0 ? same : secs.values().stream().mapToDouble(Double::doubleValue).toArray();
        return runs.length == 0 ? 0 : Failures.median(runs);
    }

    /**
     * A plain full-profile run of {@code name} (no overrides, no other folder) where a plan is kept: the plan's seeds,
     * so that the run's CSV and pages keep every planned seed instead of falling back to the file's; empty without a
     * kept plan. Nothing is planned here: only a plan {@code -Dexp=settle} wrote is followed.
     */
    public static Optional<ConfiguredRun> keptPlan(String name, Path projectDir, Path results) {
        return SeedPlan.read(results, name).map(plan -> prepare(new Planned(name, plan, null, null), projectDir,
                results));
    }

    /**
     * Our side of a plan: the full profile, its seeds widened to the largest planned count, into {@code results}
     * beside the committed runs (a seeds-only change keeps the finished jobs' keys, so every one is reused), its jobs
     * those of the committed seeds and, per base setting, seeds 0 to its planned count less one.
     */
    static ConfiguredRun prepare(Planned e, Path projectDir, Path results) {
        return prepare(e, projectDir, results, results, Map.of());
    }

    /**
     * {@link #prepare(Planned, Path, Path)} into {@code outDir} with {@code extra} overrides besides the seeds (the
     * same-starts runs: {@code start=tutorial} into {@code results/same-starts/}); with no plan rows, the committed seeds.
     */
    static ConfiguredRun prepare(Planned e, Path projectDir, Path results, Path outDir, Map<String, String> extra) {
        int most = e.plan().perSetting().values().stream().mapToInt(Integer::intValue).max().orElse(0);
        ConfiguredRun committed = Experiments.prepare(e.name(), projectDir, "full", Map.of(), results.toString());
        Set<String> jobs = new LinkedHashSet<>(committed.configured().jobs());
        e.plan().perSetting().forEach((base, planned) -> {
            for (int s = 0; s < planned; s++) {
                jobs.add(Seeds.setting(base, s));
            }
        });
        Set<Integer> seeds = new TreeSet<>(committedSeeds(committed));
        for (int s = 0; s < most; s++) {
            seeds.add(s);
        }
        if (seeds.isEmpty() && extra.isEmpty()) {
            return committed; // a plan with no rows (no figure had reference runs) widens nothing
        }
        Map<String, String> overrides = new LinkedHashMap<>(extra);
        overrides.put("seeds", String.join(",", seeds.stream().map(String::valueOf).toList()));
        return Experiments.prepare(e.name(), projectDir, "full", overrides, outDir.toString(),
                JobScope.ALL.planned(jobs));
    }

    private static List<Integer> committedSeeds(ConfiguredRun committed) {
        List<Integer> out = new ArrayList<>();
        committed.configured().jobs().forEach(j -> Seeds.seed(j).ifPresent(out::add));
        return out;
    }
}
