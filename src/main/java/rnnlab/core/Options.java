package rnnlab.core;

import java.util.List;
import java.util.Map;

/**
 * Every run-time option of the suite, declared once: its key, what it takes, its default and what it does (what the
 * help listing prints), and the one place that reads system properties. An experiment's own settings are not here:
 * they are the keys of its {@code experiments/NAME.properties} ({@link Config}).
 */
public final class Options {
    /** A run-time option: {@code -DKEY=VALUE}. */
    public record Option(String key, String takes, String byDefault, String does) {
        /** The value given on the command line, or null. */
        public String given() {
            return System.getProperty(key);
        }

        /** The value given, or {@code fallback} when none was. */
        public String or(String fallback) {
            return System.getProperty(key, fallback);
        }

        /**
         * A whole number from {@code given} (a command's options, by key), {@code byDefault} when absent (a whole
         * number, for such an option); one outside [min, max] is refused in one line.
         */
        public int integer(Map<String, String> given, int min, int max) {
            try {
                return integer(given, Integer.parseInt(byDefault), min, max);
            } catch (NumberFormatException e) {
                throw new IllegalStateException("-D" + key + "'s default '" + byDefault + "' depends on the run: read it "
                        + "with the fallback the run gives", e);
            }
        }

        /** {@link #integer(Map, int, int)} for an option whose default depends on the run: {@code fallback}. */
        public int integer(Map<String, String> given, int fallback, int min, int max) {
            String v = given.get(key);
            if (v == null) {
                return fallback;
            }
            try {
                int n = Integer.parseInt(v.trim());
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new UserError("Invalid value for -D" + key + ": '" + v + "'; expected a whole number from " + min
                    + " to " + max);
        }

        /** A number from {@code given}, {@code byDefault} when absent; one outside [min, max] is refused in one line. */
        public double real(Map<String, String> given, double min, double max) {
            String v = given.getOrDefault(key, byDefault);
            try {
                double d = Double.parseDouble(v.trim());
                if (d >= min && d <= max) {
                    return d;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new UserError("Invalid value for -D" + key + ": '" + v + "'; expected a number from " + min + " to "
                    + max);
        }

        /** A true-or-false option, false when not given; anything else is refused in one line. */
        public boolean bool() {
            String v = or("false").trim();
            if (!v.equals("true") && !v.equals("false")) {
                throw new UserError("Invalid value for '" + key + "': '" + v + "'; expected true or false");
            }
            return v.equals("true");
        }
    }

    public static final Option EXP = new Option("exp", "NAME", "none",
            "an experiment, a comma-separated list of them, all, or one of the commands");
    public static final Option PROFILE = new Option("profile", "full or quick", "full",
            "full: the tutorial's settings; quick: minutes, for a first look and CI");
    public static final Option OUT = new Option("out", "DIR", "results/, results/quick/ or results/custom/",
            "where the tables, pages and plots go");
    public static final Option JOBS = new Option("jobs", "N", "one per core, as many as fit in memory at 3 GB each",
            "jobs (a setting and seed each, or an experiment that runs as one) run at once, on worker JVMs");
    public static final Option RUNNER = new Option("runner", "local or spark", "local",
            "local: worker JVMs on this machine; spark: Apache Spark tasks (mvn -Pspark)");
    public static final Option SPARK_MASTER = new Option("spark.master", "URL", "local[2]",
            "the Spark master under -Drunner=spark: local[N], local[N,F] (F attempts a task) or spark://HOST:PORT");
    public static final Option SPARK_SECRET = new Option("spark.secret", "FILE", "none",
            "under -Drunner=spark, a file holding the cluster's shared secret (spark.authenticate; bin/cluster)");
    public static final Option THREADS = new Option("threads", "N or default", "1 (the PTB models: their share of the cores)",
            "native threads a job uses; the word default leaves DL4J's own choice");
    public static final Option FRESH = new Option("fresh", "true or false", "false",
            "true: ignore checkpoints and finished jobs, and train everything again");
    public static final Option CHECKPOINTS = new Option("checkpoints", "DIR", "checkpoints/",
            "where jobs keep their training state (a shared folder on a cluster)");
    public static final Option CHECKPOINT_EVERY = new Option("checkpoint_every", "SECONDS", "300",
            "how often a long epoch writes a checkpoint inside it");
    /** The port {@code -Dexp=ui} serves the stored runs on unless {@code -Dui} says otherwise: DL4J's own default. */
    public static final String UI_COMMAND_PORT = "9000";
    public static final Option UI = new Option("ui", "PORT", "none; " + UI_COMMAND_PORT + " with -Dexp=ui",
            "DL4J's training UI watches the run at http://localhost:PORT (mvn -Pui)");
    public static final Option UI_WAIT = new Option("ui.wait", "true or false", "false",
            "true: the UI keeps serving after the run, until Ctrl-C");
    public static final Option GEMM = new Option("gemm", "onednn or openblas", "onednn",
            "the library the recurrent layers' matrix products go through");
    public static final Option MIRROR = new Option("rnnlab.datasets.mirror", "DIR[:DIR...]",
            "../shared/datasets beside the project, else $RNNLAB_DATASETS_MIRROR", "folders searched for the corpora "
                    + "before datasets/cache/");
    public static final Option CORPUS = new Option("corpus", "FILE", "none (the tutorial's corpus)",
            "the character models (JayChou*, TimeMachineRnnScratch) and the word models (PtbWordRnn, PtbWordLstm, PtbZaremba*) train on "
                    + "this UTF-8 text instead, its vocabulary its own characters or words (results/custom/)");
    public static final Option HELDOUT_SHARE = new Option("heldout_share", "SHARE", "0.1",
            "with -Dcorpus: the share of the text, at its end, held out for the held-out perplexity");
    public static final Option MIN_COUNT = new Option("min_count", "N", "2",
            "with -Dcorpus, the word models: words seen fewer than N times in the training part are <unk>");
    public static final Option CONTROL = new Option("control", "true or false", "false",
            "true: run the experiment's negative control (its about.control settings, deliberately wrong) into "
                    + "results/controls/, which the scoreboard judges against the tutorial's code (docs/statistics.md)");
    public static final Option SETTLE = new Option("settle", "NAME[,NAME]",
            "every experiment with tutorial figures but those whose about.settle_by_default is false",
            "with -Dexp=settle: the experiments whose seeds it plans and runs (docs/statistics.md)");
    public static final Option SETTLE_DRY = new Option("settle_dry", "true or false", "false",
            "with -Dexp=settle: true prints the plan alone, running and keeping nothing");
    public static final Option SETTLE_STARTS = new Option("settle_starts", "own or tutorial", "own",
            "with -Dexp=settle: tutorial plans and runs ours from the tutorial's own starts (start=tutorial) into "
                    + "results/same-starts/, each judged pair by pair against the reference's run of the same seed "
                    + "(docs/statistics.md)");
    public static final Option PAGES_ONLY = new Option("pages_only", "true or false", "false",
            "true: write the experiment's pages from its jobs finished so far (OUT/runs/), training none: a long run's "
                    + "seeds so far");
    public static final Option HELP = new Option("help", "true", "none",
            "with -Dexp=NAME: that experiment's settings, their full and quick values and search ranges");
    /** Internal: the settings a worker's or a task's job runs ({@link JobScope}); not for users. */
    public static final Option UNITS = new Option("units", "SETTING|SETTING...", "all",
            "internal: the settings of an experiment one job runs");

    public static final Option SEARCH = new Option("search", "random or grid", "none",
            "search the experiment's hyperparameters over its search.* ranges (Arbiter), judged by its objective");
    /** A random search's candidates unless {@code -Dcandidates} says otherwise. */
    public static final int RANDOM_CANDIDATES = 20;
    /** Successive halving's rungs unless {@code -Dhalving_rungs} says otherwise (fewer where the epochs allow fewer). */
    public static final int HALVING_RUNGS_AT_MOST = 3;
    // the schedule's defaults (3 search seeds, eta 3, 3 rungs, the best 1 confirmed on 10 seeds) are chosen so that a
    // search costs at most about 1.5x a single-seed one (docs/search.md)
    public static final Option CANDIDATES = new Option("candidates", "N", RANDOM_CANDIDATES + " (random); the whole grid (grid)",
            "candidates a search runs, after the experiment's own settings");
    public static final Option SEARCH_MINUTES = new Option("search_minutes", "MINUTES", "none",
            "stop starting candidates after this long");
    public static final Option SEARCH_SEED = new Option("search_seed", "N", "0", "the random search's draws");
    public static final Option GRID_POINTS = new Option("grid_points", "N", "3", "values per real range of a grid");
    public static final Option SEARCH_SEEDS = new Option("search_seeds", "K", "3",
            "seeds a candidate that reaches the search's last rung runs on; ranked by their mean");
    public static final Option HALVING_ETA = new Option("halving_eta", "N", "3",
            "successive halving's reduction factor: the best 1/N of a rung go on, each rung N times longer");
    public static final Option HALVING_RUNGS = new Option("halving_rungs", "N",
            HALVING_RUNGS_AT_MOST + ", or as many as the epochs allow",
            "successive halving's rungs; 1: every candidate runs the whole length on -Dsearch_seeds seeds");
    public static final Option CONFIRM_TOP = new Option("confirm_top", "N", "1",
            "the best candidates re-run on new seeds beside the experiment's own settings");
    public static final Option CONFIRM_SEEDS = new Option("confirm_seeds", "N", "10",
            "new seeds the confirmation runs each of them and the experiment's own settings on");

    public static final Option MODEL = new Option("model", "FILE", "none",
            "a model a run saved under models/ (Generate, Evaluate)");
    public static final Option PREFIX = new Option("prefix", "TEXT", "none", "the text Generate continues");
    public static final Option LEN = new Option("len", "N", "50", "tokens Generate adds");
    public static final Option TEMPERATURE = new Option("temperature", "T", "0",
            "0: greedy, as the tutorials' predict; above 0: sampled from probabilities sharpened or flattened by T");
    public static final Option SAMPLES = new Option("samples", "N", "1", "continuations Generate prints");
    public static final Option SEED = new Option("seed", "N", "0", "Generate's draws when sampling");
    public static final Option TEXT = new Option("text", "FILE", "none",
            "a UTF-8 text Evaluate scores (perplexity), read as the training page's held-out text");

    /** The options of a hyperparameter search ({@code -Dsearch=...}), in the help listing's order. */
    public static final List<Option> SEARCH_OPTIONS = List.of(SEARCH, CANDIDATES, SEARCH_MINUTES, SEARCH_SEED,
            GRID_POINTS, SEARCH_SEEDS, HALVING_ETA, HALVING_RUNGS, CONFIRM_TOP, CONFIRM_SEEDS);
    /** {@code -Dexp=Generate}'s options. */
    public static final List<Option> GENERATE_OPTIONS = List.of(MODEL, PREFIX, LEN, TEMPERATURE, SAMPLES, SEED);
    /** {@code -Dexp=Evaluate}'s options. */
    public static final List<Option> EVALUATE_OPTIONS = List.of(MODEL, TEXT);

    /** The options the help listing shows, in its order. */
    public static final List<Option> LISTED = List.of(EXP, PROFILE, OUT, JOBS, RUNNER, SPARK_MASTER, SPARK_SECRET, THREADS,
            FRESH, CHECKPOINTS, CHECKPOINT_EVERY, UI, UI_WAIT, GEMM, MIRROR, CORPUS, HELDOUT_SHARE, MIN_COUNT, CONTROL, SETTLE,
            SETTLE_DRY, SETTLE_STARTS, PAGES_ONLY, HELP);

    /** The keys the suite itself reads at run time: never an experiment's override. */
    public static final List<String> RUNTIME_KEYS = List.of(THREADS.key(), JOBS.key(), RUNNER.key(), UNITS.key(),
            FRESH.key(), CHECKPOINTS.key(), CHECKPOINT_EVERY.key(), UI.key(), UI_WAIT.key(), GEMM.key(), CORPUS.key(),
            HELDOUT_SHARE.key(), MIN_COUNT.key(), CONTROL.key(), SETTLE.key(), SETTLE_DRY.key(), SETTLE_STARTS.key(),
            PAGES_ONLY.key(), HELP.key());

    private Options() {
    }

    /** The keys of {@code options}. */
    public static List<String> keys(List<Option> options) {
        return options.stream().map(Option::key).toList();
    }

    /** {@code options} as the help listing prints them: -Dkey=TAKES, then what it does and its default. */
    public static String listing(List<Option> options) {
        StringBuilder sb = new StringBuilder();
        for (Option o : options) {
            String flag = "-D" + o.key() + "=" + o.takes().replace(" or ", "|");
            String does = o.does() + (o.byDefault().equals("none") ? "" : " (default: " + o.byDefault() + ")");
            sb.append(flag.length() <= 26 ? String.format("  %-28s%s%n", flag, does)
                    : String.format("  %s%n  %-28s%s%n", flag, "", does));
        }
        return sb.toString();
    }

    /** Every system property: what {@link Cli} reads the user's command line from. */
    public static java.util.Properties all() {
        return System.getProperties();
    }

    /** A fact of the running JVM ({@code java.home}, {@code java.class.path}, ...), not an option. */
    public static String jvm(String key) {
        return System.getProperty(key);
    }

    /** A property the suite sets on its own child JVMs ({@code rnnlab.parent.pid}, {@code rnnlab.worker}). */
    public static String internal(String key) {
        return System.getProperty(key);
    }
}
