package rnnlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

import rnnlab.data.CharLmIterator.Flavour;
import rnnlab.data.CharLmIterator.Ids;
import rnnlab.data.CharLmIterator.Sampling;

class CharLmIteratorTest {
    /** A corpus whose token at position p is p itself, so every id says where it came from. */
    private static int[] positions(int n) {
        int[] c = new int[n];
        for (int i = 0; i < n; i++) {
            c[i] = i;
        }
        return c;
    }

    @Test
    void sequentialRowsContinueAcrossBatches() {
        for (Flavour f : Flavour.values()) {
            CharLmIterator it = new CharLmIterator(positions(10000), 10000, 32, 35, Sampling.SEQUENTIAL, f, 1);
            for (int epoch = 0; epoch < 3; epoch++) {
                Ids prev = null;
                int n = 0;
                while (it.hasNext()) {
                    Ids b = it.nextIds();
                    for (int r = 0; r < 32; r++) {
                        for (int t = 0; t < 35; t++) {
                            assertEquals(b.x()[r][t] + 1, b.y()[r][t]);
                            if (t > 0) {
                                assertEquals(b.x()[r][t - 1] + 1, b.x()[r][t]);
                            }
                        }
                        if (prev != null) {
                            assertEquals(prev.x()[r][34] + 1, b.x()[r][0], "row " + r + " continues");
                        }
                    }
                    prev = b;
                    n++;
                }
                // d2l v2: (10000 - offset - 1) // 32 // 35 = 8 for every offset 0..35; d2l-zh v1: (312 - 1) // 35 = 8
                assertEquals(8, n, f.toString());
                it.reset();
            }
        }
    }

    @Test
    void handedOverOffsetsGiveD2lsSequentialBatchesForThoseOffsets() {
        // d2l v2's seq_data_iter_sequential(corpus of 100, batch_size 2, num_steps 5) at offset 4: num_tokens =
        // (100 - 4 - 1) // 2 * 2 = 94, rows of 47 from 4 and 51, 47 // 5 = 9 batches; at offset 1: rows of 49 from 1
        // and 50, 9 batches; the seed draws nothing
        for (long seed : new long[] {1, 2}) {
            CharLmIterator it = new CharLmIterator(positions(100), 100, 2, 5, Sampling.SEQUENTIAL, Flavour.D2L_V2, seed,
                    new int[] {4, 1});
            assertEquals(9, it.batchesPerEpoch());
            Ids first = it.nextIds();
            assertArrayEquals(new int[][] {{4, 5, 6, 7, 8}, {51, 52, 53, 54, 55}}, first.x());
            assertArrayEquals(new int[][] {{5, 6, 7, 8, 9}, {52, 53, 54, 55, 56}}, first.y());
            it.reset();
            assertEquals(9, it.batchesPerEpoch());
            assertArrayEquals(new int[][] {{1, 2, 3, 4, 5}, {50, 51, 52, 53, 54}}, it.nextIds().x());
            // a third epoch has no handed-over offset
            assertThrows(IllegalStateException.class, it::reset);
        }
        // offsets are the sequential d2l v2 sampler's, each in 0..num_steps
        assertThrows(IllegalArgumentException.class, () -> new CharLmIterator(positions(100), 100, 2, 3, Sampling.RANDOM,
                Flavour.D2L_V2, 1, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> new CharLmIterator(positions(100), 100, 2, 3,
                Sampling.SEQUENTIAL, Flavour.D2L_ZH_V1, 1, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> new CharLmIterator(positions(100), 100, 2, 3,
                Sampling.SEQUENTIAL, Flavour.D2L_V2, 1, new int[] {4}));
        assertThrows(IllegalArgumentException.class, () -> new CharLmIterator(positions(100), 100, 2, 5,
                Sampling.SEQUENTIAL, Flavour.D2L_V2, 1, new int[] {6}));
    }

    @Test
    void zhV1ConsecutiveStartsAtZero() {
        CharLmIterator it = new CharLmIterator(positions(10000), 10000, 32, 35, Sampling.SEQUENTIAL, Flavour.D2L_ZH_V1, 5);
        Ids first = it.nextIds();
        assertEquals(0, first.x()[0][0]);
        assertEquals(312, first.x()[1][0], "rows of batch_len = 10000 // 32 = 312");
    }

    @Test
    void randomSubsequencesAreDisjointAndShuffled() {
        for (Flavour f : Flavour.values()) {
            CharLmIterator it = new CharLmIterator(positions(10000), 10000, 32, 35, Sampling.RANDOM, f, 3);
            Set<Integer> starts = new HashSet<>();
            int batches = 0;
            boolean inOrder = true;
            int last = -1;
            while (it.hasNext()) {
                Ids b = it.nextIds();
                batches++;
                for (int r = 0; r < 32; r++) {
                    int s = b.x()[r][0];
                    assertTrue(starts.add(s), "each subsequence once");
                    assertTrue(f == Flavour.D2L_V2 ? s % 35 < 35 : s % 35 == 0);
                    assertEquals(s + 35, b.y()[r][34]);
                    inOrder &= s > last;
                    last = s;
                }
            }
            assertEquals(8, batches, "(10000 - start - 1) // 35 // 32 = 8");
            assertFalse(inOrder, "shuffled");
        }
    }

    @Test
    void epochsDifferButASeedRepeats() {
        CharLmIterator a = new CharLmIterator(positions(5000), 5000, 4, 10, Sampling.RANDOM, Flavour.D2L_V2, 9);
        CharLmIterator b = new CharLmIterator(positions(5000), 5000, 4, 10, Sampling.RANDOM, Flavour.D2L_V2, 9);
        int[] a1 = a.nextIds().x()[0];
        assertArrayEquals(a1, b.nextIds().x()[0]);
        a.reset();
        assertFalse(Arrays.equals(a1, a.nextIds().x()[0]));
    }

    @Test
    void oneHotFeaturesAndLabels() {
        int[] corpus = {0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0};
        CharLmIterator it = new CharLmIterator(corpus, 4, 2, 3, Sampling.SEQUENTIAL, Flavour.D2L_ZH_V1, 0);
        DataSet ds = it.next();
        assertArrayEquals(new long[] {2, 4, 3}, ds.getFeatures().shape());
        assertArrayEquals(new long[] {2, 4, 3}, ds.getLabels().shape());
        // row 0 = corpus[0:3] = 0 1 2, labels 1 2 3; row 1 starts at 13 // 2 = 6: 0 1 2, labels 1 2 3
        int[][] expectX = {{0, 1, 2}, {0, 1, 2}};
        int[][] expectY = {{1, 2, 3}, {1, 2, 3}};
        for (int r = 0; r < 2; r++) {
            for (int t = 0; t < 3; t++) {
                assertEquals(expectX[r][t], ds.getFeatures().get(NDArrayIndex.point(r),
                        NDArrayIndex.all(), NDArrayIndex.point(t)).argMax().getInt(0));
                assertEquals(expectY[r][t], ds.getLabels().get(NDArrayIndex.point(r),
                        NDArrayIndex.all(), NDArrayIndex.point(t)).argMax().getInt(0));
            }
        }
        assertEquals(6.0, ds.getFeatures().sumNumber().doubleValue(), 0.0);
    }
}
