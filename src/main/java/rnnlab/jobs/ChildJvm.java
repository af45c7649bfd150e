package rnnlab.jobs;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import rnnlab.core.Options;
import rnnlab.core.UserError;
import rnnlab.kernels.BlasCore;
import rnnlab.kernels.Gemm;

/**
 * A JVM of the project's own, started from this one with the environment a training run needs: the BLAS core
 * type that fits the CPU ({@link BlasCore}), which OpenBLAS reads only from the environment of the process that
 * loads it. {@code exec:java} runs inside Maven's JVM, whose environment is fixed, so {@code rnnlab.Main} runs
 * its work in a child; jobs and workers use the same path.
 *
 * <p>A child ends by itself when its parent is gone ({@link #watchParent}), however the parent was stopped, so
 * no orphan goes on writing results; a parent that is stopped normally (Ctrl-C, SIGTERM) stops its children
 * first. The child's standard output and error are read line by line and passed on (so a parent can prefix a
 * worker's lines), catching on the way the line in which OpenBLAS names the kernels it loaded.
 */
public final class ChildJvm {
    /** Set in a child: the pid of the parent it watches. */
    public static final String PARENT_PID = "rnnlab.parent.pid";
    /**
     * JavaCPP's limit on the process's resident memory, which it checks by reading it from the system at every native
     * allocation: DL4J's networks make thousands of small ones a batch (shape buffers, op contexts), and the check
     * took 21% of Bench's digitsum-srn training step on a Zen 4 EPYC. A child sets it to 0 (no check) unless the
     * command line sets it; JavaCPP's limit on the memory it allocates itself ({@code org.bytedeco.javacpp.maxBytes},
     * which triggers a garbage collection when reached) stays as it is.
     */
    static final String PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";
    private static final Pattern CORE_LINE = Pattern.compile("^Core: (\\S+)\\s*$");
    /** System properties of the JVM and of Maven that a child does not inherit. */
    private static final List<String> NOT_PASSED = List.of("java.", "jdk.", "sun.", "os.", "user.", "file.", "line.",
            "path.", "native.", "stdout.", "stderr.", "classworlds.", "maven.", "library.", "guice.", "jansi.",
            "jline.", "exec.", "awt.toolkit", "socksNonProxyHosts", "http.nonProxyHosts", "ftp.nonProxyHosts");
    private static final AtomicReference<String> loggedCore = new AtomicReference<>();

    private ChildJvm() {
    }

    /** True in a JVM started by {@link #builder}. */
    public static boolean isChild() {
        return Options.internal(PARENT_PID) != null;
    }

    /**
     * A child JVM running {@code mainClass} on this JVM's class path, with {@code properties} as its system
     * properties, {@code jvmFlags} before them, and the BLAS core type in its environment.
     */
    public static ProcessBuilder builder(String mainClass, Map<String, String> properties, List<String> jvmFlags) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(Options.jvm("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        for (Map.Entry<String, String> p : properties.entrySet()) {
            cmd.add("-D" + p.getKey() + "=" + p.getValue());
        }
        if (!properties.containsKey(PHYSICAL_BYTES)) {
            cmd.add("-D" + PHYSICAL_BYTES + "=0");
        }
        cmd.add("-D" + PARENT_PID + "=" + ProcessHandle.current().pid());
        cmd.add("-cp");
        cmd.add(classpath());
        cmd.add(mainClass);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        // the child reads its command line from its system properties, not from Maven's
        env.remove("MAVEN_CMD_LINE_ARGS");
        String core = BlasCore.forThisMachine();
        if (core != null && !env.containsKey(BlasCore.VARIABLE)) {
            env.put(BlasCore.VARIABLE, core);
        }
        // OpenBLAS names the kernel it loaded on standard error; the parent reads and reports it once
        env.putIfAbsent("OPENBLAS_VERBOSE", "2");
        return pb;
    }

    /**
     * Runs {@code mainClass} in a child JVM with this JVM's properties and {@code flags}, its output on ours; returns its
     * exit status (one line on standard error if it cannot start).
     */
    public static int runProgram(String mainClass, List<String> flags) {
        try {
            return run(builder(mainClass, passedProperties(), flags), System.out, System.err);
        } catch (IOException e) {
            System.err.println("rnnlab: cannot start the JVM that runs the work: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /** The system properties of this JVM that a child should see: the user's and the project's, not the JVM's. */
    public static Map<String, String> passedProperties() {
        Map<String, String> out = new LinkedHashMap<>();
        Properties props = System.getProperties();
        for (String key : new TreeSet<>(props.stringPropertyNames())) {
            if (NOT_PASSED.stream().noneMatch(key::startsWith) && !key.equals(PARENT_PID) && !key.equals(Worker.ROLE)) {
                out.put(key, props.getProperty(key));
            }
        }
        out.put("java.awt.headless", "true");
        return out;
    }

    /**
     * Starts the child, passes its standard output and error on to {@code out} and {@code err}, waits for it and
     * returns its exit status. OpenBLAS's kernel line becomes one line of {@link #coreLine} on {@code out}, once per
     * parent, as soon as the child has printed anything on its standard output: a child that only reports a
     * mistake (one line on standard error) is not interrupted by it. A shutdown of this JVM destroys the child.
     */
    public static int run(ProcessBuilder pb, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        return run(pb, out, err, null);
    }

    /** {@link #run}, calling {@code watch} with the child's pid about once a second while it runs (null: never). */
    public static int run(ProcessBuilder pb, PrintStream out, PrintStream err, LongConsumer watch)
            throws IOException, InterruptedException {
        pb.redirectInput(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        Thread killer = new Thread(() -> destroy(p), "rnnlab-child-stop");
        Runtime.getRuntime().addShutdownHook(killer);
        CoreReport report = new CoreReport(out);
        Thread outPump = pump(p.getInputStream(), line -> {
            report.started();
            out.println(line);
        }, "rnnlab-child-stdout");
        Thread errPump = pump(p.getErrorStream(), line -> {
            Matcher m = CORE_LINE.matcher(line);
            if (m.matches()) {
                report.core(m.group(1));
            } else {
                err.println(line);
            }
        }, "rnnlab-child-stderr");
        try {
            while (!p.waitFor(1, TimeUnit.SECONDS)) {
                if (watch != null) {
                    watch.accept(p.pid());
                }
            }
            int code = p.exitValue();
            outPump.join(5000);
            errPump.join(5000);
            out.flush();
            return code;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs
            }
        }
    }

    /** Prints the kernel line once both the kernel is known and the child has begun to print. */
    private static final class CoreReport {
        private final PrintStream out;
        private String core;
        private boolean started;

        CoreReport(PrintStream out) {
            this.out = out;
        }

        synchronized void core(String name) {
            if (core == null) {
                core = name;
                maybePrint();
            }
        }

        synchronized void started() {
            if (!started) {
                started = true;
                maybePrint();
            }
        }

        private void maybePrint() {
            if (core != null && started) {
                reportCore(core, out);
            }
        }
    }

    /** Reads {@code in} line by line on a daemon thread into {@code sink}, until the child closes it. */
    static Thread pump(InputStream in, Consumer<String> sink, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                // the child is gone
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** OpenBLAS's kernel name if {@code line} is its {@code Core: NAME} line on a child's standard error, else null. */
    static String coreOf(String line) {
        Matcher m = CORE_LINE.matcher(line);
        return m.matches() ? m.group(1) : null;
    }

    /** Prints {@link #coreLine} on {@code out} once per process, for the first child that names its kernels. */
    static void reportCore(String core, PrintStream out) {
        if (loggedCore.compareAndSet(null, core)) {
            out.println(LocalTime.now().withNano(0) + " INFO  " + coreLine(core));
        }
    }

    /** The one line a run prints about its BLAS. */
    static String coreLine(String core) {
        return "BLAS: OpenBLAS, kernels for " + core + " (" + BlasCore.origin() + "; set " + BlasCore.VARIABLE
                + " to choose another); the project's kernels' products through " + gemmLabel() + " sgemm "
                + "(-Dgemm=onednn|openblas)";
    }

    private static String gemmLabel() {
        try {
            return Gemm.parse(Options.GEMM.given()).label();
        } catch (UserError e) {
            return "(an unknown -Dgemm)"; // the child says what is wrong
        }
    }

    /** Stops {@code p} (SIGTERM) and waits for its end, at most 10 seconds before a SIGKILL. */
    static void destroy(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
        }
    }

    /**
     * In a child: a daemon thread that halts this JVM as soon as the parent that started it is gone (killed
     * with SIGKILL, say, which runs no shutdown hook there), so an orphan never goes on writing.
     */
    public static void watchParent() {
        String pid = Options.internal(PARENT_PID);
        if (pid == null) {
            return;
        }
        long parent = Long.parseLong(pid);
        Thread t = new Thread(() -> {
            while (true) {
                boolean alive = ProcessHandle.of(parent).map(ProcessHandle::isAlive).orElse(false);
                if (!alive) {
                    System.err.println("rnnlab: the parent process " + parent + " is gone; stopping");
                    Runtime.getRuntime().halt(3);
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rnnlab-parent-watch");
        t.setDaemon(true);
        t.start();
    }

    /** The class path of the project's code as this JVM sees it (under exec:java, the plugin's class loader). */
    static String classpath() {
        ClassLoader cl = ChildJvm.class.getClassLoader();
        if (cl instanceof URLClassLoader u && u.getURLs().length > 0) {
            List<String> parts = new ArrayList<>();
            for (URL url : u.getURLs()) {
                try {
                    parts.add(Path.of(url.toURI()).toString());
                } catch (URISyntaxException | IllegalArgumentException e) {
                    parts.add(url.getPath());
                }
            }
            return String.join(File.pathSeparator, parts);
        }
        return Options.jvm("java.class.path");
    }
}
