package rnnlab.core;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * An experiment's hyperparameters, from {@code experiments/NAME.properties}.
 *
 * <p>Plain keys are the {@code full} profile (the tutorial's own values); a key {@code quick.KEY}
 * replaces {@code KEY} in the {@code quick} profile. Overrides ({@code -Dkey=value}) replace a value
 * in either profile and must name a key the file defines. Values are validated by the typed getters,
 * which an experiment calls before it trains or writes anything; every failure is a {@link UserError}
 * naming the key, the bad value and what is allowed.
 *
 * <p>A key {@code search.KEY} is not a hyperparameter: it declares the range {@code -Dsearch} draws
 * {@code KEY} from (see {@link rnnlab.search.SearchSpace}); {@link #searchSpace} holds those entries. Nor is a key
 * {@code about.KEY}: it states a fact about the experiment (see {@link Catalog}), which no override changes and
 * which is set aside here.
 */
public final class Config {
    public static final List<String> PROFILES = List.of("full", "quick");

    private final String experiment;
    private final String profile;
    private final Map<String, String> values;
    private final Map<String, String> overrides;
    private final Map<String, String> searchSpace;
    private final Set<String> read = new TreeSet<>();

    private Config(String experiment, String profile, Map<String, String> values, Map<String, String> overrides,
            Map<String, String> searchSpace) {
        this.experiment = experiment;
        this.profile = profile;
        this.values = values;
        this.overrides = overrides;
        this.searchSpace = searchSpace;
    }

    /** Loads {@code dir/NAME.properties}, picks the profile and applies the overrides. */
    public static Config load(Path dir, String experiment, String profile, Map<String, String> overrides) {
        Path file = dir.resolve(experiment + ".properties");
        if (!Files.isRegularFile(file)) {
            throw new UserError("No hyperparameter file for experiment " + experiment + ": expected " + file);
        }
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new UserError("Cannot read " + file + ": " + e.getMessage());
        }
        return of(experiment, profile, toMap(props), overrides);
    }

    /** Builds a config from already-read file entries (plain and {@code quick.} keys). */
    public static Config of(String experiment, String profile, Map<String, String> fileEntries,
            Map<String, String> overrides) {
        if (!PROFILES.contains(profile)) {
            throw new UserError("Unknown profile '" + profile + "'; valid profiles: " + String.join(", ", PROFILES));
        }
        Map<String, String> base = new TreeMap<>();
        Map<String, String> quick = new TreeMap<>();
        Map<String, String> space = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : fileEntries.entrySet()) {
            if (e.getKey().startsWith(Catalog.PREFIX)) {
                continue; // a fact, not a setting: Catalog reads it
            } else if (e.getKey().startsWith(SEARCH_PREFIX)) {
                space.put(e.getKey().substring(SEARCH_PREFIX.length()), e.getValue());
            } else if (e.getKey().startsWith("quick.")) {
                quick.put(e.getKey().substring("quick.".length()), e.getValue());
            } else {
                base.put(e.getKey(), e.getValue());
            }
        }
        for (String k : quick.keySet()) {
            if (!base.containsKey(k)) {
                throw new UserError("experiments/" + experiment + ".properties: quick." + k
                        + " has no full-profile key " + k + " to replace");
            }
        }
        for (String k : space.keySet()) {
            if (!base.containsKey(k)) {
                throw new UserError("experiments/" + experiment + ".properties: search." + k
                        + " declares a range for " + k + ", which is not one of its keys");
            }
        }
        Map<String, String> values = new TreeMap<>(base);
        if (profile.equals("quick")) {
            values.putAll(quick);
        }
        Map<String, String> applied = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (e.getKey().startsWith(Catalog.PREFIX)) {
                throw new UserError("'" + e.getKey() + "' is a fact about " + experiment + " (experiments/" + experiment
                        + ".properties), not a setting: it cannot be overridden");
            }
            if (!values.containsKey(e.getKey())) {
                String near = nearest(e.getKey(), Stream.concat(values.keySet().stream(), Cli.RESERVED.stream()).toList());
                throw new UserError("Unknown key '" + e.getKey() + "' for experiment " + experiment
                        + (near == null ? "" : " (did you mean -D" + near + "?)")
                        + "; valid keys: " + String.join(", ", values.keySet()) + " (-Dexp=" + experiment
                        + " -Dhelp lists them with their values; -Dexp=help, the run-time options)");
            }
            values.put(e.getKey(), e.getValue().trim());
            applied.put(e.getKey(), e.getValue().trim());
        }
        return new Config(experiment, profile, values, Collections.unmodifiableMap(applied),
                Collections.unmodifiableMap(space));
    }

    /** The prefix of the keys that declare search ranges rather than hyperparameters. */
    public static final String SEARCH_PREFIX = "search.";

    private static Map<String, String> toMap(Properties props) {
        Map<String, String> m = new TreeMap<>();
        for (String k : props.stringPropertyNames()) {
            m.put(k, props.getProperty(k).trim());
        }
        return m;
    }

    public String experiment() {
        return experiment;
    }

    public String profile() {
        return profile;
    }

    /** The {@code -Dkey=value} overrides that were applied, in the order given. */
    public Map<String, String> overrides() {
        return overrides;
    }

    /**
     * The sentence a results page states its settings in: "Settings (`quick` profile, overrides {...}):
     * `key=value`, ...". A page's prose describes the published settings (the full profile's); outside it the
     * sentence says these replace them, so that a short run's page does not read as the published one.
     */
    public String settingsSentence() {
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append('`').append(k).append('=').append(v)
                .append('`'));
        return "Settings (`" + profile + "` profile" + (overrides.isEmpty() ? "" : ", overrides " + overrides)
                + (published() ? "" : "; where they differ from the published settings described above, "
                        + "this run used these") + "): " + sb + ".";
    }

    /**
     * Whether these are the published settings (the tutorial's, the paper's): the full profile, overridden at most
     * in its seeds or its recurrent layers' implementation, which change no setting the tutorial states.
     */
    public boolean published() {
        return profile.equals("full") && Set.of("seeds", "layers").containsAll(overrides.keySet());
    }

    /** Every key and its resolved value, sorted by key. */
    public Map<String, String> values() {
        return Collections.unmodifiableMap(values);
    }

    /** The search ranges the file declares ({@code search.KEY=RANGE}), as KEY to RANGE, sorted by key. */
    public Map<String, String> searchSpace() {
        return searchSpace;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    private String raw(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalStateException("experiments/" + experiment + ".properties has no key '" + key + "'");
        }
        read.add(key);
        return v;
    }

    /**
     * The one of {@code known} a mistyped {@code key} most likely meant: the closest by edit distance (insertions,
     * deletions, substitutions), if within 1 for a key of up to 5 characters or 2 for a longer one (two edits turn
     * 'lr' into 'ui') and nearer than any other; null otherwise.
     */
    static String nearest(String key, List<String> known) {
        String best = null;
        int bestDistance = key.length() <= 5 ? 2 : 3;
        boolean tie = false;
        for (String k : known) {
            int d = editDistance(key, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
                tie = false;
            } else if (d == bestDistance && !k.equals(best)) {
                tie = true;
            }
        }
        return tie ? null : best;
    }

    private static int editDistance(String a, String b) {
        int[] row = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            row[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int above = row[j];
                row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1), diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.length()];
    }

    private UserError invalid(String key, String value, String expected) {
        return new UserError("Invalid value for '" + key + "' in " + experiment + " (" + profile + " profile): '"
                + value + "'; expected " + expected);
    }

    public String string(String key) {
        return raw(key);
    }

    public String choice(String key, String... choices) {
        String v = raw(key);
        for (String c : choices) {
            if (c.equals(v)) {
                return v;
            }
        }
        throw invalid(key, v, "one of " + String.join(", ", choices));
    }

    public boolean bool(String key) {
        String v = raw(key);
        if (v.equals("true") || v.equals("false")) {
            return Boolean.parseBoolean(v);
        }
        throw invalid(key, v, "true or false");
    }

    public int integer(String key, int min, int max) {
        return parseInt(key, raw(key), min, max, "a whole number");
    }

    public long longValue(String key, long min, long max) {
        String v = raw(key);
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw invalid(key, v, "a whole number from " + min + " to " + max);
    }

    public double real(String key, double min, double max) {
        String v = raw(key);
        try {
            double d = Double.parseDouble(v);
            if (Double.isFinite(d) && d >= min && d <= max) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw invalid(key, v, "a number from " + fmt(min) + " to " + fmt(max));
    }

    /** A comma-separated list of whole numbers, each within bounds, at least one. */
    public List<Integer> integers(String key, int min, int max) {
        String v = raw(key);
        List<Integer> out = new ArrayList<>();
        for (String part : v.split(",")) {
            out.add(parseInt(key, part.trim(), min, max, "comma-separated whole numbers"));
        }
        if (new LinkedHashSet<>(out).size() != out.size()) {
            throw invalid(key, v, "comma-separated whole numbers without repeats");
        }
        return out;
    }

    /**
     * The seeds a run trains with: a comma-separated list of whole numbers and ranges ({@code 0..4} is 0 to 4),
     * at least one, no repeats, in the order written.
     */
    public List<Integer> seeds(String key) {
        String v = raw(key);
        String what = "seeds such as 0..4 or 0,3,7 (whole numbers from 0 to " + MAX_SEED + ", no repeats)";
        List<Integer> out = new ArrayList<>();
        for (String part : v.split(",")) {
            String p = part.trim();
            int dots = p.indexOf("..");
            if (dots < 0) {
                out.add(seed(key, v, p, what));
                continue;
            }
            int lo = seed(key, v, p.substring(0, dots).trim(), what);
            int hi = seed(key, v, p.substring(dots + 2).trim(), what);
            if (hi < lo || hi - lo >= 10_000) {
                throw invalid(key, v, what + "; a range runs from a lower to a higher seed, at most 10000 of them");
            }
            for (int s = lo; s <= hi; s++) {
                out.add(s);
            }
        }
        if (new LinkedHashSet<>(out).size() != out.size()) {
            throw invalid(key, v, what);
        }
        return out;
    }

    /** The largest seed {@link #seeds} takes. */
    public static final int MAX_SEED = 1_000_000_000;

    /** One seed of {@link #seeds}' list {@code whole}: {@code part} as a whole number from 0 to {@link #MAX_SEED}. */
    private int seed(String key, String whole, String part, String what) {
        try {
            int n = Integer.parseInt(part);
            if (n >= 0 && n <= MAX_SEED) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw invalid(key, whole, what);
    }

    /** A comma-separated list of choices, at least one, no repeats. */
    public List<String> choices(String key, String... allowed) {
        String v = raw(key);
        List<String> out = new ArrayList<>();
        List<String> ok = List.of(allowed);
        for (String part : v.split(",")) {
            String p = part.trim();
            if (!ok.contains(p) || out.contains(p)) {
                throw invalid(key, v, "a comma-separated list from " + String.join(", ", allowed));
            }
            out.add(p);
        }
        return out;
    }

    /** A comma-separated list of non-empty texts (kept as written inside, trimmed at the ends), no repeats. */
    public List<String> strings(String key) {
        String v = raw(key);
        List<String> out = new ArrayList<>();
        for (String part : v.split(",")) {
            String p = part.strip();
            if (p.isEmpty() || out.contains(p)) {
                throw invalid(key, v, "a comma-separated list of non-empty texts without repeats");
            }
            out.add(p);
        }
        return out;
    }

    private int parseInt(String key, String v, int min, int max, String what) {
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw invalid(key, v, what + " from " + min + " to " + max);
    }

    private static String fmt(double d) {
        return d == Double.MAX_VALUE ? "any size" : (d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d));
    }

    /** Fails if the experiment never read a key the file defines (a key nobody uses is a bug). */
    public void assertAllRead() {
        Set<String> unread = new TreeSet<>(values.keySet());
        unread.removeAll(read);
        if (!unread.isEmpty()) {
            throw new IllegalStateException("experiments/" + experiment + ".properties defines keys the experiment does not use: "
                    + unread);
        }
    }
}
