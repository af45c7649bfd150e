package rnnlab.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import rnnlab.core.ResultsCsv;

/**
 * How a results CSV names seeds: {@code seed=N} is the last part of a run's setting ({@code length=20;seed=3},
 * or {@code seed=3} alone), and the setting without it (its <i>base</i>, {@value #ALL} when nothing is left)
 * names the figure the seeds' runs are summarised into.
 */
public final class Seeds {
    /** The base of a setting that is only a seed. */
    public static final String ALL = "all";

    private static final Pattern SEED = Pattern.compile("(?:^|;)seed=(\\d+)$");

    private Seeds() {
    }

    /** {@code base;seed=N}, or {@code seed=N} when the base is empty or {@value #ALL}. */
    public static String setting(String base, int seed) {
        return base.isEmpty() || base.equals(ALL) ? "seed=" + seed : base + ";seed=" + seed;
    }

    /** The seed a setting names last, if it names one. */
    public static Optional<Integer> seed(String setting) {
        Matcher m = SEED.matcher(setting);
        return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }

    /** The setting without its seed ({@value #ALL} if that leaves nothing); the setting itself if it has none. */
    public static String base(String setting) {
        Matcher m = SEED.matcher(setting);
        if (!m.find()) {
            return setting;
        }
        String b = setting.substring(0, m.start());
        return b.isEmpty() ? ALL : b;
    }

    /**
     * Each base setting's values of {@code metric} at {@code epoch} ("final" or a number as the CSV writes it), by
     * seed, bases and seeds in the CSV's order; settings without a seed are left out.
     */
    public static Map<String, Map<Integer, Double>> values(ResultsCsv csv, String epoch, String metric) {
        Map<String, Map<Integer, Double>> out = new LinkedHashMap<>();
        for (ResultsCsv.Row r : csv.rows()) {
            if (!r.metric().equals(metric) || !r.epoch().equals(epoch)) {
                continue;
            }
            Optional<Integer> seed = seed(r.setting());
            if (seed.isPresent()) {
                out.computeIfAbsent(base(r.setting()), b -> new LinkedHashMap<>()).put(seed.get(), r.value());
            }
        }
        return out;
    }

    /**
     * Adds the summary rows ({@link Summary#addTo}) of each {@code metric}'s final values for every base setting:
     * perplexities (metrics ending in "perplexity") summarised in log space, the rest as they are.
     */
    public static void addSummaries(ResultsCsv csv, List<String> metrics) {
        ResultsCsv summaries = new ResultsCsv();
        for (String metric : metrics) {
            values(csv, "final", metric).forEach((base, bySeed) -> {
                double[] v = bySeed.values().stream().mapToDouble(Double::doubleValue).toArray();
                summary(metric, v).addTo(summaries, base, metric);
            });
        }
        for (ResultsCsv.Row r : summaries.rows()) {
            csv.add(r.setting(), r.epoch(), r.metric(), r.value());
        }
    }

    public static boolean isPerplexity(String metric) {
        return metric.endsWith("perplexity");
    }

    /**
     * The summary of a metric's values over seeds, its interval within the metric's range: perplexities in log
     * space, at least 1 ({@link Summary#ofPerplexities}); accuracies within [0, 1]; losses (cross-entropies, metrics
     * ending in "loss") at least 0; anything else as it is.
     */
    public static Summary summary(String metric, double[] values) {
        if (isPerplexity(metric)) {
            return Summary.ofPerplexities(values);
        }
        Summary s = Summary.of(values);
        return metric.endsWith("accuracy") ? s.within(0, 1)
                : metric.endsWith("loss") ? s.within(0, Double.POSITIVE_INFINITY) : s;
    }

    /** Summaries of every epoch of {@code metric} per base setting: epoch (as a number) to summary. */
    public static Map<String, Map<Double, Summary>> perEpoch(ResultsCsv csv, String metric) {
        Map<String, Map<Double, List<Double>>> byBase = new LinkedHashMap<>();
        for (ResultsCsv.Row r : csv.rows()) {
            if (!r.metric().equals(metric) || r.epoch().equals("final") || seed(r.setting()).isEmpty()) {
                continue;
            }
            byBase.computeIfAbsent(base(r.setting()), b -> new TreeMap<>())
                    .computeIfAbsent(Double.parseDouble(r.epoch()), e -> new ArrayList<>()).add(r.value());
        }
        Map<String, Map<Double, Summary>> out = new LinkedHashMap<>();
        byBase.forEach((base, epochs) -> {
            Map<Double, Summary> m = new TreeMap<>();
            epochs.forEach((e, v) -> {
                double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
                m.put(e, summary(metric, a));
            });
            out.put(base, m);
        });
        return out;
    }
}
