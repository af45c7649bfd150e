package rnnlab.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** DigitSum's model (the tutorial's Model_RNN4SeqClass): each parameter's initial range, and independent seeds. */
class InitialRangesTest {
    private static final int VOCAB = 10;
    private static final int EMBEDDING = 32;
    private static final int HIDDEN = 32;
    private static final int CLASSES = 19;

    private static MultiLayerNetwork net(long seed) {
        return SequenceClassifier.build(SequenceClassifier.Cell.SRN, VOCAB, 10, EMBEDDING, HIDDEN, CLASSES, 0.001, seed);
    }

    /** Every value inside the bound, and the largest near it (as hundreds of uniform draws reach). */
    private static void drawnFrom(INDArray p, double bound, String what) {
        double max = p.amaxNumber().doubleValue();
        assertTrue(max <= bound * (1 + 1e-6), () -> what + ": " + max + " beyond " + bound);
        double near = p.length() >= 300 ? 0.95 : p.length() >= 30 ? 0.7 : 0.3;
        assertTrue(max >= near * bound, () -> what + ": largest " + max + ", drawn from +-" + bound + "?");
    }

    @Test
    void everyParameterStartsInTheTutorialsRange() {
        for (long seed = 0; seed < 5; seed++) {
            MultiLayerNetwork n = net(seed);
            // Embedding: xavier_uniform_ on [10, 32]; DL4J's initialiser would be given fan-in 1 (+-0.426)
            drawnFrom(n.getLayer(0).getParam("W"), Math.sqrt(6.0 / (VOCAB + EMBEDDING)), "embedding");
            // SRN: W [32, 32], U [32, 32] and b [1, 32], each xavier_uniform_
            drawnFrom(n.getLayer(1).getParam("W"), Math.sqrt(6.0 / (EMBEDDING + HIDDEN)), "SRN W");
            drawnFrom(n.getLayer(1).getParam("RW"), Math.sqrt(6.0 / (HIDDEN + HIDDEN)), "SRN U");
            drawnFrom(n.getLayer(1).getParam("b"), Math.sqrt(6.0 / (1 + HIDDEN)), "SRN b");
            // nn.Linear(32, 19): weight and bias uniform(+-1/sqrt(32))
            drawnFrom(n.getLayer(2).getParam("W"), 1 / Math.sqrt(HIDDEN), "output W");
            drawnFrom(n.getLayer(2).getParam("b"), 1 / Math.sqrt(HIDDEN), "output b");
        }
    }

    @Test
    void noParameterOfSeedsZeroToTwentyNineRepeatsAnothersDraws() {
        // the ratios of a parameter's first values to its first do not depend on its range: two parameters drawn from
        // one stream (as seed s's recurrent weights and seed s+1's embedding once were) share them
        Map<String, String> seen = new HashMap<>();
        for (long seed = 0; seed < 30; seed++) {
            MultiLayerNetwork n = net(seed);
            for (int layer = 0; layer < 3; layer++) {
                for (Map.Entry<String, INDArray> e : n.getLayer(layer).paramTable().entrySet()) {
                    INDArray p = e.getValue().dup('c').reshape(1, -1);
                    StringBuilder key = new StringBuilder();
                    for (int i = 1; i < 6; i++) {
                        key.append(String.format("%.4f,", p.getDouble(0, i) / p.getDouble(0, 0)));
                    }
                    String name = "seed " + seed + " layer " + layer + " " + e.getKey();
                    String before = seen.put(key.toString(), name);
                    assertTrue(before == null, () -> name + " repeats the draws of " + before);
                }
            }
        }
    }
}
