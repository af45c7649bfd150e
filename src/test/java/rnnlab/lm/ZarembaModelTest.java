package rnnlab.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.junit.jupiter.api.Test;

import rnnlab.kernels.NdArrayCopies;
import rnnlab.model.GradientClipping;
import rnnlab.model.SeededDropout;

/** Zaremba et al.'s stacked LSTM ({@link WordRnnModel#stacked}) and its dropout ({@link SeededDropout}). */
class ZarembaModelTest {
    private static final int VOCAB = 30;
    private static final int STEPS = 5;

    @Test
    void masksAreAFunctionOfSeedLayerAndIteration() {
        SeededDropout d = new SeededDropout(0.5, 7, "1");
        float[] m = d.mask(5, 10_000);
        assertArrayEquals(m, new SeededDropout(0.5, 7, "1").mask(5, 10_000), "same (seed, layer, iteration)");
        assertFalse(Arrays.equals(m, d.mask(6, 10_000)), "next iteration");
        assertFalse(Arrays.equals(m, new SeededDropout(0.5, 7, "2").mask(5, 10_000)), "another layer");
        assertFalse(Arrays.equals(m, new SeededDropout(0.5, 8, "1").mask(5, 10_000)), "another seed");
        int zeros = 0;
        for (float v : m) {
            assertTrue(v == 0f || v == 2f, "0 or 1/(1-p), got " + v);
            zeros += v == 0f ? 1 : 0;
        }
        // binomial(10000, 0.5): sd 50; 4.5 sd either side
        assertTrue(zeros > 4775 && zeros < 5225, "about half dropped, got " + zeros);
        float[] none = new SeededDropout(0, 7, "1").mask(0, 100);
        for (float v : none) {
            assertEquals(1f, v);
        }
    }

    private static NetLanguageModel model(double dropout) {
        return new NetLanguageModel(WordRnnModel.stacked(VOCAB, 8, 2, dropout, 0.1, 1, STEPS, 3), VOCAB,
                GradientClipping.clipScaled(5, STEPS));
    }

    private static int[][][] batch(int k) {
        SplittableRandom r = new SplittableRandom(100 + k);
        int[][] x = new int[4][STEPS];
        int[][] y = new int[4][STEPS];
        for (int i = 0; i < 4; i++) {
            for (int t = 0; t < STEPS; t++) {
                x[i][t] = r.nextInt(VOCAB);
                y[i][t] = r.nextInt(VOCAB);
            }
        }
        return new int[][][] {x, y};
    }

    private static void fit(NetLanguageModel m, int from, int to) {
        for (int k = from; k < to; k++) {
            int[][][] b = batch(k);
            m.fit(b[0], b[1]);
        }
    }

    private static float[] params(NetLanguageModel m) {
        return NdArrayCopies.floats(m.net().params());
    }

    private static byte[] saved(NetLanguageModel m) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        m.writeTraining(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    @Test
    void theModelHasDropoutOnEveryNonRecurrentConnection() {
        long dropouts = Arrays.stream(model(0.5).net().getLayers())
                .filter(l -> l.conf().getLayer() instanceof DropoutLayer).count();
        assertEquals(3, dropouts, "embedding output, between the layers, before the softmax");
        assertEquals(0, Arrays.stream(model(0).net().getLayers())
                .filter(l -> l.conf().getLayer() instanceof DropoutLayer).count());
        // the same initial weights with and without dropout, different after a step
        assertArrayEquals(params(model(0)), params(model(0.5)));
        NetLanguageModel a = model(0);
        NetLanguageModel b = model(0.5);
        fit(a, 0, 1);
        fit(b, 0, 1);
        assertFalse(Arrays.equals(params(a), params(b)));
        for (float v : params(model(0))) {
            assertTrue(Math.abs(v) <= 0.2f + 1e-7f, "uniform in +-0.1 (the recurrent bias a sum of two), got " + v);
        }
    }

    /**
     * Trained 6 batches straight, or 3, saved, restored into a fresh model and 3 more: the same weights bit for bit,
     * dropout's masks included; restored without its iteration count, the masks repeat the first batches' and the
     * weights differ.
     */
    @Test
    void aResumedModelEqualsAnUninterruptedOne() throws IOException {
        NetLanguageModel straight = model(0.5);
        fit(straight, 0, 6);

        NetLanguageModel first = model(0.5);
        fit(first, 0, 3);
        byte[] checkpoint = saved(first);
        NetLanguageModel resumed = model(0.5);
        resumed.readTraining(new DataInputStream(new ByteArrayInputStream(checkpoint)));
        fit(resumed, 3, 6);
        assertArrayEquals(params(straight), params(resumed));

        NetLanguageModel reset = model(0.5);
        reset.readTraining(new DataInputStream(new ByteArrayInputStream(checkpoint)));
        reset.net().setIterationCount(0);
        fit(reset, 3, 6);
        assertFalse(Arrays.equals(params(straight), params(reset)), "the masks follow the iteration");
    }
}
