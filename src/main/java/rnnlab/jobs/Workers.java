package rnnlab.jobs;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import rnnlab.train.Progress;

/**
 * Runs jobs, {@code -Djobs=N} at a time, each in a worker JVM of its own ({@link ChildJvm}): separate native memory,
 * the parent's BLAS environment, and a worker that ends by itself if this process goes away. A job here is one
 * experiment run ({@code -Dexp=all} is a list of them); each writes its own files, exactly as it would alone, so
 * the results do not depend on how many ran at once. Every line a worker prints comes out prefixed with its job's
 * name; each finished job adds a line with "k of n jobs, elapsed, remaining".
 */
public final class Workers {
    /** A job: its name and the system properties its worker JVM runs {@code rnnlab.Main} with. */
    public record Job(String name, Map<String, String> properties) {
    }

    /** How a job ended. */
    public record Outcome(Job job, int exitCode, double seconds, double peakRssMb) {
    }

    /** Memory a worker may take at its peak (the largest quick job measured, PtbWordLstm, peaked at 2.3 GB). */
    static final long WORKER_BUDGET_BYTES = 3L << 30;

    private Workers() {
    }

    /** The default number of workers: one per core, no more than fit in the machine's memory. */
    public static int defaultCount() {
        int cores = Runtime.getRuntime().availableProcessors();
        long memory = physicalMemoryBytes();
        int fit = memory <= 0 ? cores : (int) Math.max(1, memory / WORKER_BUDGET_BYTES);
        return Math.max(1, Math.min(cores, fit));
    }

    /**
     * {@code -Djobs=N}, the jobs (or search candidates) to run at once: the number given, from 1 to 256, or by
     * default {@link #defaultCount}; anything else ends in one line.
     */
    public static int requested() {
        String v = System.getProperty("jobs");
        if (v == null || v.isBlank()) {
            return defaultCount();
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1 && n <= 256) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new rnnlab.core.UserError("Invalid value for 'jobs': '" + v + "'; expected a whole number from 1 to 256 (jobs "
                + "run at once; the default is one per core: " + defaultCount() + " here)");
    }

    /** The JVM flags of a worker when {@code n} share the machine: each sized for its share of the cores. */
    static List<String> workerFlags(int n) {
        if (n <= 1) {
            return List.of();
        }
        int share = Math.max(1, Runtime.getRuntime().availableProcessors() / n);
        // GC and JIT threads are sized from the cores a JVM sees; with several workers each sees only its share
        return List.of("-XX:ActiveProcessorCount=" + share, "-XX:+UseSerialGC");
    }

    /**
     * Runs every job, {@code n} at a time, the longest first by {@code estimate} (seconds, 0 when unknown), so that no
     * long job is left to run alone at the end; returns their outcomes in the jobs' order.
     */
    public static List<Outcome> run(List<Job> jobs, int n, PrintStream out, PrintStream err,
            java.util.function.ToDoubleFunction<Job> estimate) throws InterruptedException {
        List<Job> order = new ArrayList<>(jobs);
        order.sort(java.util.Comparator.comparingDouble(estimate).reversed());
        List<Outcome> ran = run(order, n, out, err);
        List<Outcome> outcomes = new ArrayList<>();
        for (Job j : jobs) {
            outcomes.add(ran.get(order.indexOf(j)));
        }
        return outcomes;
    }

    /** Runs every job, {@code n} at a time, in the given order; returns their outcomes in that order. */
    public static List<Outcome> run(List<Job> jobs, int n, PrintStream out, PrintStream err) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        long t0 = System.nanoTime();
        AtomicInteger done = new AtomicInteger();
        List<Future<Outcome>> futures = new ArrayList<>();
        for (Job job : jobs) {
            futures.add(pool.submit(() -> {
                Outcome o = runOne(job, n, out, err);
                int k = done.incrementAndGet();
                double elapsed = (System.nanoTime() - t0) / 1e9;
                double remaining = elapsed / k * (jobs.size() - k);
                synchronized (out) {
                    out.printf("rnnlab: job %s %s in %s (peak %s); %d of %d jobs, elapsed %s, remaining about %s%n",
                            job.name(), o.exitCode() == 0 ? "finished" : "FAILED (exit " + o.exitCode() + ")",
                            Progress.clock(o.seconds()), Double.isNaN(o.peakRssMb()) ? "memory not read"
                                    : String.format("%.0f MB", o.peakRssMb()), k, jobs.size(), Progress.clock(elapsed),
                            Progress.clock(remaining));
                }
                return o;
            }));
        }
        pool.shutdown();
        List<Outcome> outcomes = new ArrayList<>();
        for (Future<Outcome> f : futures) {
            try {
                outcomes.add(f.get());
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("a worker thread failed", e.getCause());
            }
        }
        return outcomes;
    }

    private static Outcome runOne(Job job, int n, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        ProcessBuilder pb = ChildJvm.builder("rnnlab.Main", job.properties(), workerFlags(n));
        long t0 = System.nanoTime();
        PrefixedStream o = new PrefixedStream(out, "[" + job.name() + "] ");
        PrefixedStream e = new PrefixedStream(err, "[" + job.name() + "] ");
        double[] peak = {Double.NaN};
        // VmHWM only grows, so the last reading before the worker ends is its peak
        int code = ChildJvm.run(pb, o, e, pid -> {
            double now = rnnlab.io.ProcessMemory.peakMb(pid);
            if (!Double.isNaN(now)) {
                peak[0] = now;
            }
        });
        return new Outcome(job, code, (System.nanoTime() - t0) / 1e9, peak[0]);
    }

    private static long physicalMemoryBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return 0;
    }

    /** Lines printed through it come out whole, each with the prefix. */
    static final class PrefixedStream extends PrintStream {
        private final PrintStream target;
        private final String prefix;

        PrefixedStream(PrintStream target, String prefix) {
            super(target, true);
            this.target = target;
            this.prefix = prefix;
        }

        @Override
        public void println(String line) {
            synchronized (target) {
                target.println(prefix + line);
            }
        }
    }
}
