package rnnlab.checkpoints;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.slf4j.Logger;

import rnnlab.core.AtomicFiles;
import rnnlab.core.JobResult;
import rnnlab.core.OneLine;
import rnnlab.core.Options;
import rnnlab.core.ResultsCsv;
import rnnlab.core.Run;
import rnnlab.kernels.BlasCore;

/**
 * Finished jobs, kept beside their results so that a rerun of the same command, in this sitting or a later one, on
 * this machine or a worker of a cluster, reuses them instead of training again: one text file per job,
 * {@code OUT/runs/EXPERIMENT/SETTING.txt}, holding the job's CSV rows and texts (see {@link JobResult}) under a key
 * and a SHA-1 of the whole. The full profile's are committed with its tables ({@code results/runs/}), so a
 * multi-seed rerun that takes hours goes on across sittings; the quick profile's and custom runs' are not.
 *
 * <p>The key is the experiment, profile, setting, every configuration value but the seeds list (a job's seed is in
 * its setting) and {@link #NUMERICS}, not the code: a change that moves the numbers bumps {@link #NUMERICS}, so that
 * the next run trains every job again. A file whose key or checksum does not match is reported in one line and its
 * job trains again; {@code -Dfresh=true} ignores them all. The last line before the checksum names the machine the
 * job ran on (CPU and OpenBLAS kernels; not part of the key, since figures are compared over seeds across machines).
 */
public final class FinishedJobs {
    /** The version of the numbers: bump it when a change moves float results (kernels, rounding, data order). */
    public static final String NUMERICS = "2026-12-06";

    private static final String MAGIC = "rnnlab-finished-job 1";

    private FinishedJobs() {
    }

    /** Where a job's result is kept. */
    public static Path file(Run run, String setting) {
        return run.outDir().resolve("runs").resolve(run.name()).resolve(setting + ".txt");
    }

    static String key(Run run, String setting) {
        String k = run.name() + "|" + run.config().profile() + "|" + setting + "|" + Checkpoint.values(run) + "|" + NUMERICS;
        return HexFormat.of().formatHex(Checkpoint.sha1(k.getBytes(StandardCharsets.UTF_8)));
    }

    /** Keeps a finished job's result, atomically. */
    public static void write(Run run, JobResult result) {
        if (!result.finished()) {
            throw new IllegalArgumentException("job " + result.setting() + " has not finished");
        }
        StringBuilder sb = new StringBuilder(MAGIC).append('\n');
        sb.append("key ").append(key(run, result.setting())).append('\n');
        sb.append("experiment ").append(run.name()).append('\n');
        sb.append("setting ").append(result.setting()).append('\n');
        sb.append("rows ").append(result.rows().rows().size()).append('\n');
        sb.append(result.rows().text());
        for (Map.Entry<String, List<String>> t : result.texts().entrySet()) {
            sb.append("text ").append(t.getValue().size()).append(' ').append(OneLine.escape(t.getKey())).append('\n');
            t.getValue().forEach(line -> sb.append(OneLine.escape(line)).append('\n'));
        }
        sb.append("machine ").append(OneLine.escape(BlasCore.machine())).append('\n');
        byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
        String sum = "sha1 " + HexFormat.of().formatHex(Checkpoint.sha1(body)) + "\n";
        byte[] all = (sb + sum).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file(run, result.setting()), all);
    }

    /**
     * The kept result of {@code setting}, if there is one for this run's key and it is whole; otherwise empty, after
     * one line to {@code say} when a file was there but cannot be used (why, not what the caller does instead).
     * {@code -Dfresh=true}: empty.
     */
    public static Optional<JobResult> read(Run run, String setting, Consumer<String> say) {
        return read(run, setting, false, say);
    }

    /**
     * {@link #read}; {@code forPages}: this is the pass that writes the pages of jobs this command ran (in workers),
     * so their results are used even under {@code -Dfresh=true}, which means "results kept before this command".
     */
    public static Optional<JobResult> read(Run run, String setting, boolean forPages, Consumer<String> say) {
        Path f = file(run, setting);
        if ((Options.FRESH.bool() && !forPages) || !Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            String text = Files.readString(f, StandardCharsets.UTF_8);
            int cut = text.lastIndexOf("sha1 ");
            if (!text.startsWith(MAGIC + "\n") || cut < 0 || !text.endsWith("\n")) {
                say.accept("kept result " + f + " is cut off or not one of this suite's");
                return Optional.empty();
            }
            String body = text.substring(0, cut);
            String sum = text.substring(cut + 5).strip();
            if (!sum.equals(HexFormat.of().formatHex(Checkpoint.sha1(body.getBytes(StandardCharsets.UTF_8))))) {
                say.accept("kept result " + f + " fails its checksum");
                return Optional.empty();
            }
            List<String> lines = List.of(body.split("\n", -1));
            if (!lines.get(1).equals("key " + key(run, setting))) {
                say.accept("kept result " + f + " is of other settings or an older version of the numbers");
                return Optional.empty();
            }
            int n = Integer.parseInt(lines.get(4).substring("rows ".length()));
            ResultsCsv rows = ResultsCsv.parse(lines.subList(5, 6 + n), f.toString());
            Map<String, List<String>> texts = new LinkedHashMap<>();
            int i = 6 + n;
            while (i < lines.size() && lines.get(i).startsWith("text ")) {
                String[] head = lines.get(i).split(" ", 3);
                int k = Integer.parseInt(head[1]);
                List<String> t = new ArrayList<>();
                for (int j = 1; j <= k; j++) {
                    t.add(OneLine.unescape(lines.get(i + j)));
                }
                texts.put(OneLine.unescape(head[2]), t);
                i += k + 1;
            }
            return Optional.of(new JobResult(setting, rows, texts, true));
        } catch (IOException | RuntimeException e) {
            say.accept("kept result " + f + " cannot be read (" + e.getMessage() + ")");
            return Optional.empty();
        }
    }

    /** {@link #read}, saying in one line on {@code log} that the job is reused or why its file is not. */
    public static Optional<JobResult> reuse(Run run, String setting, boolean forPages, Logger log) {
        Optional<JobResult> kept = read(run, setting, forPages, msg -> log.info("{} {}: {}; training it again", run.name(),
                setting, msg));
        kept.ifPresent(k -> log.info("{} {}: finished earlier ({}); reused", run.name(), setting, file(run, setting)));
        return kept;
    }
}
