package rnnlab.core;

import java.util.Set;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The project's thread setting, applied in code so that {@code exec:java} (which runs inside Maven's
 * JVM, where no environment variable can be set) and the tests get the same setting. The default is
 * one thread: the recurrent networks here are small and per-step, and on the 2-core machines one
 * thread ran several times faster than DL4J's defaults (docs/performance.md, "Threads"). {@code -Dthreads=N}
 * chooses another count; {@code -Dthreads=default} leaves DL4J's own choice.
 */
public final class Threads {
    private static final Logger log = LoggerFactory.getLogger(Threads.class);
    public static final String PROPERTY = "threads";
    public static final int PROJECT_DEFAULT = 1;

    /**
     * The experiments whose runs are faster on more than one thread, where cores are free: the PTB word models (the
     * course's and Zaremba et al.'s), whose 10,000-word output products and softmax split well. Measured on the 2-core Intel Xeon (docs/performance.md, "Threads"): the
     * PTB RNN 1.16-1.45x faster on two threads; the Time Machine and lyrics models unchanged, the DigitSum SRN 0.6x.
     * The numbers are the same bits on one thread or two (a test compares them), so the count is not part of a job's
     * identity.
     */
    public static final Set<String> SPLIT = Set.of("PtbWordRnn", "PtbWordLstm", "PtbZarembaSmall", "PtbZarembaMedium");

    /**
     * The threads a job of {@code experiment} gets when {@code workers} jobs share {@code cores}: its share of the cores
     * for the {@link #SPLIT} experiments, the project's default (one) for the rest.
     */
    public static int forJob(String experiment, int workers, int cores) {
        return SPLIT.contains(experiment) ? Math.max(1, cores / Math.max(1, workers)) : PROJECT_DEFAULT;
    }

    private Threads() {
    }

    /** Reads {@code -Dthreads} and applies it; returns the count applied, or 0 for DL4J's defaults. */
    public static int applyFromSystemProperty() {
        String value = Options.THREADS.given();
        if (value == null || value.isBlank()) {
            apply(PROJECT_DEFAULT);
            return PROJECT_DEFAULT;
        }
        if (value.equals("default")) {
            log.info("threads: DL4J defaults (OMP {} threads)", Nd4j.getEnvironment().maxThreads());
            return 0;
        }
        String expected = "expected a whole number from 1 to 256 (this machine has "
                + Runtime.getRuntime().availableProcessors() + " cores), or 'default' for DL4J's own setting";
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new UserError("Invalid value for 'threads': '" + value + "'; " + expected);
        }
        if (n < 1 || n > 256) {
            throw new UserError("Invalid value for 'threads': " + n + "; " + expected);
        }
        apply(n);
        return n;
    }

    /** The thread settings in force, for reports. */
    public static String describe() {
        // OpenMP's own count: libnd4j's Environment.maxThreads() reports its start-up default, not what is set
        return "OpenMP " + NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads() + " thread(s) (libnd4j, "
                + "oneDNN), " + Nd4j.getEnvironment().maxMasterThreads() + " libnd4j master, BLAS "
                + Nd4j.factory().blas().getMaxThreads();
    }

    /** Sets libnd4j's OpenMP and master threads and OpenBLAS's threads to {@code n}. */
    public static void apply(int n) {
        Nd4j.getBackend(); // loads the backend, whose configuration NativeOpsHolder reads
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(n);
        Nd4j.getEnvironment().setMaxThreads(n);
        Nd4j.getEnvironment().setMaxMasterThreads(n);
        Nd4j.factory().blas().setMaxThreads(n);
        log.debug("threads: {} (OpenMP, libnd4j master, BLAS)", n);
    }
}
