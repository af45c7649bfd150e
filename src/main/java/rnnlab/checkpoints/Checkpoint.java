package rnnlab.checkpoints;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

import rnnlab.core.AtomicFiles;
import rnnlab.core.Faults;
import rnnlab.core.Options;
import rnnlab.core.Run;
import rnnlab.core.UserCorpus;
import rnnlab.core.UserError;

/**
 * A job's training state on disk, so that a stopped run resumes where it was: one file per experiment setting and
 * settings (a hash of every value in the name) under {@code checkpoints/EXPERIMENT/PROFILE/} (gitignored; {@code -Dcheckpoints=DIR} puts them elsewhere, a
 * shared path on a cluster), written atomically after every epoch. A file holds its key (the experiment, profile,
 * setting, every configuration value and a fingerprint of the code) and a SHA-1 of the whole; one whose key or
 * checksum does not match is reported in one line and not used, so the job starts over. {@code -Dfresh=true}
 * ignores every checkpoint.
 */
public final class Checkpoint {
    private static final String MAGIC = "rnnlab-checkpoint-1";
    /** The bytes every checkpoint begins with: {@link #MAGIC} as {@code writeUTF} writes it. */
    private static final byte[] HEAD = bytes(out -> out.writeUTF(MAGIC));
    private static String codeFingerprint;

    private Checkpoint() {
    }

    /** Writes a checkpoint's payload. */
    public interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    /** The bytes {@code w} writes: the payload of a checkpoint. */
    public static byte[] bytes(Writer w) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            w.write(out); // a DataOutputStream holds nothing back: no flush needed
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the training state", e);
        }
    }

    /**
     * {@code -Dcheckpoint_every=SECONDS}: how often a long epoch writes a checkpoint inside it; a value that is not a
     * number of seconds from 0 ends in one line.
     */
    public static double every() {
        String v = Options.CHECKPOINT_EVERY.or(Options.CHECKPOINT_EVERY.byDefault()).trim();
        try {
            double s = Double.parseDouble(v);
            if (s >= 0 && Double.isFinite(s)) {
                return s;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UserError("Invalid value for 'checkpoint_every': '" + v + "'; expected seconds between checkpoints "
                + "within an epoch, 0 or more (default " + Options.CHECKPOINT_EVERY.byDefault() + ")");
    }

    /** The checkpoint of one setting of a run. */
    public static Path file(Run run, String setting) {
        String dir = Options.CHECKPOINTS.given();
        Path root = dir == null || dir.isBlank() ? run.projectDir().resolve("checkpoints") : Path.of(dir);
        String name = setting == null || setting.isEmpty() ? "run" : setting.replace(';', '_').replace('=', '-');
        // runs with other settings (overrides, search candidates) keep checkpoints of their own, side by side
        String values = HexFormat.of().formatHex(sha1(values(run).toString()
                .getBytes(StandardCharsets.UTF_8))).substring(0, 8);
        return root.resolve(run.name()).resolve(run.config().profile()).resolve(name + "-" + values + ".ckpt");
    }

    /** What a checkpoint must have been written for: this experiment, profile, setting, configuration and code. */
    public static String key(Run run, String setting) {
        return key(run, setting, code());
    }

    /** {@link #key} for the code whose fingerprint is {@code code}. */
    static String key(Run run, String setting, String code) {
        return run.name() + "|" + run.config().profile() + "|" + setting + "|" + values(run) + "|" + code;
    }

    /**
     * The configuration a job's result depends on: every value but two, with {@code -Dcorpus} the text's SHA-1 and
     * the held-out share too. Left out are {@code seeds}, the list of all the run's seeds (a job's own seed is in its
     * setting, so adding seeds to a run leaves its finished jobs valid), and {@code start} at its default
     * {@code own} (what every run did before the key was added, so their finished jobs stay valid).
     */
    public static Map<String, String> values(Run run) {
        Map<String, String> values = new TreeMap<>(run.config().values());
        values.remove("seeds");
        if ("own".equals(values.get("start"))) { // every run before the key existed: their finished jobs stay valid
            values.remove("start");
        }
        UserCorpus corpus = UserCorpus.given();
        if (corpus != null) { // only then: the tutorial's corpus keeps the keys of the committed finished jobs
            values.put("corpus", corpus.sha1());
            values.put("heldout_share", Double.toString(corpus.heldOutShare()));
            if (UserCorpus.minCount() != UserCorpus.DEFAULT_MIN_COUNT) { // given (the word models alone take it)
                values.put("min_count", Integer.toString(UserCorpus.minCount()));
            }
        }
        return values;
    }

    /** Writes {@code payload} under {@code key}, atomically. */
    public static void write(Path file, String key, byte[] payload) {
        try {
            Files.createDirectories(file.getParent());
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(payload.length + 256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeUTF(MAGIC);
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            out.writeInt(k.length);
            out.write(k);
            out.writeInt(payload.length);
            out.write(payload);
            out.write(sha1(bytes.toByteArray()));
            byte[] all = bytes.toByteArray();
            // into a temporary file of this writer's own, renamed over the last checkpoint: a writer killed mid-way
            // leaves that one whole, and two attempts of one job writing at once never tear a file
            AtomicFiles.replace(file, tmp -> {
                Faults.inCheckpointWrite(file, tmp, all);
                Files.write(tmp, all);
            });
        } catch (IOException e) {
            throw new UserError("Cannot write the checkpoint " + file + ": " + e.getMessage());
        }
    }

    /**
     * The payload of {@code file} if it was written for {@code key} and is whole; otherwise empty, after one line to
     * {@code say} when a file was there but could not be used.
     */
    public static Optional<byte[]> read(Path file, String key, Consumer<String> say) {
        try {
            for (Path half : AtomicFiles.unfinished(file)) {
                say.accept("a partly written checkpoint " + half + " (" + Files.size(half) + " bytes), from a writer "
                        + "killed while writing it or still writing, is not used; " + (Files.isRegularFile(file)
                                ? "the last whole one is" : "there is no whole one"));
            }
        } catch (IOException e) {
            // gone since it was listed: written whole and renamed into place
        }
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException e) {
            say.accept("checkpoint " + file + " cannot be read (" + e.getMessage() + "); starting over");
            return Optional.empty();
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all))) {
            // a file cut off inside the magic is one of ours, truncated; one that begins otherwise is not ours
            int head = Math.min(all.length, HEAD.length);
            if (!Arrays.equals(all, 0, head, HEAD, 0, head)) {
                say.accept("checkpoint " + file + " is not a checkpoint of this suite; starting over");
                return Optional.empty();
            }
            in.readUTF();
            byte[] k = new byte[in.readInt()];
            in.readFully(k);
            byte[] payload = new byte[in.readInt()];
            in.readFully(payload);
            if (in.available() != 20) { // exactly the SHA-1 must follow: fewer bytes are a cut-off file
                throw new IOException("not a whole checkpoint");
            }
            int bodyLength = all.length - 20;
            byte[] expected = Arrays.copyOfRange(all, bodyLength, all.length);
            if (!MessageDigest.isEqual(expected, sha1(Arrays.copyOf(all, bodyLength)))) {
                say.accept("checkpoint " + file + " is corrupt (its SHA-1 does not match); starting over");
                return Optional.empty();
            }
            if (!new String(k, StandardCharsets.UTF_8).equals(key)) {
                say.accept("checkpoint " + file + " is from other settings or other code; starting over");
                return Optional.empty();
            }
            return Optional.of(payload);
        } catch (IOException | RuntimeException e) {
            say.accept("checkpoint " + file + " is truncated or corrupt; starting over");
            return Optional.empty();
        }
    }

    static byte[] sha1(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A fingerprint of the code that runs: the SHA-1 of the project's class files (in name order), so that a
     * checkpoint never resumes on code that computes differently.
     */
    static synchronized String code() {
        if (codeFingerprint == null) {
            Path source;
            try {
                source = Path.of(Checkpoint.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            } catch (URISyntaxException | RuntimeException e) {
                source = null;
            }
            codeFingerprint = fingerprintOrUnique(source);
        }
        return codeFingerprint;
    }

    /**
     * {@link #fingerprint} of {@code source}, or, when it cannot be read, a value of this process alone: no other
     * process's checkpoint then matches, so a job starts over rather than resume on code it cannot vouch for.
     */
    static String fingerprintOrUnique(Path source) {
        try {
            return fingerprint(source);
        } catch (IOException | RuntimeException e) {
            return "unreadable-" + UUID.randomUUID();
        }
    }

    /** The SHA-1 of a folder's {@code rnnlab/**.class} files (their names and bytes, in name order), or of a jar. */
    static String fingerprint(Path source) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (Files.isDirectory(source)) {
            List<Path> classes;
            try (Stream<Path> s = Files.walk(source.resolve("rnnlab"))) {
                classes = s.filter(p -> p.toString().endsWith(".class")).sorted().toList();
            }
            for (Path c : classes) {
                md.update(source.relativize(c).toString().getBytes(StandardCharsets.UTF_8));
                md.update(Files.readAllBytes(c));
            }
        } else {
            try (InputStream in = Files.newInputStream(source)) {
                md.update(in.readAllBytes());
            }
        }
        return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    }
}
