package rnnlab.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What the user asked for on the command line: {@code -Dexp}, {@code -Dprofile}, {@code -Dout},
 * {@code -Dthreads}, the search options ({@link #SEARCH_KEYS}) and any number of {@code -Dkey=value}
 * hyperparameter overrides.
 *
 * <p>Under {@code exec:java} the program shares Maven's JVM, whose system properties also hold the
 * JVM's and Maven's own. The user's keys are the {@code -D} names on Maven's command line (the
 * {@code mvn} script exports it as {@code MAVEN_CMD_LINE_ARGS}); their values come from the system
 * properties, so quoting survives. Keys that belong to Maven, the JVM or the libraries are ignored.
 */
public record Cli(String exp, String profile, String out, Map<String, String> overrides,
        Map<String, String> searchOptions, JobScope scope) {

    /** The search options: {@code -Dsearch=random|grid} and what shapes the search (see {@code rnnlab.search.Search}). */
    public static final List<String> SEARCH_KEYS = Options.keys(Options.SEARCH_OPTIONS);

    /**
     * Keys the suite itself reads as system properties where they are used, never an experiment's override: those
     * {@link Options#RUNTIME_KEYS} declares.
     */
    public static final List<String> RUNTIME_KEYS = Options.RUNTIME_KEYS;

    public static final List<String> RESERVED = Stream.of(List.of("exp", "profile", "out"),
            RUNTIME_KEYS, SEARCH_KEYS).flatMap(List::stream).toList();

    /** A command line without search options. */
    public Cli(String exp, String profile, String out, Map<String, String> overrides) {
        this(exp, profile, out, overrides, Map.of(), JobScope.ALL);
    }

    /** A command line of every job ({@link JobScope#ALL}). */
    public Cli(String exp, String profile, String out, Map<String, String> overrides, Map<String, String> searchOptions) {
        this(exp, profile, out, overrides, searchOptions, JobScope.ALL);
    }

    private static final List<String> FOREIGN_PREFIXES = List.of(
            "maven.", "java.", "jdk.", "sun.", "os.", "user.", "file.", "line.", "path.", "native.", "stdout.",
            "stderr.", "awt.", "exec.", "surefire.", "style.", "org.", "com.", "net.", "io.", "javacpp.",
            "logback.", "library.", "classworlds.", "guice.", "http.", "https.", "socksProxy", "ftp.", "env.",
            "skipTests", "test", "failIfNoTests", "rnnlab.", "basedir", "localRepository", "spark.",
            "jetty.", "scala.");

    public static boolean isForeign(String key) {
        for (String p : FOREIGN_PREFIXES) {
            if (key.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Refuses an empty {@code -Dout}, {@code -Dcorpus} or {@code -Dcheckpoints} (often an unset shell variable), which
     * would otherwise read as the working folder or as not given at all.
     */
    public void refuseEmptyPaths() {
        if (out != null && out.isBlank()) {
            throw new UserError("Invalid value for 'out': empty (an unset variable?); give the folder the results go to, "
                    + "or leave -Dout out for results/");
        }
        refuseEmpty(Options.CORPUS, "a UTF-8 text file, or leave -Dcorpus out for the tutorial's corpus");
        refuseEmpty(Options.CHECKPOINTS, "a folder, or leave -Dcheckpoints out for checkpoints/");
    }

    private static void refuseEmpty(Options.Option option, String instead) {
        String v = option.given();
        if (v != null && v.isBlank()) {
            throw new UserError("Invalid value for '" + option.key() + "': empty (an unset variable?); give " + instead);
        }
    }

    /**
     * Refuses what {@code command} (null: experiments) would silently ignore: experiment settings (a misspelt option
     * among them) where it runs no experiment, search options and a profile other than the default where it runs no
     * experiment's settings, and the settle options anywhere but {@code -Dexp=settle}.
     */
    public void refuseWhatDoesNotApply(Command command) {
        String what = "-Dexp=" + (command == null ? exp : command.word());
        if (command != null && command.runsNoExperiment() && !overrides.isEmpty()) {
            throw new UserError(what + " takes no experiment settings, and -D" + String.join(", -D", overrides.keySet())
                    + " is none of its options (-Dexp=help lists them)");
        }
        boolean settings = command == null || command == Command.ALL;
        if (!settings && !searchOptions.isEmpty()) {
            throw new UserError("-D" + String.join(", -D", searchOptions.keySet()) + " searches an experiment's "
                    + "settings; it does not apply to " + what);
        }
        if (!settings && !profile.equals("full")) {
            throw new UserError("-Dprofile chooses an experiment's settings; it does not apply to " + what);
        }
        if (command != Command.SETTLE) {
            for (Options.Option o : List.of(Options.SETTLE, Options.SETTLE_DRY, Options.SETTLE_STARTS)) {
                if (o.given() != null) {
                    throw new UserError("-D" + o.key() + " applies with -Dexp=settle only, not with " + what);
                }
            }
        }
    }

    /** Reads the current JVM's command line. */
    public static Cli fromEnvironment() {
        return parse(Options.all(), System.getenv("MAVEN_CMD_LINE_ARGS"));
    }

    /**
     * @param props    the system properties
     * @param mavenCmd Maven's command line, or null when not run through {@code mvn}; then every
     *                 non-foreign system property counts as the user's
     */
    public static Cli parse(Properties props, String mavenCmd) {
        Map<String, String> given = new LinkedHashMap<>();
        if (mavenCmd != null) {
            String[] tokens = mavenCmd.trim().split("\\s+");
            for (int i = 0; i < tokens.length; i++) {
                String t = tokens[i];
                String def = null;
                if (t.startsWith("-D") && t.length() > 2) {
                    def = t.substring(2);
                } else if (t.equals("-D") && i + 1 < tokens.length) {
                    def = tokens[++i];
                }
                if (def != null) {
                    String key = def.contains("=") ? def.substring(0, def.indexOf('=')) : def;
                    String value = props.getProperty(key);
                    if (!key.isEmpty() && value != null && !isForeign(key)) {
                        given.put(key, value);
                    }
                }
            }
        } else {
            for (String key : new TreeSet<>(props.stringPropertyNames())) {
                if (!isForeign(key)) {
                    given.put(key, props.getProperty(key));
                }
            }
        }
        String exp = given.remove("exp");
        String profile = given.remove("profile");
        String out = given.remove("out");
        JobScope scope = JobScope.of(props.getProperty(Options.UNITS.key()));
        given.keySet().removeAll(RUNTIME_KEYS);
        Map<String, String> search = new LinkedHashMap<>();
        for (String key : SEARCH_KEYS) {
            String v = given.remove(key);
            if (v != null) {
                search.put(key, v.trim());
            }
        }
        return new Cli(exp, profile == null ? "full" : profile.trim(), out, given, search, scope);
    }
}
