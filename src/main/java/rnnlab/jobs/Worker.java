package rnnlab.jobs;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import rnnlab.core.Cli;
import rnnlab.core.JobScope;
import rnnlab.core.Options;
import rnnlab.core.Threads;

/**
 * A worker JVM (started from the program's entry with {@link #ROLE} set, which hands itself here as a {@link Task}):
 * it runs the jobs its parent ({@link Workers}) sends, one line each on its standard input, one
 * after another, and after each prints {@link #DONE}, the job's exit status and, if it failed, the one line that
 * said why, on its standard output. Starting a
 * JVM and loading ND4J takes seconds, so a worker serves many jobs; it ends when its input closes, or by itself
 * as soon as its parent is gone.
 */
public final class Worker {
    /** What ends a job's output: this, a space and its exit status, on a line of its own. */
    static final String DONE = "\u0001rnnlab-job-done";

    /** The key of a job's line that names its project's folder (its caller's, not the worker's working folder). */
    static final String PROJECT = "rnnlab.project";

    /** The system property that makes a JVM started from the program's entry a worker. */
    public static final String ROLE = "rnnlab.worker";

    private Worker() {
    }

    /** Whether this JVM was started as a worker. */
    public static boolean isWorker() {
        return Boolean.parseBoolean(Options.internal(ROLE));
    }

    /** Serves the jobs on standard input through {@code task} until the input closes; returns the exit status. */
    public static int serve(Task task) throws Exception {
        ChildJvm.watchParent();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, String> job = decode(line);
            String project = job.remove(PROJECT);
            Path projectDir = project != null ? Path.of(project) : Path.of("").toAbsolutePath();
            String exp = job.remove("exp");
            String profile = job.remove("profile");
            String out = job.remove("out");
            String units = job.remove("units");
            String threads = job.remove(Threads.PROPERTY);
            if (threads != null) {
                System.setProperty(Threads.PROPERTY, threads); // this job's share (Workers.Pool), applied by Main
            }
            int code;
            Said err = new Said(System.err);
            try {
                code = task.run(new Cli(exp, profile, out, job, Map.of(), JobScope.of(units)), projectDir, System.out, err);
            } catch (Exception e) {
                err.println("rnnlab: job failed: " + e);
                code = 1;
            }
            System.err.flush();
            System.out.println(DONE + " " + code + (code != 0 && err.last != null ? " " + err.last : ""));
            System.out.flush();
        }
        return 0;
    }

    /** Standard error, remembering the last line the suite said of a job ("rnnlab: ..."). */
    private static final class Said extends PrintStream {
        String last;

        Said(PrintStream target) {
            super(target, true, StandardCharsets.UTF_8);
        }

        @Override
        public void println(String line) {
            if (line != null && line.startsWith("rnnlab: ")) {
                last = line.substring("rnnlab: ".length()).replace('\n', ' ');
            }
            super.println(line);
        }
    }

    /** A job as one line: its experiment, profile, out folder, units and overrides, URL-encoded. */
    static String encode(Map<String, String> job) {
        StringBuilder sb = new StringBuilder();
        job.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return sb.toString();
    }

    static Map<String, String> decode(String line) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : line.split("&")) {
            int eq = kv.indexOf('=');
            out.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }
}
