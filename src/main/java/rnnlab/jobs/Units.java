package rnnlab.jobs;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Which of an experiment's jobs this process runs ({@link JobRun} is what a job goes through). An experiment's job
 * is one unit of it, one setting and seed ({@code length=20;seed=3}); {@code -Dunits=S1|S2} (set by the parent for a
 * worker, or for one Spark task by {@link #only}) restricts a run to those settings: it trains them, keeps each one's
 * result ({@link rnnlab.checkpoints.FinishedJobs}) and writes no pages. A run without it trains whatever is not
 * finished yet and writes the pages from every unit's result, in the experiment's own order, so the files are the
 * same however the units ran. What the thread was asked for is read once, as a {@link Scope}, and passed on.
 */
public final class Units {
    /** What separates settings in {@code -Dunits}. */
    public static final String SEPARATOR = "|";

    private static final ThreadLocal<Set<String>> TASK = new ThreadLocal<>();
    private static final ThreadLocal<Boolean> WRITING_PAGES = ThreadLocal.withInitial(() -> false);

    private Units() {
    }

    /** The settings this run is restricted to, or null for all of them. */
    static Set<String> selection() {
        Set<String> task = TASK.get();
        if (task != null) {
            return task;
        }
        String v = System.getProperty("units");
        return v == null || v.isBlank() ? null : parse(v);
    }

    static Set<String> parse(String v) {
        return new LinkedHashSet<>(Arrays.asList(v.split(java.util.regex.Pattern.quote(SEPARATOR))));
    }

    /** {@code -Dunits}'s value for these settings. */
    public static String join(List<String> settings) {
        return String.join(SEPARATOR, settings);
    }

    /**
     * What this thread's run is asked to do with an experiment's jobs, read once where the experiment starts and then
     * passed on: {@code selection}, the settings it is restricted to (null: all of them, and it writes the pages),
     * and {@code forPages}, whether it is the pass that writes the pages of jobs this command ran in workers.
     */
    public record Scope(Set<String> selection, boolean forPages) {
        /** Whether this run trains {@code setting}. */
        public boolean mine(String setting) {
            return selection == null || selection.contains(setting);
        }

        /** Whether this run writes the experiment's pages: it is not restricted to some of its units. */
        public boolean assembling() {
            return selection == null;
        }
    }

    /** This thread's {@link Scope}: {@code -Dunits} or {@link #only}'s settings, and {@link #writingPages}. */
    public static Scope scope() {
        return new Scope(selection(), writingPages());
    }

    /**
     * Runs {@code body} on this thread as the pass that writes an experiment's pages after its jobs ran in workers:
     * the results they kept are used even under {@code -Dfresh=true}, which means "results kept before this command".
     */
    public static <T> T writingPages(Callable<T> body) throws Exception {
        WRITING_PAGES.set(true);
        try {
            return body.call();
        } finally {
            WRITING_PAGES.remove();
        }
    }

    /** Whether this thread is {@link #writingPages}; read once, into its {@link Scope}. */
    private static boolean writingPages() {
        return WRITING_PAGES.get();
    }

    /** Runs {@code body} on this thread restricted to {@code settings} (a Spark task's units). */
    public static <T> T only(String settings, Callable<T> body) throws Exception {
        TASK.set(settings == null || settings.isBlank() ? null : parse(settings));
        try {
            return body.call();
        } finally {
            TASK.remove();
        }
    }
}
