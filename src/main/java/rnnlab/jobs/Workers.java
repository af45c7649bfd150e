package rnnlab.jobs;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

import rnnlab.core.Cli;
import rnnlab.core.Clock;
import rnnlab.core.Options;
import rnnlab.core.ProcessMemory;
import rnnlab.core.Threads;
import rnnlab.core.UserError;

/**
 * Runs jobs, {@code -Djobs=N} at a time, on N worker JVMs ({@link Worker}, started by {@link ChildJvm}): native
 * memory apart from this process's, the parent's BLAS environment, and workers that end by themselves if this
 * process goes away. Each worker takes the next job as it finishes one, so a JVM's start and ND4J's loading are
 * paid once per worker, not per job. A job is one setting and seed of an experiment, or a whole experiment
 * ({@code rnnlab.Main} makes the list); each writes its own files, exactly as it would alone, so the results do
 * not depend on how many ran at once. Every line a worker prints comes out prefixed with its job's name; each
 * finished job adds a line with "k of n jobs, elapsed, remaining".
 */
public final class Workers {
    /** A job: its name and the system properties its worker JVM runs {@code rnnlab.Main} with. */
    public record Job(String name, Map<String, String> properties) {
        /** The experiment overrides among its properties: every one the suite does not read itself. */
        public Map<String, String> overrides() {
            return Workers.overrides(properties);
        }
    }

    /** The experiment overrides among a job's properties: every key but the suite's own and the JVM's and tools'. */
    public static Map<String, String> overrides(Map<String, String> properties) {
        Map<String, String> out = new LinkedHashMap<>(properties);
        out.keySet().removeIf(Cli::isForeign);
        out.keySet().removeAll(Cli.RESERVED);
        return out;
    }

    /** How a job ended. */
    public record Outcome(Job job, int exitCode, double seconds, double peakRssMb, String error) {
        public Outcome(Job job, int exitCode, double seconds, double peakRssMb) {
            this(job, exitCode, seconds, peakRssMb, null);
        }
    }

    /** Memory a worker may take at its peak (the largest quick job measured, PtbWordLstm, peaked at 2.3 GB). */
    static final long WORKER_BUDGET_BYTES = 3L << 30;

    private Workers() {
    }

    /** The default number of workers: one per core, no more than fit in the machine's memory. */
    public static int defaultCount() {
        return defaultCount(Runtime.getRuntime().availableProcessors(), physicalMemoryBytes());
    }

    /**
     * The default number of workers on {@code cores} cores with {@code memoryBytes} of memory (0 or less: unknown): one
     * per core, no more than {@link #WORKER_BUDGET_BYTES} each fit in the memory, at least one.
     */
    static int defaultCount(int cores, long memoryBytes) {
        int fit = memoryBytes <= 0 ? cores : (int) Math.max(1, memoryBytes / WORKER_BUDGET_BYTES);
        return Math.max(1, Math.min(cores, fit));
    }

    /**
     * {@code -Djobs=N}, the jobs (or search candidates) to run at once: the number given, from 1 to 256, or by
     * default {@link #defaultCount}; anything else ends in one line.
     */
    public static int requested() {
        String v = Options.JOBS.given();
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
        throw new UserError("Invalid value for 'jobs': '" + v + "'; expected a whole number from 1 to 256 (jobs "
                + "run at once; the default is one per core: " + defaultCount() + " here)");
    }

    /** The JVM flags of a worker when {@code n} share the machine: each sized for its share of the cores. */
    static List<String> workerFlags(int n) {
        if (n <= 1) {
            return List.of();
        }
        int share = Math.max(1, Runtime.getRuntime().availableProcessors() / n);
        return sizedFor(share);
    }

    /** GC and JIT threads are sized from the cores a JVM sees; with several workers each sees only its share. */
    private static List<String> sizedFor(int cores) {
        return List.of("-XX:ActiveProcessorCount=" + cores, "-XX:+UseSerialGC");
    }

    /**
     * The JVM flags of a Spark executor with {@code cores} cores, as a worker's: sized for them, and without JavaCPP's
     * memory check ({@link ChildJvm#PHYSICAL_BYTES}), which a worker JVM is started without too.
     */
    public static List<String> executorFlags(int cores) {
        List<String> flags = new ArrayList<>(sizedFor(cores));
        flags.add("-D" + ChildJvm.PHYSICAL_BYTES + "=0");
        return flags;
    }

    /**
     * Runs every job, {@code n} at a time, the longest first by {@code estimate} (seconds, 0 when unknown), so that no
     * long job is left to run alone at the end, calling {@code finished} with each job's outcome as it ends (on the
     * thread that ran it) while the other jobs go on; returns their outcomes in the jobs' order.
     */
    public static List<Outcome> run(List<Job> jobs, int n, PrintStream out, PrintStream err, Task task,
            ToDoubleFunction<Job> estimate, Consumer<Outcome> finished)
            throws InterruptedException {
        List<Job> order = longestFirst(jobs, estimate);
        List<Outcome> ran = runInOrder(order, n, out, err, task, estimate, finished);
        List<Outcome> outcomes = new ArrayList<>();
        for (Job j : jobs) {
            outcomes.add(ran.get(order.indexOf(j)));
        }
        return outcomes;
    }

    /** {@code jobs} in the order they start: the longest first by {@code estimate}, ties in their given order. */
    public static List<Job> longestFirst(List<Job> jobs, ToDoubleFunction<Job> estimate) {
        List<Job> order = new ArrayList<>(jobs);
        order.sort(Comparator.comparingDouble(estimate).reversed());
        return order;
    }

    /**
     * Runs every job, {@code n} at a time, in the given order, on {@code n} worker JVMs ({@link Worker}) that each take
     * the next job as they finish one; returns their outcomes in the jobs' order. A worker that dies (its job took it
     * down) fails that job and is replaced for the rest.
     */
    private static List<Outcome> runInOrder(List<Job> jobs, int n, PrintStream out, PrintStream err, Task task,
            ToDoubleFunction<Job> estimate, Consumer<Outcome> finished) throws InterruptedException {
        ConcurrentLinkedQueue<Integer> next = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < jobs.size(); i++) {
            next.add(i);
        }
        Outcome[] outcomes = new Outcome[jobs.size()];
        long t0 = System.nanoTime();
        AtomicInteger done = new AtomicInteger();
        boolean[] ended = new boolean[jobs.size()];
        double[] estimated = jobs.stream().mapToDouble(estimate).toArray();
        double[] took = new double[jobs.size()];
        int workers = Math.max(1, Math.min(n, jobs.size()));
        List<Thread> threads = new ArrayList<>();
        try (Pool pool = new Pool(workers, out, err, task)) {
            for (int w = 0; w < workers; w++) {
                Thread t = new Thread(() -> {
                    Integer i;
                    while ((i = next.poll()) != null) {
                        Job job = jobs.get(i);
                        Outcome ran = pool.run(job);
                        // the caller's job (the pool ran a copy with its thread count)
                        Outcome o = new Outcome(job, ran.exitCode(), ran.seconds(), ran.peakRssMb(), ran.error());
                        outcomes[i] = o;
                        int k = done.incrementAndGet();
                        double elapsed = (System.nanoTime() - t0) / 1e9;
                        double remaining;
                        synchronized (ended) {
                            ended[i] = true;
                            took[i] = o.seconds();
                            remaining = remainingSeconds(estimated, ended, took, elapsed, workers);
                        }
                        synchronized (out) {
                            out.printf("rnnlab: job %s %s in %s (worker's peak %s); %d of %d jobs, elapsed %s, remaining about %s%n",
                                    job.name(), o.exitCode() == 0 ? "finished" : "FAILED (exit " + o.exitCode() + ")",
                                    Clock.format(o.seconds()), Double.isNaN(o.peakRssMb()) ? "memory not read"
                                            : String.format("%.0f MB", o.peakRssMb()), k, jobs.size(),
                                    Clock.format(elapsed), Clock.format(remaining));
                        }
                        finished.accept(o);
                    }
                }, "rnnlab-worker-" + w);
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
        }
        List<Outcome> result = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            result.add(outcomes[i] != null ? outcomes[i] : new Outcome(jobs.get(i), 1, 0, Double.NaN));
        }
        return result;
    }

    /**
     * The wall seconds the jobs not yet {@code ended} will likely take on {@code workers} workers. When every job has an
     * estimate (its setting's last training seconds), the estimates of those left, scaled by how the ended jobs' real
     * seconds ({@code took}) compare with theirs and shared out among the workers: a long job ending first does not make
     * every short one look as long. Otherwise the ended jobs' mean pace over {@code elapsed}, as for equal jobs. At
     * least one job has ended.
     */
    static double remainingSeconds(double[] estimated, boolean[] ended, double[] took, double elapsed, int workers) {
        int k = 0;
        double estimatedEnded = 0;
        double tookEnded = 0;
        double estimatedLeft = 0;
        boolean allEstimated = true;
        for (int i = 0; i < estimated.length; i++) {
            allEstimated &= estimated[i] > 0;
            if (ended[i]) {
                k++;
                estimatedEnded += estimated[i];
                tookEnded += took[i];
            } else {
                estimatedLeft += estimated[i];
            }
        }
        if (allEstimated && tookEnded > 0) {
            return tookEnded / estimatedEnded * estimatedLeft / Math.max(1, workers);
        }
        return elapsed / k * (estimated.length - k);
    }

    /**
     * Up to {@code n} worker JVMs that callers on any thread hand jobs to ({@link #run} blocks until its job ends):
     * what {@link Workers#run(List, int, PrintStream, PrintStream, Task, ToDoubleFunction, Consumer)} and a search's
     * candidates run on. A worker is started when a job finds none idle, sized for a share of {@code n}, and kept for
     * the next job.
     */
    public static final class Pool implements AutoCloseable {
        private final int n;
        private final PrintStream out;
        private final PrintStream err;
        private final Task task;
        private final BlockingQueue<WorkerJvm> idle = new LinkedBlockingQueue<>();
        private final List<WorkerJvm> all = new ArrayList<>();
        private final Semaphore slots;

        public Pool(int n, PrintStream out, PrintStream err, Task task) {
            this.n = Math.max(1, n);
            this.out = out;
            this.err = err;
            this.task = task;
            this.slots = new Semaphore(this.n);
        }

        /** Runs {@code job} on an idle worker (or a new one), waiting for a free one when {@code n} are busy. */
        public Outcome run(Job job) {
            return run(job, null);
        }

        /** {@link #run(Job)}, calling {@code started} (when not null) once the job has its worker slot. */
        public Outcome run(Job job, Runnable started) {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(job, 130, 0, Double.NaN);
            }
            if (started != null) {
                started.run();
            }
            WorkerJvm jvm = null;
            try {
                jvm = idle.poll();
                if (jvm != null && !jvm.alive()) {
                    jvm.close();
                    jvm = null;
                }
                if (jvm == null) {
                    try {
                        jvm = new WorkerJvm(job, workerFlags(n), out, err, task);
                    } catch (IOException e) {
                        err.println("rnnlab: cannot start a worker JVM: " + e.getMessage());
                        return new Outcome(job, 1, 0, Double.NaN, "cannot start a worker JVM: " + e.getMessage());
                    }
                    synchronized (all) {
                        all.add(jvm);
                    }
                }
                return jvm.run(withThreads(job));
            } finally {
                if (jvm != null && jvm.alive()) {
                    idle.add(jvm);
                }
                slots.release();
            }
        }

        /**
         * {@code job} with its thread count ({@link Threads#forJob}: its share of the cores for the experiments that
         * gain from more, one for the rest), unless the user set {@code -Dthreads}, which every job then keeps.
         */
        private Job withThreads(Job job) {
            if (Options.THREADS.given() != null || job.properties().get("exp") == null) {
                return job;
            }
            Map<String, String> props = new LinkedHashMap<>(job.properties());
            props.put(Threads.PROPERTY, Integer.toString(Threads.forJob(props.get("exp"), n,
                    Runtime.getRuntime().availableProcessors())));
            return new Job(job.name(), props);
        }

        @Override
        public void close() {
            synchronized (all) {
                all.forEach(WorkerJvm::close);
                all.clear();
            }
        }
    }

    /**
     * The properties of a job that runs {@code exp} of the project in {@code projectDir}, in {@code profile}, into
     * {@code out} with {@code overrides}: this JVM's own (the runtime keys, fresh, checkpoints, threads), the
     * overrides, and one job at a time inside it.
     */
    public static Map<String, String> jobProperties(Path projectDir, String exp, String profile, Path out,
            Map<String, String> overrides) {
        Map<String, String> props = new LinkedHashMap<>(ChildJvm.passedProperties());
        props.keySet().removeAll(List.of("exp", "profile", "out", "jobs", "runner", "units"));
        props.putAll(overrides);
        props.put(Worker.PROJECT, projectDir.toAbsolutePath().toString());
        props.put("exp", exp);
        props.put("profile", profile);
        props.put("out", out.toString());
        props.put("jobs", "1");
        return props;
    }

    /**
     * The properties a job's line carries; every other one the worker JVM gets at its start. The project's folder
     * is one: a worker serves the jobs of any caller, whose project need not be the worker's working folder.
     */
    private static final List<String> PER_JOB = List.of(Worker.PROJECT, "exp", "profile", "out", "units", "threads");

    /** One worker JVM and the job it runs: its output lines come out prefixed with that job's name. */
    private static final class WorkerJvm {
        private final Process process;
        private final Writer toWorker;
        /** Each job's end as the worker said it: its exit status, then its error line if any. */
        private final BlockingQueue<String> ends = new LinkedBlockingQueue<>();
        private final Thread stopper;
        private boolean closed;
        private volatile String prefix = "";

        WorkerJvm(Job first, List<String> flags, PrintStream out, PrintStream err, Task task) throws IOException {
            Map<String, String> props = new LinkedHashMap<>(first.properties());
            props.keySet().removeAll(PER_JOB);
            props.put(Worker.ROLE, "true");
            ProcessBuilder pb = ChildJvm.builder(task.entry(), props, flags);
            process = pb.start();
            stopper = new Thread(() -> ChildJvm.destroy(process), "rnnlab-worker-stop"); // and waits for its end
            Runtime.getRuntime().addShutdownHook(stopper);
            toWorker = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            ChildJvm.pump(process.getInputStream(), line -> {
                if (line.startsWith(Worker.DONE)) {
                    ends.add(line.substring(Worker.DONE.length()).trim());
                } else {
                    synchronized (out) {
                        out.println(prefix + line);
                    }
                }
            }, "rnnlab-worker-stdout");
            ChildJvm.pump(process.getErrorStream(), line -> {
                String core = ChildJvm.coreOf(line);
                if (core != null) {
                    ChildJvm.reportCore(core, out);
                } else {
                    synchronized (err) {
                        err.println(prefix + line);
                    }
                }
            }, "rnnlab-worker-stderr");
        }

        boolean alive() {
            return process.isAlive();
        }

        /** Sends the job and waits for its end, or for the worker's. */
        Outcome run(Job job) {
            prefix = "[" + job.name() + "] ";
            long t0 = System.nanoTime();
            Map<String, String> line = new LinkedHashMap<>();
            for (String k : PER_JOB) {
                if (job.properties().containsKey(k)) {
                    line.put(k, job.properties().get(k));
                }
            }
            line.putAll(job.overrides());
            int code;
            String error = null;
            double peak = Double.NaN;
            try {
                toWorker.write(Worker.encode(line) + "\n");
                toWorker.flush();
                String end = null;
                while (end == null) {
                    end = ends.poll(1, TimeUnit.SECONDS);
                    double now = ProcessMemory.peakMb(process.pid()); // VmHWM only grows: the last is the peak
                    if (!Double.isNaN(now)) {
                        peak = now;
                    }
                    if (end == null && !process.isAlive()) {
                        end = ends.poll();
                        if (end == null) { // gone before it said the job ended
                            end = (process.exitValue() == 0 ? 1 : process.exitValue()) + " the worker JVM ended during the job";
                        }
                    }
                }
                int space = end.indexOf(' ');
                code = Integer.parseInt(space < 0 ? end : end.substring(0, space));
                error = space < 0 ? null : end.substring(space + 1);
            } catch (IOException e) {
                code = process.isAlive() ? 1 : process.exitValue();
                error = "the worker JVM cannot be reached: " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                code = 130;
            }
            return new Outcome(job, code, (System.nanoTime() - t0) / 1e9, peak, error);
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                toWorker.close();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroy();
                }
            } catch (IOException e) {
                process.destroy();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroy();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(stopper);
                } catch (IllegalStateException e) {
                    // shutting down: the hook runs
                }
            }
        }
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
}
