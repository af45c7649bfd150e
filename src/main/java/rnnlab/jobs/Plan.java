package rnnlab.jobs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Predicate;

import rnnlab.core.ResultsCsv;
import rnnlab.stats.Seeds;

/**
 * How an experiment's settings become jobs: each unfinished setting and seed a job of its own, settings that took under
 * {@link #MIN_JOB_SECONDS} last time grouped with the next (a worker JVM takes seconds to start and load its data), and
 * each job's estimated seconds, from the CSV the experiment's last run left in its folder, so the longest start first.
 */
public final class Plan {
    /** The shortest job worth sending on its own (each loads its data): shorter settings of an experiment share one. */
    public static final double MIN_JOB_SECONDS = 10;

    /** One job of a split experiment: its settings, in the experiment's order, and their estimated seconds. */
    public record Group(List<String> settings, double seconds) {
    }

    private Plan() {
    }

    /** Each setting's training seconds in the CSV an experiment's last run left in its folder (none: empty). */
    public static Map<String, Double> lastTrainingSeconds(String experiment, Path outDir) {
        Map<String, Double> secs = new LinkedHashMap<>();
        try {
            ResultsCsv.read(outDir.resolve(experiment + ".csv")).rows().stream()
                    .filter(r -> r.epoch().equals("final") && r.metric().equals("train_seconds"))
                    .forEach(r -> secs.put(r.setting(), r.value()));
        } catch (IOException | RuntimeException e) {
            // no earlier run there: nothing known
        }
        return secs;
    }

    /**
     * How long a job will take, from its experiment's last run ({@link #lastTrainingSeconds}): its setting's seconds,
     * or the mean of its base setting's (runs of one seed, or older tables without seeds), or the experiment's total
     * spread over its {@code jobs} (a whole experiment: {@code setting} null, one job); 0 when nothing is known.
     */
    public static double estimate(Map<String, Double> secs, String setting, int jobs) {
        if (setting != null && secs.containsKey(setting)) {
            return secs.get(setting);
        }
        if (setting != null) {
            String base = Seeds.base(setting);
            OptionalDouble same = secs.entrySet().stream().filter(e -> Seeds.base(e.getKey()).equals(base))
                    .mapToDouble(Map.Entry::getValue).average();
            if (same.isPresent()) {
                return same.getAsDouble();
            }
        }
        return secs.values().stream().mapToDouble(Double::doubleValue).sum() / Math.max(1, jobs);
    }

    /**
     * A split experiment's {@code jobs} that are not {@code finished}, consecutive ones grouped into jobs of at least
     * {@link #MIN_JOB_SECONDS} by their {@link #estimate} from the last run's seconds {@code secs} (an unknown one
     * counts as {@link #MIN_JOB_SECONDS}); the last group may be shorter.
     */
    public static List<Group> groups(List<String> jobs, Map<String, Double> secs, Predicate<String> finished) {
        List<Group> out = new ArrayList<>();
        List<String> group = new ArrayList<>();
        double groupSeconds = 0;
        for (int i = 0; i < jobs.size(); i++) {
            String u = jobs.get(i);
            if (!finished.test(u)) {
                group.add(u);
                double s = estimate(secs, u, jobs.size());
                groupSeconds += s > 0 ? s : MIN_JOB_SECONDS; // unknown: as long as a job should be
            }
            if (!group.isEmpty() && (groupSeconds >= MIN_JOB_SECONDS || i == jobs.size() - 1)) {
                out.add(new Group(group, groupSeconds));
                group = new ArrayList<>();
                groupSeconds = 0;
            }
        }
        return out;
    }
}
