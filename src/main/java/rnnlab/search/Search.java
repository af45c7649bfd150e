package rnnlab.search;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.CandidateGenerator;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.api.termination.MaxCandidatesCondition;
import org.deeplearning4j.arbiter.optimize.api.termination.MaxTimeCondition;
import org.deeplearning4j.arbiter.optimize.api.termination.TerminationCondition;
import org.deeplearning4j.arbiter.optimize.config.OptimizationConfiguration;
import org.deeplearning4j.arbiter.optimize.generator.GridSearchCandidateGenerator;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;
import org.deeplearning4j.arbiter.optimize.runner.LocalOptimizationRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import rnnlab.checkpoints.Checkpoint;
import rnnlab.core.Catalog;
import rnnlab.core.Cli;
import rnnlab.core.Config;
import rnnlab.core.ConfiguredRun;
import rnnlab.core.ResultsCsv;
import rnnlab.core.UserError;
import rnnlab.experiments.Experiments;
import rnnlab.jobs.Task;
import rnnlab.jobs.Workers;
import rnnlab.report.Scoreboard;

/**
 * {@code -Dexp=NAME -Dsearch=random|grid}: a hyperparameter search over the space NAME's properties file
 * declares ({@code search.KEY=RANGE}, see {@link SearchSpace}), through Arbiter: its candidate generators,
 * termination conditions and {@link LocalOptimizationRunner}, with {@link ExperimentTaskCreator} running the
 * experiment itself for each candidate in the chosen profile, on top of any {@code -DKEY=value} overrides.
 *
 * <p>Options: {@code -Dcandidates=N} (random: default 20; grid: default and at most the whole grid),
 * {@code -Dsearch_minutes=M} (no candidate starts after M minutes), {@code -Dsearch_seed=S} (random: default 0),
 * {@code -Dgrid_points=K} (grid: values per real or whole-number range, default 3). It first runs the
 * experiment's own settings as a baseline, then the candidates one at a time, and writes
 * {@code results/search/TITLE.md} and {@code .csv} after each; each candidate's own tables go to the gitignored
 * {@code runs/search/TITLE/candidate-N/}. With {@code -Dout=DIR} both go under DIR instead.
 */
public final class Search {
    private static final Logger log = LoggerFactory.getLogger(Search.class);

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
    /** How a candidate's run goes on a worker JVM, when several run at once. */
    private final Task task;

    private Search(Catalog.Facts entry, Path projectDir, String profile, Map<String, String> overrides,
            SearchSpace space, CandidateGenerator generator, int candidates, Double minutes, Path resultsDir,
            Path workDir, SearchReport report, ObjectiveScore score, Task task) {
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
    }

    /** Validates everything the search needs (options, space, the experiment's settings, folders) before it runs. */
    public static Search of(Cli cli, Catalog.Facts entry, Path projectDir, String out, Task task) {
        Map<String, String> opts = cli.searchOptions();
        String method = opts.get("search");
        if (method == null || !(method.equals("random") || method.equals("grid"))) {
            throw new UserError("Invalid value for -Dsearch: '" + (method == null ? "" : method)
                    + "'; expected random or grid (with -Dcandidates, -Dsearch_minutes, -Dsearch_seed, -Dgrid_points)");
        }
        Catalog.Objective objective = entry.objective().orElseThrow(() -> new UserError(
                entry.name() + " cannot be searched: it trains nothing to score; searchable experiments: "
                        + String.join(", ", Catalog.project().searchable())));
        boolean grid = method.equals("grid");
        if (!grid && opts.containsKey("grid_points")) {
            throw new UserError("-Dgrid_points applies to -Dsearch=grid only");
        }
        if (grid && opts.containsKey("search_seed")) {
            throw new UserError("-Dsearch_seed applies to -Dsearch=random only (a grid runs in order)");
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
            int points = integer(opts, "grid_points", 3, 2, 100);
            GridSearchCandidateGenerator g = new GridSearchCandidateGenerator(space, points,
                    GridSearchCandidateGenerator.Mode.Sequential, null);
            candidates = integer(opts, "candidates", g.getTotalNumCandidates(), 1, g.getTotalNumCandidates());
            generator = g;
            generatorText = "`GridSearchCandidateGenerator` (" + points + " points per numeric range, "
                    + g.getTotalNumCandidates() + " in the grid, in order)";
        } else {
            long seed = integer(opts, "search_seed", 0, 0, Integer.MAX_VALUE);
            candidates = integer(opts, "candidates", 20, 1, 100_000);
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

        String title = title(entry.name(), cli.profile(), cli.overrides());
        Path resultsDir = out != null ? Path.of(out) : projectDir.resolve("results");
        Path searchDir = resultsDir.resolve("search");
        // the experiment's own settings must be valid, and the search's folder writable, before anything runs
        Experiments.prepare(entry.name(), projectDir, cli.profile(), cli.overrides(), searchDir.toString());
        Path workDir = (out != null ? Path.of(out) : projectDir).resolve("runs").resolve("search").resolve(title);
        Map<String, String> own = new LinkedHashMap<>();
        for (String k : space.keys()) {
            own.put(k, config.values().get(k));
        }
        StringBuilder command = new StringBuilder("mvn -q exec:java -Dexp=" + entry.name());
        if (!cli.profile().equals("full")) {
            command.append(" -Dprofile=").append(cli.profile());
        }
        cli.overrides().forEach((k, v) -> command.append(" -D").append(k).append('=').append(v));
        SearchReport report = new SearchReport(new SearchReport.Plan(entry.name(),
                entry.name() + " (" + cli.profile() + " profile" + (cli.overrides().isEmpty() ? "" : ", "
                        + String.join(", ", cli.overrides().entrySet().stream().map(e -> e.getKey() + "="
                                + e.getValue()).toList())) + ")",
                generatorText, objective, space, own, command.toString(), candidates),
                searchDir.resolve(title + ".md"), searchDir.resolve(title + ".csv"));
        return new Search(entry, projectDir, cli.profile(), cli.overrides(), space, generator, candidates, minutes,
                resultsDir, workDir, report, new ObjectiveScore(entry.name(), objective), task);
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

    private static int integer(Map<String, String> opts, String key, int dflt, int min, int max) {
        String v = opts.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UserError("Invalid value for -D" + key + ": '" + v + "'; expected a whole number from " + min
                + " to " + max);
    }

    /**
     * The order the runs ask the worker pool for a worker in: the baseline (place 0) first, then the candidates as
     * the widest-first generator hands them out. Without it the baseline and Arbiter's threads ask at once and the
     * pool serves them in no fixed order (a 512-wide candidate waited about a minute behind a 256-wide one). A run waits for
     * its turn at most {@link #PATIENCE_MS}, so that an order the runner never completes costs time, not a deadlock.
     */
    static final class StartOrder {
        static final long PATIENCE_MS = 20_000;
        final Map<String, Integer> places = new ConcurrentHashMap<>();
        private int next;

        int place(String folder) {
            return folder.equals("baseline") ? 0 : places.getOrDefault(folder, Integer.MAX_VALUE);
        }

        synchronized void awaitTurn(int place) throws InterruptedException {
            if (place == Integer.MAX_VALUE) {
                return; // not handed out by the generator: no place in the order
            }
            long until = System.currentTimeMillis() + PATIENCE_MS;
            for (long left = PATIENCE_MS; place > next && left > 0; left = until - System.currentTimeMillis()) {
                wait(left);
            }
        }

        synchronized void started(int place) {
            if (place == Integer.MAX_VALUE) {
                return;
            }
            next = Math.max(next, place + 1);
            notifyAll();
        }
    }

    /**
     * What sets a candidate's time, to start the longest first: its {@code hidden_size} (the searched spaces' one
     * key that does; a quick JayChouRnn search's candidates took 8 s at 64 and 30 s at 512), 0 when it has none.
     */
    static double width(Object values) {
        if (values instanceof Map<?, ?> m && m.get("hidden_size") != null) {
            try {
                return Double.parseDouble(m.get("hidden_size").toString());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    /**
     * {@code g}, handing out at most {@code n} candidates: with several running at once, Arbiter's runner checks its
     * candidate count only as each candidate starts, and would start one more per extra task. Given an
     * {@code order} (null: the draw's order) it draws all {@code n} at the start (random and grid generators do not learn from results)
     * and hands them out by {@link #width} descending, ties in the draw's order: the longest-first rule that keeps
     * parallel workers busy to the end, recording each one's place in {@code order}. Each candidate keeps the number the draw gave it, so its folder, its row and
     * a resumed search's reuse of it are the same in either order.
     */
    static CandidateGenerator limited(CandidateGenerator g, int n, StartOrder order) {
        boolean widestFirst = order != null;
        return new CandidateGenerator() {
            private int handed;
            private ArrayDeque<Candidate> drawn;

            @Override
            public synchronized boolean hasMoreCandidates() {
                if (widestFirst) {
                    draw();
                    return !drawn.isEmpty();
                }
                return handed < n && g.hasMoreCandidates();
            }

            @Override
            public synchronized Candidate getCandidate() {
                if (widestFirst) {
                    draw();
                    return drawn.poll();
                }
                handed++;
                return g.getCandidate();
            }

            private void draw() {
                if (drawn != null) {
                    return;
                }
                List<Candidate> all = new ArrayList<>();
                while (all.size() < n && g.hasMoreCandidates()) {
                    all.add(g.getCandidate());
                }
                all.sort(Comparator.comparingDouble((Candidate c) -> -width(c.getValue()))); // stable: ties keep order
                for (int i = 0; i < all.size(); i++) {
                    order.places.put("candidate-" + all.get(i).getIndex(), i + 1);
                }
                drawn = new ArrayDeque<>(all);
            }

            @Override
            public void reportResults(OptimizationResult result) {
                g.reportResults(result);
            }

            @Override
            public ParameterSpace<?> getParameterSpace() {
                return g.getParameterSpace();
            }

            @Override
            public void setRngSeed(long seed) {
                g.setRngSeed(seed);
            }

            @Override
            public Class<?> getCandidateType() {
                return g.getCandidateType();
            }
        };
    }

    /**
     * Runs the baseline and the candidates, then writes the final page and the scoreboard. The candidates' folders are
     * kept: a search stopped and run again draws the same candidates in the same order, and each one's finished jobs
     * are reused from its folder ({@link rnnlab.checkpoints.FinishedJobs}), so it goes on to its count where it
     * stopped; {@code -Dfresh=true} starts it over.
     */
    public void run() throws IOException {
        if (Checkpoint.fresh()) {
            deleteTree(workDir);
        }
        int jobs = Workers.requested();
        // with several candidates at once each runs in a worker JVM: as threads of one they shared its collector and
        // allocator and ran 1.49x one at a time on two cores; a worker's output comes prefixed with its candidate
        Workers.Pool pool = jobs > 1 ? new Workers.Pool(jobs, System.out, System.err, task) : null;
        try {
            search(pool);
        } finally {
            if (pool != null) {
                pool.close();
            }
        }
    }

    private void search(Workers.Pool pool) throws IOException {
        StartOrder order = pool != null && minutes == null ? new StartOrder() : null;
        ExperimentTaskCreator tasks = new ExperimentTaskCreator((values, outDir) -> runExperiment(values, outDir, pool,
                order), workDir);
        log.info("search {}: {} candidates over {} ({}), after a baseline run of the experiment's own settings",
                entry.name(), candidates, space.keys(), score.objective().description());
        Candidate<Map<String, String>> own = new Candidate<>(Map.of(), -1, new double[0]);
        // with workers the baseline runs beside the candidates (on one of the pool's workers), not alone before them
        Thread baseline = new Thread(() -> tasks.execute(own, score, List.of(report), null), "rnnlab-search-baseline");
        if (pool == null) {
            baseline.run();
        } else {
            baseline.start();
        }

        List<TerminationCondition> stop = new ArrayList<>();
        stop.add(new MaxCandidatesCondition(candidates));
        if (minutes != null) {
            stop.add(new MaxTimeCondition(Math.round(minutes * 60_000), TimeUnit.MILLISECONDS));
        }
        // with several at once and no time limit the candidates start widest first, so no long one runs alone at the end
        OptimizationConfiguration conf = new OptimizationConfiguration.Builder()
                .candidateGenerator(limited(generator, candidates, order))
                .scoreFunction(score).terminationConditions(stop).build();
        // -Djobs candidates at once (default one per core), each on its own thread through Arbiter's runner
        LocalOptimizationRunner runner = new LocalOptimizationRunner(pool == null ? 1 : Workers.requested(),
                conf, tasks);
        runner.addListeners(report);
        runner.execute();
        try {
            baseline.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        report.write(true);
        Scoreboard.write(resultsDir);
        SearchReport.Row best = report.best();
        if (best != null) {
            log.info("search {}: best {} ({}); reproduce with {}", entry.name(), ResultsCsv.number(best.score()), best.values(),
                    report.command(best));
        }
    }

    /** One candidate's run: here, or on {@code pool}'s worker JVMs (its error line, if it fails, as the reason). */
    private void runExperiment(Map<String, String> values, Path outDir, Workers.Pool pool,
            StartOrder order) throws Exception {
        Map<String, String> all = new LinkedHashMap<>(overrides);
        all.putAll(values);
        ConfiguredRun prepared = Experiments.prepare(entry.name(), projectDir, profile, all, outDir.toString()); // a bad value ends here
        if (pool == null) {
            prepared.execute();
            return;
        }
        Workers.Job job = new Workers.Job(entry.name() + " " + outDir.getFileName(),
                Workers.jobProperties(entry.name(), profile, outDir, all));
        Workers.Outcome o;
        if (order == null) {
            o = pool.run(job);
        } else {
            int place = order.place(outDir.getFileName().toString());
            order.awaitTurn(place);
            try {
                o = pool.run(job, () -> order.started(place));
            } finally {
                order.started(place); // again when it had its slot (harmless), or in its stead when it never got one
            }
        }
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
}
