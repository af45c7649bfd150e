package rnnlab.core;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What is known about each experiment besides its settings, from the {@code about.*} keys of its own
 * {@code experiments/NAME.properties} (which {@link Config} sets aside): its one-line description, its tutorial
 * file, its place in {@code -Dexp=all}, the scoreboard's headline, what a search scores it by, the figures its
 * tutorial printed that the verdicts compare, and the known reasons ours differ. Every file in the folder is an
 * experiment; adding one is its class ({@code rnnlab.experiments.NAME}) and its file.
 *
 * <pre>
 * about.description=One line for -Dexp=list
 * about.tutorial=the tutorial's file in ../shared/tutorials/ (- for none)
 * about.order=its place in -Dexp=all and -Dexp=list (a whole number; unique)
 * about.headline.published=the tutorial's figure, as the scoreboard shows it   (both or neither)
 * about.headline.metric=the metric of the CSV's final rows set beside it
 * about.objective.metric=what -Dsearch scores (a CSV metric)                   (all three or none)
 * about.objective.direction=lower or higher (which is better)
 * about.objective.description=the search page's words for it
 * about.figure.N=SETTING | EPOCH | METRIC | PRINTED | TOLERANCE [| QUOTED]     (any number, in N's order)
 * about.differences=what is known to make the figures differ from the tutorial's code's
 * about.control=KEY=VALUE;KEY=VALUE | DESCRIPTION    (a negative control: a deliberately wrong variant)
 * about.seed_cap=N    the most seeds a side -Dexp=settle plans for (a whole number from 2; required with figures)
 * about.settle_by_default=true or false   whether -Dexp=settle plans it when -Dsettle names none (default true;
 *                      false where a seed costs hours, so that settling every verdict never starts days of runs)
 * </pre>
 *
 * A figure: the base setting it is compared at ({@code *}: every base setting the CSV has), the epoch ({@code final}
 * or a number), the CSV metric, the value the tutorial printed ({@code -}: it printed none), the tolerance kind
 * (one of {@link #TOLERANCES}) and, optionally, the printed value as the pages quote it (default: PRINTED as
 * written). A negative control names settings of the file that make the model wrong on purpose (each checked as an
 * override is, by {@link Config}) and says what they do; its runs ({@code results/controls/NAME.csv}) must differ
 * from the tutorial's code, or the verdicts could not tell a wrong model. A malformed or unknown {@code about.*}
 * key is a {@link UserError} naming the file.
 */
public final class Catalog {
    /** The prefix of the keys that state facts rather than settings. */
    public static final String PREFIX = "about.";

    /** The tolerance kinds a figure may name (their values are {@code rnnlab.stats.Figures}'). */
    public static final List<String> TOLERANCES = List.of("accuracy", "perplexity", "loss");

    /**
     * One experiment's facts. {@code differences} is "" when none are known; {@code seedCap} 0 without figures;
     * {@code settledByDefault} whether {@code -Dexp=settle} plans it when {@code -Dsettle} names none.
     */
    public record Facts(String name, String description, String tutorial, int order, Optional<Headline> headline,
            Optional<Objective> objective, List<Figure> figures, String differences, Optional<Control> control,
            int seedCap, boolean settledByDefault) {
    }

    /** A negative control: overrides that make the model wrong on purpose, in the order given, and what they do. */
    public record Control(Map<String, String> overrides, String description) {
        /** The overrides as the file writes them: {@code lr=0.1;lengths=10,35}. */
        public String written() {
            return String.join(";", overrides.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        }
    }

    /**
     * What the scoreboard shows for an experiment: the tutorial's published figure (as text) and the metric of
     * the experiment's CSV ("final" rows) to set beside it.
     */
    public record Headline(String published, String metric) {
    }

    /**
     * What a search scores an experiment's candidate by: a metric of its CSV (each setting's "final" row, or its
     * last epoch's), averaged over the settings, and whether lower is better.
     */
    public record Objective(String metric, boolean minimize, String description) {
    }

    /**
     * A figure the tutorial printed, which the verdicts compare: {@code setting} a base setting (without the seed),
     * null for every base the CSV has; {@code printed} NaN where it printed none; {@code tolerance} one of
     * {@link #TOLERANCES}; {@code quoted} the printed value as the pages quote it.
     */
    public record Figure(String setting, String epoch, String metric, double printed, String tolerance, String quoted) {
    }

    private static final Set<String> KEYS = Set.of("description", "tutorial", "order", "headline.published",
            "headline.metric", "objective.metric", "objective.direction", "objective.description", "differences", "control", "seed_cap",
            "settle_by_default");

    private static volatile Catalog project;

    private final Map<String, Facts> facts;

    private Catalog(Map<String, Facts> facts) {
        this.facts = facts;
    }

    /** The project's catalog: {@code experiments/} of the working directory (the project folder), read once. */
    public static Catalog project() {
        return projectAt(Path.of("").toAbsolutePath());
    }

    /**
     * The project's catalog, read once from {@code projectDir}'s {@code experiments/} if not read yet: for a JVM whose
     * working directory is not the project folder (a Spark executor's is its worker's scratch folder).
     */
    public static Catalog projectAt(Path projectDir) {
        Catalog c = project;
        if (c == null) {
            synchronized (Catalog.class) {
                if (project == null) {
                    project = load(projectDir.resolve("experiments"));
                }
                c = project;
            }
        }
        return c;
    }

    /** Reads every {@code *.properties} file of {@code dir}, one experiment each, in their {@code about.order}. */
    public static Catalog load(Path dir) {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".properties") && Files.isRegularFile(p))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UserError("Cannot read the experiments' files in " + dir + ": " + e.getMessage());
        }
        List<Facts> all = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            name = name.substring(0, name.length() - ".properties".length());
            Properties props = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(r);
            } catch (IOException | IllegalArgumentException e) {
                throw new UserError("Cannot read " + file + ": " + e.getMessage());
            }
            Map<String, String> entries = new TreeMap<>();
            for (String k : props.stringPropertyNames()) {
                entries.put(k, props.getProperty(k).trim());
            }
            all.add(parse(name, entries));
        }
        return of(all);
    }

    /** A catalog of these experiments (checked to have distinct orders), in their order. */
    static Catalog of(List<Facts> all) {
        Map<Integer, String> orders = new TreeMap<>();
        for (Facts f : all) {
            String other = orders.put(f.order(), f.name());
            if (other != null) {
                throw new UserError(file(f.name()) + ": about.order=" + f.order() + " is also " + file(other)
                        + "'s; each experiment needs its own place");
            }
        }
        Map<String, Facts> byName = new LinkedHashMap<>();
        all.stream().sorted(Comparator.comparingInt(Facts::order)).forEach(f -> byName.put(f.name(), f));
        return new Catalog(Collections.unmodifiableMap(byName));
    }

    private static String file(String name) {
        return "experiments/" + name + ".properties";
    }

    /** The facts in one experiment's file entries (every key of its file; only {@code about.*} ones are read). */
    public static Facts parse(String name, Map<String, String> fileEntries) {
        String file = file(name);
        Map<String, String> about = new TreeMap<>();
        Map<Integer, Figure> figures = new TreeMap<>();
        for (Map.Entry<String, String> e : fileEntries.entrySet()) {
            if (!e.getKey().startsWith(PREFIX)) {
                continue;
            }
            String key = e.getKey().substring(PREFIX.length());
            if (key.startsWith("figure.")) {
                int n = figureNumber(file, e.getKey());
                figures.put(n, figure(file, e.getKey(), e.getValue()));
            } else if (KEYS.contains(key)) {
                about.put(key, e.getValue().strip());
            } else {
                throw new UserError(file + ": unknown key " + e.getKey() + "; the facts are about."
                        + String.join(", about.", new TreeSet<>(KEYS)) + " and about.figure.N");
            }
        }
        String description = required(file, about, "description");
        String tutorial = required(file, about, "tutorial");
        int order;
        try {
            order = Integer.parseInt(required(file, about, "order"));
        } catch (NumberFormatException ex) {
            throw new UserError(file + ": about.order='" + about.get("order") + "'; expected a whole number");
        }
        Optional<Headline> headline = Optional.empty();
        if (together(file, about, "headline.published", "headline.metric")) {
            headline = Optional.of(new Headline(about.get("headline.published"), metric(file, "about.headline.metric",
                    about.get("headline.metric"))));
        }
        Optional<Objective> objective = Optional.empty();
        if (together(file, about, "objective.metric", "objective.direction", "objective.description")) {
            String direction = about.get("objective.direction");
            if (!direction.equals("lower") && !direction.equals("higher")) {
                throw new UserError(file + ": about.objective.direction='" + direction
                        + "'; expected lower or higher (which is better)");
            }
            objective = Optional.of(new Objective(metric(file, "about.objective.metric", about.get("objective.metric")),
                    direction.equals("lower"), about.get("objective.description")));
        }
        Optional<Control> control = about.containsKey("control")
                ? Optional.of(control(name, fileEntries, about.get("control"))) : Optional.empty();
        return new Facts(name, description, tutorial, order, headline, objective, List.copyOf(figures.values()),
                about.getOrDefault("differences", ""), control, seedCap(file, about.get("seed_cap"), !figures.isEmpty()),
                settledByDefault(file, about.get("settle_by_default")));
    }

    /** {@code about.settle_by_default}: true (the default) or false. */
    private static boolean settledByDefault(String file, String value) {
        if (value == null || value.equals("true")) {
            return true;
        }
        if (value.equals("false")) {
            return false;
        }
        throw new UserError(file + ": about.settle_by_default='" + value + "'; expected true or false (whether "
                + "-Dexp=settle plans it when -Dsettle names none)");
    }

    /** {@code KEY=VALUE;... | DESCRIPTION}, each key one the file defines (checked as {@link Config} checks overrides). */
    private static Control control(String name, Map<String, String> fileEntries, String value) {
        String file = file(name);
        UserError bad = new UserError(file + ": about.control='" + value + "'; expected KEY=VALUE;KEY=VALUE | "
                + "DESCRIPTION, e.g. 'lr=0.1;lengths=10,35 | learning rate 10x the tutorial's'");
        int bar = value.indexOf('|');
        if (bar < 0 || value.substring(bar + 1).isBlank()) {
            throw bad;
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String pair : value.substring(0, bar).split(";", -1)) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || pair.substring(eq + 1).isBlank() || overrides.put(pair.substring(0, eq).strip(),
                    pair.substring(eq + 1).strip()) != null) {
                throw bad;
            }
        }
        try {
            Config.of(name, "full", fileEntries, overrides);
        } catch (UserError e) {
            throw new UserError(file + ": about.control: " + e.getMessage());
        }
        return new Control(Collections.unmodifiableMap(overrides), value.substring(bar + 1).strip());
    }

    /**
     * {@code about.seed_cap}: how many seeds a side {@code -Dexp=settle} may plan for a figure, a fact of the
     * experiment (what its jobs cost), so stated beside its figures; required where there are figures, 0 otherwise.
     */
    private static int seedCap(String file, String value, boolean hasFigures) {
        if (value == null) {
            if (hasFigures) {
                throw new UserError(file + ": about.seed_cap is missing; an experiment with figures states the most seeds "
                        + "a side -Dexp=settle may plan (a whole number from 2, e.g. about.seed_cap=30)");
            }
            return 0;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 2) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UserError(file + ": about.seed_cap='" + value + "'; expected a whole number from 2 (seeds a side)");
    }

    private static String required(String file, Map<String, String> about, String key) {
        String v = about.get(key);
        if (v == null || v.isEmpty()) {
            throw new UserError(file + ": about." + key + " is missing; every experiment's file states its about."
                    + "description, about.tutorial and about.order");
        }
        return v;
    }

    /** Whether the keys are given, all of them or none. */
    private static boolean together(String file, Map<String, String> about, String... keys) {
        int given = 0;
        for (String k : keys) {
            if (about.containsKey(k)) {
                given++;
            }
        }
        if (given != 0 && given != keys.length) {
            throw new UserError(file + ": give about." + String.join(", about.", keys) + " together, or none of them");
        }
        return given == keys.length;
    }

    private static int figureNumber(String file, String key) {
        String n = key.substring((PREFIX + "figure.").length());
        try {
            int i = Integer.parseInt(n);
            if (i >= 1 && String.valueOf(i).equals(n)) {
                return i;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UserError(file + ": " + key + " is not about.figure.N with N a whole number from 1");
    }

    private static final String FIGURE_SYNTAX = "SETTING | EPOCH | METRIC | PRINTED | TOLERANCE [| QUOTED], e.g. "
            + "'sampling=sequential | 40 | perplexity | 1.020401 | perplexity | 1.020' (SETTING * is every setting, "
            + "EPOCH final or a number, PRINTED - when the tutorial printed none, TOLERANCE one of "
            + String.join(", ", TOLERANCES) + ")";

    private static Figure figure(String file, String key, String value) {
        String[] f = value.split("\\|", -1);
        for (int i = 0; i < f.length; i++) {
            f[i] = f[i].strip();
        }
        UserError bad = new UserError(file + ": " + key + "='" + value + "'; expected " + FIGURE_SYNTAX);
        if (f.length < 5 || f.length > 6 || f[0].isEmpty() || !(f[1].equals("final") || positive(f[1]))
                || !f[2].matches("[a-z][a-z0-9_]*") || !TOLERANCES.contains(f[4]) || (f.length == 6 && f[5].isEmpty())) {
            throw bad;
        }
        double printed;
        if (f[3].equals("-")) {
            printed = Double.NaN;
        } else {
            try {
                printed = Double.parseDouble(f[3]);
            } catch (NumberFormatException e) {
                throw bad;
            }
            if (!Double.isFinite(printed)) {
                throw bad;
            }
        }
        return new Figure(f[0].equals("*") ? null : f[0], f[1], f[2], printed, f[4], f.length == 6 ? f[5] : f[3]);
    }

    private static boolean positive(String s) {
        try {
            return Double.parseDouble(s) > 0 && s.matches("[0-9.]+");
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String metric(String file, String key, String v) {
        if (!v.matches("[a-z][a-z0-9_]*")) {
            throw new UserError(file + ": " + key + "='" + v + "'; expected a metric of the CSV such as perplexity");
        }
        return v;
    }

    /** Every experiment's facts, in {@code -Dexp=all}'s order. */
    public Map<String, Facts> all() {
        return facts;
    }

    /** An experiment's facts, if it is one. */
    public Optional<Facts> find(String name) {
        return Optional.ofNullable(facts.get(name));
    }

    /** An experiment's facts; a name that is none is the user's error, listing the valid ones. */
    public Facts get(String name) {
        Facts f = facts.get(name);
        if (f == null) {
            // the nearest name, ignoring case (digitsumsrn, DigitSumSrm): a misspelling is named, not just listed
            Map<String, String> byLowerCase = new LinkedHashMap<>();
            facts.keySet().forEach(k -> byLowerCase.put(k.toLowerCase(Locale.ROOT), k));
            String near = Config.nearest(name.toLowerCase(Locale.ROOT), List.copyOf(byLowerCase.keySet()));
            throw new UserError("Unknown experiment '" + name + "'" + (near == null ? "" : " (did you mean -Dexp="
                    + byLowerCase.get(near) + "?)") + "; valid: " + String.join(", ", facts.keySet())
                    + " (-Dexp=help lists the commands too)");
        }
        return f;
    }

    /** The experiments a search can score, in order. */
    public List<String> searchable() {
        return facts.values().stream().filter(f -> f.objective().isPresent()).map(Facts::name).toList();
    }
}
