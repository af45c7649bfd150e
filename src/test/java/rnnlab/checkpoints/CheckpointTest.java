package rnnlab.checkpoints;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rnnlab.core.AtomicFiles;
import rnnlab.core.Config;
import rnnlab.core.Faults;
import rnnlab.core.Options;
import rnnlab.core.Run;
import rnnlab.core.UserError;

/**
 * A checkpoint in-process, byte by byte: its layout, its key, its SHA-1, its file name, the code fingerprint in its
 * key, and the one-line reasons a file is not used. (The process-level resume lives in {@link ResumeTest}.)
 */
class CheckpointTest {
    private static final List<String> PROPERTIES = List.of("checkpoints", "checkpoint_every", "fresh");
    private final Map<String, String> saved = new HashMap<>();

    @BeforeEach
    void save() {
        PROPERTIES.forEach(k -> {
            if (System.getProperty(k) != null) {
                saved.put(k, System.getProperty(k));
            }
            System.clearProperty(k);
        });
    }

    @AfterEach
    void restore() {
        PROPERTIES.forEach(k -> {
            System.clearProperty(k);
            if (saved.containsKey(k)) {
                System.setProperty(k, saved.get(k));
            }
        });
    }

    static Run run(Path project, Map<String, String> overrides) {
        Config c = Config.load(Path.of("experiments"), "JayChouRnn", "quick", overrides);
        return new Run("JayChouRnn", c, project, project.resolve("out"));
    }

    static byte[] sha1(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-1").digest(b);
    }

    @Test
    void theFileIsMagicKeyPayloadAndTheSha1OfAllBeforeIt(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("a/b/x.ckpt");
        byte[] payload = {1, 2, 3, 4, 5};
        Checkpoint.write(f, "the key", payload);
        byte[] all = Files.readAllBytes(f);
        // writeUTF: a 2-byte length, then the magic's bytes
        byte[] magic = "rnnlab-checkpoint-1".getBytes(StandardCharsets.UTF_8);
        int expectedLength = 2 + magic.length + 4 + 7 + 4 + payload.length + 20;
        assertEquals(expectedLength, all.length);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(all));
        assertEquals("rnnlab-checkpoint-1", in.readUTF());
        assertEquals(7, in.readInt());
        byte[] key = new byte[7];
        in.readFully(key);
        assertEquals("the key", new String(key, StandardCharsets.UTF_8));
        assertEquals(5, in.readInt());
        byte[] back = new byte[5];
        in.readFully(back);
        assertArrayEquals(payload, back);
        byte[] sum = new byte[20];
        in.readFully(sum);
        assertArrayEquals(sha1(Arrays.copyOf(all, all.length - 20)), sum);
        assertEquals(-1, in.read(), "nothing after the checksum");

        List<String> said = new ArrayList<>();
        assertArrayEquals(payload, Checkpoint.read(f, "the key", said::add).orElseThrow());
        assertEquals(List.of(), said);
    }

    @Test
    void bytesAreWhatTheWriterWrote() {
        byte[] b = Checkpoint.bytes(out -> {
            out.writeInt(7);
            out.writeUTF("h");
        });
        assertArrayEquals(new byte[] {0, 0, 0, 7, 0, 1, 'h'}, b);
        assertThrows(IllegalStateException.class, () -> Checkpoint.bytes(out -> {
            throw new IOException("disk full");
        }));
    }

    @Test
    void aByteFlippedAtTheSameLengthFailsTheSha1(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("x.ckpt");
        byte[] payload = new byte[64];
        Arrays.fill(payload, (byte) 9);
        Checkpoint.write(f, "k", payload);
        byte[] all = Files.readAllBytes(f);
        // a byte inside the payload: every length field still reads, only the checksum can tell
        all[all.length - 20 - 10] ^= 1;
        Files.write(f, all);
        List<String> said = new ArrayList<>();
        assertTrue(Checkpoint.read(f, "k", said::add).isEmpty());
        assertEquals(List.of("checkpoint " + f + " is corrupt (its SHA-1 does not match); starting over"), said);

        // a byte of the checksum itself
        all[all.length - 20 - 10] ^= 1;
        all[all.length - 1] ^= (byte) 0x80;
        Files.write(f, all);
        assertTrue(Checkpoint.read(f, "k", said::add).isEmpty());
        assertTrue(said.get(1).contains("SHA-1 does not match"), said.toString());
    }

    @Test
    void aCutOffFileIsTruncated(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("x.ckpt");
        Checkpoint.write(f, "k", new byte[100]);
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length / 2));
        List<String> said = new ArrayList<>();
        assertTrue(Checkpoint.read(f, "k", said::add).isEmpty());
        assertEquals(List.of("checkpoint " + f + " is truncated or corrupt; starting over"), said);
    }

    @Test
    void aForeignFileIsNotACheckpoint(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("x.ckpt");
        Files.writeString(f, "this is no checkpoint of this suite, but long enough");
        List<String> said = new ArrayList<>();
        assertTrue(Checkpoint.read(f, "k", said::add).isEmpty());
        assertEquals(List.of("checkpoint " + f + " is not a checkpoint of this suite; starting over"), said);
        // the first bytes of a checkpoint, cut off inside the magic: ours, truncated
        Checkpoint.write(f, "k", new byte[0]);
        byte[] whole = Files.readAllBytes(f);
        for (int n : new int[] {0, 1, 20, 21, 30}) {
            Files.write(f, Arrays.copyOf(whole, n));
            assertTrue(Checkpoint.read(f, "k", said::add).isEmpty());
            assertEquals("checkpoint " + f + " is truncated or corrupt; starting over", said.get(said.size() - 1), "" + n);
        }
        // the magic's own length, then other text
        whole[5] = 'X';
        Files.write(f, whole);
        assertTrue(Checkpoint.read(f, "k", said::add).isEmpty());
        assertTrue(said.get(said.size() - 1).contains("is not a checkpoint of this suite"), said.toString());
    }

    @Test
    void aKeyOfOtherSettingsOrOtherCodeIsRefused(@TempDir Path tmp) throws Exception {
        Run run = run(tmp, Map.of());
        String mine = Checkpoint.key(run, "sampling=sequential;seed=0", "code-a");
        Path f = tmp.resolve("x.ckpt");
        Checkpoint.write(f, mine, new byte[] {42});
        List<String> said = new ArrayList<>();
        assertArrayEquals(new byte[] {42}, Checkpoint.read(f, mine, said::add).orElseThrow());
        for (String other : List.of(Checkpoint.key(run, "sampling=sequential;seed=0", "code-b"),
                Checkpoint.key(run, "sampling=sequential;seed=1", "code-a"),
                Checkpoint.key(run(tmp, Map.of("lr", "0.002")), "sampling=sequential;seed=0", "code-a"))) {
            assertNotEquals(mine, other);
            assertTrue(Checkpoint.read(f, other, said::add).isEmpty(), other);
        }
        assertEquals(3, said.size());
        said.forEach(s -> assertEquals("checkpoint " + f + " is from other settings or other code; starting over", s));
    }

    @Test
    void theKeyNamesEverythingTheJobDependsOnButTheSeedsList(@TempDir Path tmp) {
        Run run = run(tmp, Map.of("lr", "0.5"));
        String key = Checkpoint.key(run, "sampling=sequential;seed=3", "f00d");
        assertTrue(key.startsWith("JayChouRnn|quick|sampling=sequential;seed=3|{"), key);
        assertTrue(key.endsWith("}|f00d"), key);
        assertTrue(key.contains("lr=0.5"), key);
        assertFalse(key.contains("seeds="), key);
        assertEquals(key, Checkpoint.key(run(tmp, Map.of("lr", "0.5", "seeds", "0..9")), "sampling=sequential;seed=3", "f00d"));
        assertEquals(Checkpoint.key(run, "s", Checkpoint.code()), Checkpoint.key(run, "s"));
        assertFalse(Checkpoint.values(run).containsKey("seeds"));
        assertEquals("0.5", Checkpoint.values(run).get("lr"));
    }

    @Test
    void aTextOfOnesOwnKeysJobsByItsContentsAndShareAndOnlyThen(@TempDir Path tmp) throws Exception {
        Run run = run(tmp, Map.of());
        Map<String, String> tutorial = Checkpoint.values(run);
        assertFalse(tutorial.containsKey("corpus") || tutorial.containsKey("heldout_share"), tutorial.toString());
        Path text = Files.writeString(tmp.resolve("mine.txt"), "abc");
        System.setProperty("corpus", text.toString());
        try {
            Map<String, String> own = Checkpoint.values(run);
            assertEquals("a9993e364706816aba3e25717850c26c9cd0d89d", own.get("corpus")); // SHA-1 of "abc"
            assertEquals("0.1", own.get("heldout_share"));
            System.setProperty("heldout_share", "0.25");
            assertEquals("0.25", Checkpoint.values(run).get("heldout_share"));
            // the word models' min_count: in the key only when it is not the default
            assertFalse(Checkpoint.values(run).containsKey("min_count"));
            System.setProperty("min_count", "3");
            assertEquals("3", Checkpoint.values(run).get("min_count"));
            Files.writeString(text, "abd");
            assertFalse(own.get("corpus").equals(Checkpoint.values(run).get("corpus")), "a changed file is another key");
        } finally {
            System.clearProperty("corpus");
            System.clearProperty("heldout_share");
            System.clearProperty("min_count");
        }
        assertEquals(tutorial, Checkpoint.values(run));
    }

    @Test
    void fileNamesSayTheSettingAndAHashOfTheValues(@TempDir Path tmp) throws Exception {
        Run run = run(tmp, Map.of());
        String hash = HexFormat.of().formatHex(sha1(Checkpoint.values(run).toString().getBytes(StandardCharsets.UTF_8)))
                .substring(0, 8);
        Path expected = tmp.resolve("checkpoints/JayChouRnn/quick/sampling-sequential_seed-0-" + hash + ".ckpt");
        assertEquals(expected, Checkpoint.file(run, "sampling=sequential;seed=0"));
        assertEquals(tmp.resolve("checkpoints/JayChouRnn/quick/run-" + hash + ".ckpt"), Checkpoint.file(run, ""));
        assertEquals(tmp.resolve("checkpoints/JayChouRnn/quick/run-" + hash + ".ckpt"), Checkpoint.file(run, null));
        // other values, another file; the seeds list alone does not change it
        assertNotEquals(expected, Checkpoint.file(run(tmp, Map.of("lr", "0.002")), "sampling=sequential;seed=0"));
        assertEquals(expected, Checkpoint.file(run(tmp, Map.of("seeds", "0..3")), "sampling=sequential;seed=0"));
        // -Dcheckpoints=DIR: the same layout under DIR; blank: the default
        System.setProperty("checkpoints", tmp.resolve("shared").toString());
        assertEquals(tmp.resolve("shared/JayChouRnn/quick/sampling-sequential_seed-0-" + hash + ".ckpt"),
                Checkpoint.file(run, "sampling=sequential;seed=0"));
        System.setProperty("checkpoints", "  ");
        assertEquals(expected, Checkpoint.file(run, "sampling=sequential;seed=0"));
    }

    @Test
    void aMissingFileIsSilentlyAbsent(@TempDir Path tmp) throws Exception {
        List<String> said = new ArrayList<>();
        assertEquals(Optional.empty(), Checkpoint.read(tmp.resolve("none.ckpt"), "k", said::add));
        Files.createDirectories(tmp.resolve("dir.ckpt"));
        assertEquals(Optional.empty(), Checkpoint.read(tmp.resolve("dir.ckpt"), "k", said::add));
        assertEquals(List.of(), said);
    }

    @Test
    void aWriteThatCannotHappenIsOneLine(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("file"), "x");
        UserError e = assertThrows(UserError.class, () -> Checkpoint.write(tmp.resolve("file/x.ckpt"), "k", new byte[1]));
        assertTrue(e.getMessage().startsWith("Cannot write the checkpoint " + tmp.resolve("file/x.ckpt")), e.getMessage());
    }

    /**
     * A writer killed while writing (here held half way by {@link Faults}, as the cluster test holds an executor there
     * and SIGKILLs it) leaves its half-written temporary file beside the last whole checkpoint: a read reports it in
     * one line and returns the last whole one; the writer let go renames its whole file into place.
     */
    @Test
    void aHalfWrittenCheckpointIsReportedAndTheLastWholeOneUsed(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("job.ckpt");
        Path marker = tmp.resolve("stall");
        System.setProperty(Faults.CHECKPOINT_STALL, marker.toString());
        try {
            Checkpoint.write(file, "k", new byte[] {1, 2, 3}); // no earlier checkpoint: no stall
            assertFalse(Files.exists(marker));
            byte[] next = new byte[1000];
            Arrays.fill(next, (byte) 7);
            Thread writer = new Thread(() -> Checkpoint.write(file, "k", next));
            writer.start();
            List<Path> half = List.of();
            for (int i = 0; i < 3000 && (half.isEmpty() || Files.size(half.get(0)) == 0); i++) {
                Thread.sleep(10);
                half = AtomicFiles.unfinished(file);
            }
            assertEquals(1, half.size(), "the writer's temporary file, beside the checkpoint");
            long size = Files.size(half.get(0));
            assertTrue(size > 500 && size < 1100, "half of it: " + size);
            List<String> said = new ArrayList<>();
            assertArrayEquals(new byte[] {1, 2, 3}, Checkpoint.read(file, "k", said::add).orElseThrow());
            assertEquals(List.of("a partly written checkpoint " + half.get(0) + " (" + size + " bytes), from a writer "
                    + "killed while writing it or still writing, is not used; the last whole one is"), said);
            Files.delete(marker);
            writer.join();
            said.clear();
            assertArrayEquals(next, Checkpoint.read(file, "k", said::add).orElseThrow());
            assertEquals(List.of(), said);
            assertEquals(List.of(), AtomicFiles.unfinished(file));
        } finally {
            System.clearProperty(Faults.CHECKPOINT_STALL);
            Files.deleteIfExists(marker);
        }
    }

    @Test
    void aHalfWrittenFirstCheckpointLeavesNone(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("job.ckpt");
        Files.write(tmp.resolve(".job.ckpt123.tmp"), new byte[] {1, 2});
        Files.write(tmp.resolve(".job.ckpt.tmp"), new byte[] {1}); // not a temporary name of AtomicFiles
        Files.write(tmp.resolve(".other.ckpt9.tmp"), new byte[] {1});
        List<String> said = new ArrayList<>();
        assertEquals(Optional.empty(), Checkpoint.read(file, "k", said::add));
        assertEquals(List.of("a partly written checkpoint " + tmp.resolve(".job.ckpt123.tmp") + " (2 bytes), from a "
                + "writer killed while writing it or still writing, is not used; there is no whole one"), said);
    }

    /** Two writers of one checkpoint at once (two attempts of one job): every read finds one of them whole. */
    @Test
    void twoWritersAtOnceNeverTearTheFile(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("job.ckpt");
        byte[] a = new byte[200_000];
        byte[] b = new byte[300_000];
        Arrays.fill(a, (byte) 1);
        Arrays.fill(b, (byte) 2);
        Checkpoint.write(file, "k", a);
        List<Thread> writers = new ArrayList<>();
        for (byte[] payload : List.of(a, b)) {
            writers.add(new Thread(() -> {
                for (int i = 0; i < 100; i++) {
                    Checkpoint.write(file, "k", payload);
                }
            }));
        }
        writers.forEach(Thread::start);
        int reads = 0;
        while (writers.stream().anyMatch(Thread::isAlive) || reads == 0) {
            byte[] got = Checkpoint.read(file, "k", line -> { }).orElseThrow();
            assertTrue(Arrays.equals(got, a) || Arrays.equals(got, b), "a torn checkpoint of " + got.length + " bytes");
            reads++;
        }
        for (Thread w : writers) {
            w.join();
        }
        assertEquals(List.of(), AtomicFiles.unfinished(file));
    }

    @Test
    void checkpointEveryIsSecondsFromZero() {
        assertEquals(300, Checkpoint.every());
        System.setProperty("checkpoint_every", " 0 ");
        assertEquals(0, Checkpoint.every());
        System.setProperty("checkpoint_every", "12.5");
        assertEquals(12.5, Checkpoint.every());
        for (String bad : List.of("-1", "-0.001", "soon", "NaN", "Infinity")) {
            System.setProperty("checkpoint_every", bad);
            UserError e = assertThrows(UserError.class, Checkpoint::every, bad);
            assertEquals("Invalid value for 'checkpoint_every': '" + bad + "'; expected seconds between checkpoints "
                    + "within an epoch, 0 or more (default 300)", e.getMessage());
        }
    }

    @Test
    void freshIsTrueOnlyWhenAsked() {
        assertFalse(Options.FRESH.bool());
        System.setProperty("fresh", "true");
        assertTrue(Options.FRESH.bool());
        System.setProperty("fresh", "false");
        assertFalse(Options.FRESH.bool());
        // anything but true or false is a mistake said in one line, not a silent false
        System.setProperty("fresh", "no");
        assertEquals("Invalid value for 'fresh': 'no'; expected true or false",
                assertThrows(UserError.class, Options.FRESH::bool).getMessage());
    }

    @Test
    void theCodeFingerprintChangesWithAnyClassFile(@TempDir Path tmp) throws Exception {
        Path a = tmp.resolve("a");
        Files.createDirectories(a.resolve("rnnlab/x"));
        Files.write(a.resolve("rnnlab/x/A.class"), new byte[] {1, 2, 3});
        Files.write(a.resolve("rnnlab/B.class"), new byte[] {4});
        Files.writeString(a.resolve("rnnlab/notes.txt"), "not code");
        String f = Checkpoint.fingerprint(a);
        assertEquals(16, f.length());
        assertTrue(f.matches("[0-9a-f]{16}"), f);
        assertEquals(f, Checkpoint.fingerprint(a), "the same classes, the same fingerprint");

        // the SHA-1 of each class's relative name then its bytes, in name order
        MessageDigest md = MessageDigest.getInstance("SHA-1");
        md.update("rnnlab/B.class".getBytes(StandardCharsets.UTF_8));
        md.update(new byte[] {4});
        md.update("rnnlab/x/A.class".getBytes(StandardCharsets.UTF_8));
        md.update(new byte[] {1, 2, 3});
        assertEquals(HexFormat.of().formatHex(md.digest()).substring(0, 16), f);

        Files.writeString(a.resolve("rnnlab/notes.txt"), "other notes");
        assertEquals(f, Checkpoint.fingerprint(a), "only class files count");
        Files.write(a.resolve("rnnlab/x/A.class"), new byte[] {1, 2, 4});
        String changed = Checkpoint.fingerprint(a);
        assertNotEquals(f, changed, "one byte of one class");
        Files.move(a.resolve("rnnlab/B.class"), a.resolve("rnnlab/C.class"));
        assertNotEquals(changed, Checkpoint.fingerprint(a), "a renamed class");

        // a jar: the SHA-1 of its bytes
        Path jar = tmp.resolve("app.jar");
        Files.write(jar, new byte[] {7, 7});
        assertEquals(HexFormat.of().formatHex(sha1(new byte[] {7, 7})).substring(0, 16), Checkpoint.fingerprint(jar));

        // and the code that runs these tests has one of its own, the same each time
        assertTrue(Checkpoint.code().matches("[0-9a-f]{16}"), Checkpoint.code());
        assertEquals(Checkpoint.code(), Checkpoint.code());
    }

    @Test
    void unreadableCodeNeverMatchesAnotherProcesssCheckpoint(@TempDir Path tmp) throws Exception {
        // no class folder to read: each answer is unique, so no checkpoint written elsewhere can match it
        String one = Checkpoint.fingerprintOrUnique(tmp.resolve("missing"));
        String two = Checkpoint.fingerprintOrUnique(tmp.resolve("missing"));
        String three = Checkpoint.fingerprintOrUnique(null);
        assertTrue(one.startsWith("unreadable-"), one);
        assertNotEquals(one, two);
        assertNotEquals(two, three);
        Path jar = tmp.resolve("app.jar");
        Files.write(jar, new byte[] {7, 7});
        assertEquals(Checkpoint.fingerprint(jar), Checkpoint.fingerprintOrUnique(jar));

        Run run = run(tmp, Map.of());
        Path f = tmp.resolve("x.ckpt");
        Checkpoint.write(f, Checkpoint.key(run, "s", one), new byte[] {1});
        List<String> said = new ArrayList<>();
        assertTrue(Checkpoint.read(f, Checkpoint.key(run, "s", two), said::add).isEmpty());
        assertTrue(said.get(0).contains("other code"), said.toString());
    }
}
