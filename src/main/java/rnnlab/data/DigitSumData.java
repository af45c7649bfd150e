package rnnlab.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.datavec.api.records.reader.impl.regex.RegexLineRecordReader;
import org.datavec.api.split.FileSplit;
import org.deeplearning4j.datasets.datavec.RecordReaderDataSetIterator;
import org.nd4j.linalg.dataset.DataSet;

import rnnlab.core.UserError;
import rnnlab.core.AtomicFiles;

/**
 * The DigitSum splits on disk and their loading.
 *
 * <p>The tutorial seeds NumPy once with 0 and then, for lengths 5, 10, ..., 35 in turn, generates
 * train (k=3), dev (k=1) and test (k=1). {@link #ensure} replays that whole sequence in memory, writes
 * any missing file, and refuses a file whose bytes differ from what the tutorial's code produces.
 * The tutorial's settings write to the committed {@code datasets/digitsum/}; other settings write to
 * a gitignored folder named after them.
 */
public final class DigitSumData {
    public static final List<Integer> TUTORIAL_LENGTHS = List.of(5, 10, 15, 20, 25, 30, 35);
    public static final List<String> SPLITS = List.of("train", "dev", "test");
    public static final int NUM_CLASSES = 19;

    /** SHA-1 of each file the tutorial's own Python wrote (NumPy's RandomState, seed 0). */
    public static final Map<String, String> TUTORIAL_SHA1 = Map.ofEntries(
            Map.entry("5/train.txt", "3553e07d865eb003f87c50da19e4f647140992e6"),
            Map.entry("5/dev.txt", "226c119039e8f7b316cdd33e968682cd3100ef15"),
            Map.entry("5/test.txt", "a15be33fe2f43f8d78cb53eab93250e503188ff7"),
            Map.entry("10/train.txt", "cb51eda7e19cd90ead58c5da610c47fc8570d8d0"),
            Map.entry("10/dev.txt", "e01fb798a5d01da1caacd8806dd9560a63d21376"),
            Map.entry("10/test.txt", "ae6056f76245f9361f8c8513b57fb916973e332b"),
            Map.entry("15/train.txt", "fb9b5c11ff2dce55780ac69ea0d8335abdcbaff2"),
            Map.entry("15/dev.txt", "9a7fd7200242e08b35464f9936915ac535473f3e"),
            Map.entry("15/test.txt", "786a0d146cf571a089c07a8fc7c1c5b75ccd04ae"),
            Map.entry("20/train.txt", "65962692b5c1be8424cd7a790f1b991aeeaa49fc"),
            Map.entry("20/dev.txt", "ce616f651406565847ea07f43a097db966d1a3d6"),
            Map.entry("20/test.txt", "3cb26b0f1705b6a655c30bd42ca14d74977a92d8"),
            Map.entry("25/train.txt", "15dd99727f7fccb6c220217513ce02a36a90c23a"),
            Map.entry("25/dev.txt", "32aa1326699b7e511a762d8dc695aab380db0a85"),
            Map.entry("25/test.txt", "23012ecf6aa3b71513e7df3eddea3007e1cb4319"),
            Map.entry("30/train.txt", "89a56b17c0af49921f950f6ae5cd355070db8c47"),
            Map.entry("30/dev.txt", "1072b0fa1697d90eaac2b453b53b683a850a4e05"),
            Map.entry("30/test.txt", "1fda2723955eefdc13bb9cb5db0f24dd9e47c871"),
            Map.entry("35/train.txt", "8cc4be4aac859cfac4c0cab7c8ceb9d1afafa121"),
            Map.entry("35/dev.txt", "de4ab11c126b0edf15df7516b56bf23e457882e1"),
            Map.entry("35/test.txt", "f23f7edf533c1b82dd1e4be72fa5b24538b4a847"));

    /** How the splits are generated: the lengths in order, the seed, and k for train and for dev/test. */
    public record Spec(List<Integer> lengths, long seed, int trainK, int evalK) {
        public static final Spec TUTORIAL = new Spec(TUTORIAL_LENGTHS, 0, 3, 1);

        public boolean isTutorial() {
            return equals(TUTORIAL);
        }

        /** The folder under {@code datasets/}: committed for the tutorial's spec, cached otherwise. */
        public Path dir(Path datasetsDir) {
            if (isTutorial()) {
                return datasetsDir.resolve("digitsum");
            }
            String name = "digitsum-seed" + seed + "-k" + trainK + "-" + evalK + "-L"
                    + String.join("_", lengths.stream().map(String::valueOf).toList());
            return datasetsDir.resolve("cache").resolve(name);
        }
    }

    private DigitSumData() {
    }

    /** Every file's text for {@code spec}, in generation order, keyed "length/split.txt". */
    public static Map<String, byte[]> generate(Spec spec) {
        DigitSumGenerator gen = new DigitSumGenerator(new NumpyRandomState(spec.seed()));
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int length : spec.lengths()) {
            for (String split : SPLITS) {
                int k = split.equals("train") ? spec.trainK() : spec.evalK();
                files.put(length + "/" + split + ".txt", gen.generateBytes(length, k));
            }
        }
        return files;
    }

    /** Makes sure every split of {@code spec} is on disk and intact; returns the folder. */
    public static Path ensure(Path datasetsDir, Spec spec) {
        Path dir = spec.dir(datasetsDir);
        Map<String, byte[]> expected = generate(spec);
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
            Path file = dir.resolve(e.getKey());
            if (Files.exists(file)) {
                byte[] actual;
                try {
                    actual = Files.readAllBytes(file);
                } catch (IOException ex) {
                    throw new UserError("Cannot read " + file + ": " + ex.getMessage());
                }
                if (!MessageDigest.isEqual(actual, e.getValue())) {
                    throw new UserError(file + " is not what the tutorial's generate_data writes (SHA-1 " + sha1(actual)
                            + ", expected " + sha1(e.getValue()) + "); delete it and run again to regenerate it");
                }
            } else {
                AtomicFiles.write(file, e.getValue());
            }
        }
        return dir;
    }

    public static String sha1(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Loads one split through DataVec: a {@link RegexLineRecordReader} splits each line into its
     * {@code length} digits and the label, and a {@link RecordReaderDataSetIterator} batches them in
     * file order into features {@code [batch, length]} (digit ids, for an embedding) and one-hot labels
     * {@code [batch, 19]}.
     */
    public static List<DataSet> load(Path file, int length, int batchSize) {
        StringBuilder regex = new StringBuilder("(\\d)");
        for (int i = 1; i < length; i++) {
            regex.append(" (\\d)");
        }
        regex.append("\\t(\\d+)");
        List<DataSet> batches = new ArrayList<>();
        try (RegexLineRecordReader reader = new RegexLineRecordReader(regex.toString(), 0)) {
            reader.initialize(new FileSplit(file.toFile()));
            RecordReaderDataSetIterator it = new RecordReaderDataSetIterator(reader, batchSize, length, NUM_CLASSES);
            while (it.hasNext()) {
                batches.add(it.next());
            }
        } catch (IOException | InterruptedException e) {
            throw new UserError("Cannot read " + file + ": " + e.getMessage());
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new UserError(file + " is not a DigitSum file of length " + length + " (" + e.getMessage()
                    + "); delete it and run again to regenerate it");
        }
        return batches;
    }
}
