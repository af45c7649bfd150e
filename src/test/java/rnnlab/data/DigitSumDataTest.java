package rnnlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import rnnlab.core.UserError;

class DigitSumDataTest {

    @Test
    void generatedSplitsAreByteIdenticalToTheTutorialsPythonOutput() {
        Map<String, byte[]> files = DigitSumData.generate(DigitSumData.Spec.TUTORIAL);
        assertEquals(21, files.size());
        assertEquals(DigitSumData.TUTORIAL_SHA1.keySet(), files.keySet());
        files.forEach((name, bytes) -> assertEquals(DigitSumData.TUTORIAL_SHA1.get(name), DigitSumData.sha1(bytes), name));
    }

    @Test
    void committedSplitsAreTheTutorials() throws Exception {
        Path dir = Path.of("datasets", "digitsum");
        for (Map.Entry<String, String> e : DigitSumData.TUTORIAL_SHA1.entrySet()) {
            assertEquals(e.getValue(), DigitSumData.sha1(Files.readAllBytes(dir.resolve(e.getKey()))), e.getKey());
        }
    }

    @Test
    void fileFormatIsTheTutorials() {
        String text = new DigitSumGenerator(new NumpyRandomState(0)).generate(5, 3);
        List<String> lines = text.lines().toList();
        assertEquals(300, lines.size());
        // NumPy's first draws for seed 0 are idx=randint(2,5)=2, val=randint(0,10)=5
        assertEquals("0 0 5 0 0\t0", lines.get(0));
        for (String line : lines) {
            String[] parts = line.split("\t");
            String[] digits = parts[0].split(" ");
            assertEquals(5, digits.length);
            assertEquals(Integer.parseInt(digits[0]) + Integer.parseInt(digits[1]), Integer.parseInt(parts[1]));
        }
    }

    @Test
    void tutorialsOwnErrors() {
        DigitSumGenerator gen = new DigitSumGenerator(new NumpyRandomState(0));
        UserError shortLength = assertThrows(UserError.class, () -> gen.generate(2, 1));
        assertTrue(shortLength.getMessage().contains("at least 3"));
        UserError zeroK = assertThrows(UserError.class, () -> gen.generate(5, 0));
        assertTrue(zeroK.getMessage().contains("at least 1"));
    }

    @Test
    void ensureWritesMissingFilesAndRefusesCorruptOnes(@TempDir Path tmp) throws Exception {
        Path dir = DigitSumData.ensure(tmp, DigitSumData.Spec.TUTORIAL);
        assertEquals(tmp.resolve("digitsum"), dir);
        assertEquals(DigitSumData.TUTORIAL_SHA1.get("35/test.txt"),
                DigitSumData.sha1(Files.readAllBytes(dir.resolve("35/test.txt"))));
        Files.writeString(dir.resolve("10/dev.txt"), "0 0 0\t0\n");
        UserError e = assertThrows(UserError.class, () -> DigitSumData.ensure(tmp, DigitSumData.Spec.TUTORIAL));
        assertTrue(e.getMessage().contains("10/dev.txt") && e.getMessage().contains("delete it"), e.getMessage());
        Files.delete(dir.resolve("10/dev.txt"));
        DigitSumData.ensure(tmp, DigitSumData.Spec.TUTORIAL);
        assertEquals(DigitSumData.TUTORIAL_SHA1.get("10/dev.txt"),
                DigitSumData.sha1(Files.readAllBytes(dir.resolve("10/dev.txt"))));
    }

    @Test
    void otherSettingsGoToTheCacheFolder(@TempDir Path tmp) {
        DigitSumData.Spec spec = new DigitSumData.Spec(List.of(4), 7, 2, 1);
        Path dir = DigitSumData.ensure(tmp, spec);
        assertTrue(dir.startsWith(tmp.resolve("cache")), dir.toString());
        assertTrue(Files.isRegularFile(dir.resolve("4/train.txt")));
    }

    @Test
    void dataVecLoaderBatchesInFileOrder() throws Exception {
        Path file = Path.of("datasets", "digitsum", "10", "train.txt");
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<DataSet> batches = DigitSumData.load(file, 10, 8);
        assertEquals(38, batches.size()); // 300 examples: 37 batches of 8 and one of 4, as DataLoader(batch_size=8)
        assertArrayEquals(new long[] {8, 10}, batches.get(0).getFeatures().shape());
        assertArrayEquals(new long[] {8, 19}, batches.get(0).getLabels().shape());
        assertArrayEquals(new long[] {4, 10}, batches.get(37).getFeatures().shape());
        int row = 0;
        for (DataSet batch : batches) {
            for (int r = 0; r < batch.numExamples(); r++, row++) {
                String[] parts = lines.get(row).split("\t");
                String[] digits = parts[0].split(" ");
                for (int c = 0; c < 10; c++) {
                    assertEquals(Integer.parseInt(digits[c]), batch.getFeatures().getInt(r, c), "line " + row);
                }
                assertEquals(Integer.parseInt(parts[1]), batch.getLabels().getRow(r).argMax().getInt(0), "line " + row);
                assertEquals(1.0, batch.getLabels().getRow(r).sumNumber().doubleValue(), 0.0);
            }
        }
        assertEquals(300, row);
    }

    @Test
    void aMalformedFileIsAClearError(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("bad.txt");
        Files.writeString(file, "1 2 3\t3\nnot a line\n");
        UserError e = assertThrows(UserError.class, () -> DigitSumData.load(file, 3, 8));
        assertTrue(e.getMessage().contains("bad.txt"), e.getMessage());
    }
}
