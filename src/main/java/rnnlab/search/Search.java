package rnnlab.search;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.CandidateGenerator;
import org.deeplearning4j.arbiter.optimize.generator.GridSearchCandidateGenerator;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import rnnlab.core.AtomicFiles;
import rnnlab.core.Catalog;
import rnnlab.core.Cli;
import rnnlab.core.Config;
import rnnlab.core.ConfiguredRun;
import rnnlab.core.Options;
import rnnlab.core.ResultsCsv;
import rnnlab.core.UserError;
import rnnlab.experiments.Experiments;
import rnnlab.jobs.Jobs;
import rnnlab.jobs.Task;
import rnnlab.jobs.Workers;
import rnnlab.report.Scoreboard;

/**
 * {@code -Dexp=NAME -Dsearch=random|grid}: a hyperparameter search over the space NAME's properties file
 * declares ({@code search.KEY=RANGE}, see {@link SearchSpace}). Arbiter's generators draw the candidates; the
 * schedule is asynchronous successive halving ({@link Halving}): each candidate starts on a short run and one seed,
 * and the best share goes on to longer runs on more seeds, up to the experiment's own epochs on
 * {@code -Dsearch_seeds} seeds. Then the best {@code -Dconfirm_top} candidates and the experiment's own settings run on
 * {@code -Dconfirm_seeds} new seeds, and the page's headline is that confirmed figure with its interval and a verdict
 * ({@link Confirmation}). Each candidate, rung and seed is a job of its own, run in the chosen profile on top of any
 * {@code -DKEY=value} overrides, here or on worker JVMs, reusing finished ones.
 *
 * <p>Options: {@code -Dcandidates=N} (random: default 20; grid: default and at most the whole grid),
 * {@code -Dsearch_minutes=M} (no candidate starts after M minutes), {@code -Dsearch_seed=S} (random: default 0),
 * {@code -Dgrid_points=K} (grid: values per real or whole-number range, default 3), and the schedule's: see
 * {@link rnnlab.core.Options#SEARCH_OPTIONS}. It writes {@code results/search/TITLE.md} and {@code .csv} after each
 * job; each job's own tables go to the gitignored {@code runs/search/TITLE/}. With {@code -Dout=DIR} both go under
 * DIR instead.
 */
public final class Search {
    private static final Logger log = LoggerFactory.getLogger(Search.class);
    private static final Logger trace = LoggerFactory.getLogger("rnnlab.trace");

    private final Catalog.Facts entry;
    private final Path projectDir;
    private final String profile;
    private final Map<String, String> overrides;
    private final SearchSpace space;
    private final CandidateGenerator generator;
    private final int candidates;
    private final Double minutes;
    private final Path resultsDir;
    private final Path workDir;
    private final SearchReport report;
    private final ObjectiveScore score;
    private final Halving halving;
    private final int searchSeeds;
    private final int confirmTop;
    private final int confirmSeeds;
    /** How a job goes on a worker JVM, when several run at once. */
    private final Task task;

    private Search(Catalog.Facts entry, Path projectDir, String profile, Map<String, String> overrides,
            SearchSpace space, CandidateGenerator generator, int candidates, Double minutes, Path resultsDir,
            Path workDir, SearchReport report, ObjectiveScore score, Halving halving, int[] confirm, Task task) {
        this.entry = entry;
        this.task = task;
        this.projectDir = projectDir;
        this.profile = profile;
        this.overrides = overrides;
        this.space = space;
        this.generator = generator;
        this.candidates = candidates;
        this.minutes = minutes;
        this.resultsDir = resultsDir;
        this.workDir = workDir;
        this.report = report;
        this.score = score;
        this.halving = halving;
        this.searchSeeds = halving.last().seeds();
        this.confirmTop = confirm[0];
        this.confirmSeeds = confirm[1];
    }

    /** Validates everything the search needs (options, space, the experiment's settings, folders) before it runs. */
    public static Search of(Cli cli, Catalog.Facts entry, Path projectDir, String out, Task task) {
        Map<String, String> opts = cli.searchOptions();
        String method = opts.get("search");
        if (method == null) {
            throw new UserError(String.join(", ", opts.keySet().stream().map(k -> "-D" + k).toList()) + " shape a search, "
                    + "which -Dsearch=random or -Dsearch=grid starts (docs/search.md); add one, or drop them to train once");
        }
        if (!(method.equals("random") || method.equals("grid"))) {
            throw new UserError("Invalid value for -Dsearch: '" + method
                    + "'; expected random or grid (with -Dcandidates, -Dsearch_minutes, -Dsearch_seed, -Dgrid_points)");
        }
        Catalog.Objective objective = entry.objective().orElseThrow(() -> new UserError(
                entry.name() + " cannot be searched: it trains nothing to score; searchable experiments: "
                        + String.join(", ", Catalog.project().searchable())));
        if (Jobs.runner(false) != Jobs.Runner.LOCAL) {
            // its rungs promote candidates as results arrive, which the local workers' pool serves, job by job
            throw new UserError("A search runs its candidates on this machine's worker JVMs (-Djobs=N); -Drunner=spark "
                    + "runs experiments' jobs, not a search's: drop -Drunner");
        }
        boolean grid = method.equals("grid");
        if (!grid && opts.containsKey("grid_points")) {
            throw new UserError("-Dgrid_points applies to -Dsearch=grid only");
        }
        if (grid && opts.containsKey("search_seed")) {
            throw new UserError("-Dsearch_seed applies to -Dsearch=random only (a grid runs in order)");
        }
        if (cli.overrides().containsKey("seeds")) {
            throw new UserError("-Dseeds: a search picks its own seeds (0 up to -Dsearch_seeds, then -Dconfirm_seeds "
                    + "new ones); drop it");
        }
        Config config = Config.load(projectDir.resolve("experiments"), entry.name(), cli.profile(), cli.overrides());
        SearchSpace space = SearchSpace.parse(entry.name(), config.searchSpace());
        for (String k : space.keys()) {
            if (cli.overrides().containsKey(k)) {
                throw new UserError("-D" + k + " fixes a key the search draws (search." + k + "="
                        + space.range(k) + "); drop one of them");
            }
        }
        CandidateGenerator generator;
        String generatorText;
        int candidates;
        if (grid) {
            int points = Options.GRID_POINTS.integer(opts, 2, 100);
            GridSearchCandidateGenerator g = new GridSearchCandidateGenerator(space, points,
                    GridSearchCandidateGenerator.Mode.Sequential, null);
            candidates = Options.CANDIDATES.integer(opts, g.getTotalNumCandidates(), 1, g.getTotalNumCandidates());
            generator = g;
            generatorText = "`GridSearchCandidateGenerator` (" + points + " points per numeric range, "
                    + g.getTotalNumCandidates() + " in the grid, in order)";
        } else {
            long seed = Options.SEARCH_SEED.integer(opts, 0, Integer.MAX_VALUE);
            candidates = Options.CANDIDATES.integer(opts, Options.RANDOM_CANDIDATES, 1, 100_000);
            RandomSearchGenerator g = new RandomSearchGenerator(space, null);
            g.setRngSeed(seed);
            generator = g;
            generatorText = "`RandomSearchGenerator` (seed " + seed + ")";
        }
        Double minutes = null;
        if (opts.containsKey("search_minutes")) {
            try {
                minutes = Double.parseDouble(opts.get("search_minutes"));
            } catch (NumberFormatException e) {
                minutes = Double.NaN;
            }
            if (!(minutes > 0) || minutes.isInfinite()) {
                throw new UserError("Invalid value for -Dsearch_minutes: '" + opts.get("search_minutes")
                        + "'; expected a number of minutes above 0");
            }
        }
        int seeds = Options.SEARCH_SEEDS.integer(opts, 1, 100);
        int eta = Options.HALVING_ETA.integer(opts, 2, 100);
        int[] confirm = {Options.CONFIRM_TOP.integer(opts, 1, candidates), Options.CONFIRM_SEEDS.integer(opts, 2, 1000)};
        Integer rungsGiven = opts.containsKey(Options.HALVING_RUNGS.key())
                ? Options.HALVING_RUNGS.integer(opts, Options.HALVING_RUNGS_AT_MOST, 1, 100) : null;

        String title = title(entry.name(), cli.profile(), cli.overrides());
        Path resultsDir = out != null ? Path.of(out) : projectDir.resolve("results");
        Path searchDir = resultsDir.resolve("search");
        // the experiment's own settings must be valid, and the search's folder writable, before anything runs
        Experiments.prepare(entry.name(), projectDir, cli.profile(), cli.overrides(), searchDir.toString());
        Path workDir = (out != null ? Path.of(out) : projectDir).resolve("runs").resolve("search").resolve(title);
        int epochs = Integer.parseInt(config.values().get("epochs").strip()); // valid: prepare read it
        int rungCount = rungsGiven != null ? rungsGiven : Math.min(Options.HALVING_RUNGS_AT_MOST, Halving.mostRungs(epochs, eta));
        Halving halving = new Halving(Halving.rungs(epochs, eta, rungCount, seeds), eta, objective.metric(),
                objective.minimize());
        Map<String, String> own = new LinkedHashMap<>();
        for (String k : space.keys()) {
            own.put(k, config.values().get(k));
        }
        StringBuilder command = new StringBuilder("mvn -q exec:java -Dexp=" + entry.name());
        if (!cli.profile().equals("full")) {
            command.append(" -Dprofile=").append(cli.profile());
        }
        cli.overrides().forEach((k, v) -> command.append(" -D").append(k).append('=').append(v));
        String schedule = schedule(eta, halving.rungs());
        SearchReport report = new SearchReport(new SearchReport.Plan(entry.name(),
                entry.name() + " (" + cli.profile() + " profile" + (cli.overrides().isEmpty() ? "" : ", "
                        + String.join(", ", cli.overrides().entrySet().stream().map(e -> e.getKey() + "="
                                + e.getValue()).toList())) + ")",
                generatorText, schedule, objective, space, own, command.toString(), searchCommand(cli),
                candidates, seeds, confirm[0], confirm[1],
                Halving.plannedRuns(halving.rungs(), eta, candidates, confirm[0], confirm[1])),
                halving, searchDir.resolve(title + ".md"), searchDir.resolve(title + ".csv"));
        return new Search(entry, projectDir, cli.profile(), cli.overrides(), space, generator, candidates, minutes,
                resultsDir, workDir, report, new ObjectiveScore(entry.name(), objective), halving, confirm, task);
    }

    /** The command that runs this search again, for its page. */
    static String searchCommand(Cli cli) {
        StringBuilder sb = new StringBuilder("mvn -q exec:java -Dexp=" + cli.exp());
        if (!cli.profile().equals("full")) {
            sb.append(" -Dprofile=").append(cli.profile());
        }
        cli.overrides().forEach((k, v) -> sb.append(" -D").append(k).append('=').append(v));
        cli.searchOptions().forEach((k, v) -> sb.append(" -D").append(k).append('=').append(v));
        return sb.toString();
    }

    /** The search's file name: the experiment, then each override as key-value, then the profile unless quick. */
    static String title(String experiment, String profile, Map<String, String> overrides) {
        StringBuilder sb = new StringBuilder(experiment);
        overrides.forEach((k, v) -> sb.append('_').append(k).append('-').append(v));
        if (!profile.equals("quick")) {
            sb.append('_').append(profile);
        }
        return sb.toString().replaceAll("[^A-Za-z0-9._=-]", "-");
    }

    /** One job: a candidate (-1: the experiment's own settings) on one seed for some epochs, in its own folder. */
    record Work(int candidate, Map<String, String> values, int rung, int epochs, int seed) {
        String folder() {
            return (candidate < 0 ? "baseline" : "candidate-" + candidate) + "/epochs-" + epochs + "/seed-" + seed;
        }
    }

    /**
     * Runs the halving schedule, then the confirmation, then writes the final page and the scoreboard. Every job's
     * folder is kept: a search stopped and run again draws the same candidates, and each job that finished is reused
     * from its folder ({@link rnnlab.checkpoints.FinishedJobs}), so its rungs go on where they stopped;
     * {@code -Dfresh=true} starts it over.
     */
    public void run() throws IOException {
        if (Options.FRESH.bool()) {
            deleteTree(workDir);
        }
        int jobs = Workers.requested();
        // with several jobs at once each runs in a worker JVM: as threads of one they shared its collector and
        // allocator and ran 1.49x one at a time on two cores; a worker's output comes prefixed with its job
        Workers.Pool pool = jobs > 1 ? new Workers.Pool(jobs, System.out, System.err, task) : null;
        try {
            log.info("search {}: {} candidates over {} ({}), asynchronous successive halving over rungs {}, then the "
                    + "best {} and the experiment's own settings on {} new seeds", entry.name(), candidates,
                    space.keys(), score.objective().description(), halving.rungs(), confirmTop, confirmSeeds);
            long start = System.currentTimeMillis();
            workers(Math.max(1, jobs), pool, () -> nextHalvingWork(start));
            confirmation.addAll(confirmationWork());
            workers(Math.max(1, jobs), pool, this::nextConfirmationWork);
        } finally {
            if (pool != null) {
                pool.close();
            }
        }
        report.write(true);
        Scoreboard.write(resultsDir);
        log.info("search {}: {}", entry.name(), report.headline());
    }

    /** {@code n} threads (here: the calling one) each taking work from {@code next} until it hands out null. */
    private void workers(int n, Workers.Pool pool, WorkSource next) {
        Runnable loop = () -> {
            try {
                for (Work w = next.take(); w != null; w = next.take()) {
                    runAndScore(w, pool);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        if (n == 1) {
            loop.run();
            return;
        }
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(loop, "rnnlab-search-" + i);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Where a search thread takes its next job from; null: no more. */
    private interface WorkSource {
        Work take() throws InterruptedException;
    }

    private final ArrayDeque<Work> queue = new ArrayDeque<>();
    private final ArrayDeque<Work> confirmation = new ArrayDeque<>();
    /** Per candidate and rung: the scores of its seeds so far (NaN: not yet). */
    private final Map<String, double[]> pending = new HashMap<>();
    private final Map<Integer, Map<String, String>> drawn = new HashMap<>();
    private int running;
    private int started;

    /**
     * The next job of the halving schedule (ASHA's order): a promoted candidate's seeds first, else a new candidate
     * while the count and time allow, else wait for a running job; null once nothing runs and nothing is left.
     */
    private synchronized Work nextHalvingWork(long start) throws InterruptedException {
        while (true) {
            if (!queue.isEmpty()) {
                running++;
                return queue.poll();
            }
            Halving.Promotion p = halving.promotion(false);
            boolean more = started < candidates && generator.hasMoreCandidates()
                    && (minutes == null || System.currentTimeMillis() - start < minutes * 60_000);
            if (p == null && !more && running == 0) {
                p = halving.promotion(true);
                if (p == null) {
                    return null;
                }
            }
            if (p != null) {
                enqueue(p.candidate(), p.rung());
            } else if (more) {
                Candidate<?> c = generator.getCandidate();
                @SuppressWarnings("unchecked")
                Map<String, String> values = (Map<String, String>) c.getValue();
                started++;
                drawn.put(c.getIndex(), values);
                halving.start(c.getIndex());
                report.started(c.getIndex(), values);
                enqueue(c.getIndex(), 0);
            } else {
                wait();
            }
        }
    }

    private void enqueue(int candidate, int rung) {
        Halving.Rung r = halving.rungs().get(rung);
        double[] scores = new double[r.seeds()];
        Arrays.fill(scores, Double.NaN);
        pending.put(candidate + "/" + rung, scores);
        for (int seed = 0; seed < r.seeds(); seed++) {
            queue.add(new Work(candidate, drawn.get(candidate), rung, r.epochs(), seed));
        }
    }

    /** The best {@code confirmTop} candidates and the experiment's own settings, on seeds after the search's. */
    private synchronized List<Work> confirmationWork() {
        List<Work> out = new ArrayList<>();
        int epochs = halving.last().epochs();
        List<Halving.Trial> best = halving.ranking().stream().filter(t -> !t.failed && t.reached() >= 0)
                .limit(confirmTop).toList();
        for (int i = 0; i < confirmSeeds; i++) {
            int seed = searchSeeds + i;
            out.add(new Work(-1, Map.of(), -1, epochs, seed));
            for (Halving.Trial t : best) {
                out.add(new Work(t.candidate, drawn.get(t.candidate), -1, epochs, seed));
            }
        }
        return out;
    }

    private synchronized Work nextConfirmationWork() {
        return confirmation.poll();
    }

    /** Runs one job, scores it and hands the score to the schedule or the confirmation; never throws. */
    private void runAndScore(Work w, Workers.Pool pool) {
        long begin = System.nanoTime();
        Path out = workDir.resolve(w.folder());
        Double kept = keptSeconds(out); // a job that ran before: reused now, it costs what it cost then
        Double value = null;
        String error = null;
        try {
            Map<String, String> all = new LinkedHashMap<>(w.values());
            all.put("epochs", Integer.toString(w.epochs()));
            all.put("seeds", Integer.toString(w.seed()));
            runExperiment(all, out, pool, entry.name() + " " + w.folder());
            value = score.score(out);
        } catch (UserError e) {
            error = e.getMessage();
        } catch (Throwable t) {
            trace.error("search job " + w.folder() + " failed", t);
            error = t.getMessage() != null && t instanceof IllegalStateException ? t.getMessage() : t.toString();
        }
        double ran = Math.max((System.nanoTime() - begin) / 1e9, score.trainSeconds(out));
        double seconds = kept != null ? kept : error == null ? keepSeconds(out, ran) : ran;
        synchronized (this) {
            report.ran(w, seconds, value, error);
            if (w.rung() >= 0) {
                running--;
                double[] scores = pending.get(w.candidate() + "/" + w.rung());
                if (error != null) {
                    halving.failed(w.candidate());
                    report.failed(w.candidate(), error);
                } else {
                    scores[w.seed()] = value;
                    if (Arrays.stream(scores).noneMatch(Double::isNaN) && !halving.trial(w.candidate()).failed) {
                        halving.finished(w.candidate(), w.rung(), scores);
                    }
                }
                notifyAll();
            }
            report.write(false);
        }
    }

    /** One job's run: here, or on {@code pool}'s worker JVMs (its error line, if it fails, as the reason). */
    private void runExperiment(Map<String, String> values, Path outDir, Workers.Pool pool, String name)
            throws Exception {
        Map<String, String> all = new LinkedHashMap<>(overrides);
        all.putAll(values);
        ConfiguredRun prepared = Experiments.prepare(entry.name(), projectDir, profile, all, outDir.toString()); // a bad value ends here
        if (pool == null) {
            prepared.execute();
            return;
        }
        Workers.Outcome o = pool.run(new Workers.Job(name, Workers.jobProperties(projectDir, entry.name(), profile,
                outDir, all)));
        if (o.exitCode() != 0) {
            throw new UserError(o.error() != null ? o.error() : "its worker ended with exit status " + o.exitCode());
        }
    }

    SearchReport report() {
        return report;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The schedule as the page names it: ASHA with its eta and rungs, or no halving with one rung. */
    static String schedule(int eta, List<Halving.Rung> rungs) {
        String text = String.join("; ", rungs.stream()
                .map(r -> r.epochs() + " epochs on " + r.seeds() + " seed" + (r.seeds() == 1 ? "" : "s")).toList());
        return rungs.size() == 1 ? "no halving (`-Dhalving_rungs=1`): every candidate " + text
                : "asynchronous successive halving (ASHA, Li et al. 2018): reduction factor eta " + eta + ", "
                        + rungs.size() + " rungs (" + text + ")";
    }

    /** The file in a search job's folder that keeps what the job cost when it ran (its wall seconds). */
    static final String JOB_SECONDS = "job_seconds.txt";

    /**
     * The seconds a job cost when it ran, kept in its folder once it has run ({@link #keepSeconds}), or null: a search
     * run again reuses the job and reports what it cost then, so that its page's core time does not change.
     */
    static Double keptSeconds(Path out) {
        try {
            return Double.parseDouble(Files.readString(out.resolve(JOB_SECONDS)).trim());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Keeps {@code seconds} as what the job in {@code out} cost and returns it: its wall seconds (at least its
     * training seconds; a job finished before the file was kept is reused in less, so it counts its training).
     */
    static double keepSeconds(Path out, double seconds) {
        try {
            Files.createDirectories(out);
            AtomicFiles.write(out.resolve(JOB_SECONDS), ResultsCsv.number(seconds) + "\n");
        } catch (RuntimeException | IOException e) {
            // the page's figure only: the search goes on
        }
        return seconds;
    }
}
