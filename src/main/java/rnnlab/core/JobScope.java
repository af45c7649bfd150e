package rnnlab.core;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which of an experiment's jobs a run is asked to train, and whether it writes the pages. A job is one setting and
 * seed ({@code length=20;seed=3}). A worker's or a Spark task's run is restricted to some ({@code settings}, sent as
 * {@code -Dunits=S1|S2}): it trains them, keeps each one's result and writes no pages. A run of them all trains what
 * is not finished yet and writes the pages from every job's result, in the experiment's order, so the files are the
 * same however the jobs ran; {@code forPages} marks the pass that writes them after the jobs ran in workers, which
 * reads their kept results even under {@code -Dfresh=true}. Handed from the command line to the run, explicitly.
 */
public record JobScope(Set<String> settings, boolean forPages, Set<String> planned) {
    /**
     * A scope of every job its experiment's settings list ({@code planned} null). A scope with {@code planned} is a
     * seed plan's ({@code -Dexp=settle}): of the jobs the settings list, only these are the run's, trained and on its
     * pages (a setting's planned seeds may be fewer than another's).
     */
    public JobScope(Set<String> settings, boolean forPages) {
        this(settings, forPages, null);
    }

    /** What separates settings in {@code -Dunits}. */
    public static final String SEPARATOR = "|";

    /** Every job, pages written: a run of its own. */
    public static final JobScope ALL = new JobScope(null, false);

    /** Every job, from the results the workers kept: the pass that writes an experiment's pages. */
    public static final JobScope PAGES = new JobScope(null, true);

    /** The jobs {@code -Dunits=S1|S2} names; null or blank: {@link #ALL}. */
    public static JobScope of(String units) {
        return units == null || units.isBlank() ? ALL
                : new JobScope(new LinkedHashSet<>(Arrays.asList(units.split(Pattern.quote(SEPARATOR)))), false);
    }

    /** {@code -Dunits}'s value for these settings. */
    public static String join(List<String> settings) {
        return String.join(SEPARATOR, settings);
    }

    /** Whether this run trains {@code setting}. */
    public boolean mine(String setting) {
        return settings == null || settings.contains(setting);
    }

    /** Whether {@code setting} is one of the run's jobs at all: every one, or the seed plan's. */
    public boolean inPlan(String setting) {
        return planned == null || planned.contains(setting);
    }

    /** This scope restricted to a seed plan's jobs. */
    public JobScope planned(Set<String> jobs) {
        return new JobScope(settings, forPages, Set.copyOf(jobs));
    }

    /** The pass that writes the pages ({@link #PAGES}) of this scope's plan. */
    public JobScope pages() {
        return new JobScope(null, true, planned);
    }

    /** Whether this run writes the experiment's pages: it is not restricted to some of its jobs. */
    public boolean assembling() {
        return settings == null;
    }
}
