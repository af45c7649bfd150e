package rnnlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import rnnlab.lm.CharRnnModel;
import rnnlab.lm.ScratchRnn;
import rnnlab.lm.WordRnnModel;

/**
 * Each tutorial's model: every parameter's initial range against what the tutorial's PyTorch model draws, and
 * independent seeds. A range checked both ways: nothing beyond the bound, and the largest value near it.
 */
class InitialRangesTest {
    private static final int VOCAB = 10;
    private static final int EMBEDDING = 32;
    private static final int HIDDEN = 32;
    private static final int CLASSES = 19;

    private static MultiLayerNetwork net(long seed) {
        return SequenceClassifier.build(SequenceClassifier.Cell.SRN, VOCAB, 10, EMBEDDING, HIDDEN, CLASSES, 0.001, seed);
    }

    /**
     * Every value inside the bound, the largest near it (as hundreds of uniform draws reach), and, from 30 values, the
     * shape uniform on [-bound, bound]: the Kolmogorov-Smirnov distance of the values' distribution from it below the
     * 0.1% critical value 1.95 / sqrt(n) (so a normal of the same range, or draws piled near 0, fail).
     */
    private static void drawnFrom(INDArray p, double bound, String what) {
        double max = p.amaxNumber().doubleValue();
        assertTrue(max <= bound * (1 + 1e-6), () -> what + ": " + max + " beyond " + bound);
        double near = p.length() >= 300 ? 0.95 : p.length() >= 30 ? 0.7 : 0.3;
        assertTrue(max >= near * bound, () -> what + ": largest " + max + ", drawn from +-" + bound + "?");
        if (p.length() >= 30) {
            double d = ksFromUniform(p.dup().reshape(-1).toDoubleVector(), bound);
            double critical = 1.95 / Math.sqrt(p.length());
            assertTrue(d < critical, () -> what + ": Kolmogorov-Smirnov distance " + d + " from uniform +-" + bound
                    + ", past " + critical);
        }
    }

    /** The Kolmogorov-Smirnov distance between the values' empirical distribution and uniform on [-bound, bound]. */
    static double ksFromUniform(double[] values, double bound) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        double d = 0;
        for (int i = 0; i < v.length; i++) {
            double f = (v[i] + bound) / (2 * bound);
            d = Math.max(d, Math.max(f - (double) i / v.length, (double) (i + 1) / v.length - f));
        }
        return d;
    }

    @Test
    void theShapeCheckTellsUniformFromANormalOfTheSameRange() {
        // by hand: 0.1, 0.5, 0.9 of [0, 1] (bound 0.5 around 0: -0.4, 0, 0.4): the steps 1/3, 2/3, 1 against 0.1, 0.5,
        // 0.9: the largest gap 2/3 - 0.5 = 1/6 (and 1/3 - 0.1 = 0.233...): 0.2333
        assertEquals(0.233333, ksFromUniform(new double[] {-0.4, 0, 0.4}, 0.5), 1e-6);
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        double[] uniform = new double[10_000];
        double[] normal = new double[10_000];
        for (int i = 0; i < uniform.length; i++) {
            uniform[i] = r.nextDouble(-1, 1);
            normal[i] = Math.max(-1, Math.min(1, r.nextGaussian() / 3)); // the same range, piled near 0
        }
        assertTrue(ksFromUniform(uniform, 1) < 1.95 / 100);
        assertTrue(ksFromUniform(normal, 1) > 1.95 / 100);
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

    /** Every parameter of a layer drawn from +-bound, a PyTorch recurrent layer's two biases each on its own. */
    private static void layerDrawnFrom(Layer layer, double bound, String what) {
        for (Map.Entry<String, INDArray> e : layer.paramTable().entrySet()) {
            drawnFrom(e.getValue(), bound, what + " " + e.getKey());
        }
    }

    @Test
    void lyricsConciseModelsStartAsNnRnnLstmGruAndLinear() {
        // d2l-zh v1's RNNModel: nn.RNN/nn.GRU/nn.LSTM(vocab 1027, 256), each weight and each of b_ih, b_hh uniform
        // +-1/sqrt(256); nn.Linear(256, 1027): +-1/sqrt(256); the bidirectional GRU's Linear takes 512
        for (CharRnnModel.Cell cell : CharRnnModel.Cell.values()) {
            MultiLayerNetwork n = CharRnnModel.build(cell, 1027, 256, 1, false, 0.001, 35, 0);
            assertTrue(rnnlab.model.Layers.hasTwoBiases(n.getLayer(0)), cell + " has b_ih and b_hh");
            layerDrawnFrom(n.getLayer(0), 1 / Math.sqrt(256), cell.toString());
            layerDrawnFrom(n.getLayer(1), 1 / Math.sqrt(256), cell + " dense");
        }
        MultiLayerNetwork deep = CharRnnModel.build(CharRnnModel.Cell.LSTM, 1027, 256, 2, false, 0.001, 35, 0);
        layerDrawnFrom(deep.getLayer(1), 1 / Math.sqrt(256), "deep LSTM layer 2");
        MultiLayerNetwork bi = CharRnnModel.build(CharRnnModel.Cell.GRU, 1027, 128, 1, true, 0.001, 35, 0);
        layerDrawnFrom(bi.getLayer(0), 1 / Math.sqrt(128), "BiGRU");
        layerDrawnFrom(bi.getLayer(1), 1 / Math.sqrt(256), "BiGRU dense");
    }

    @Test
    void ptbModelsStartAsTheCourseInitialisesThem() {
        // the course: embedding and output weight uniform_(-0.1, 0.1); nn.RNN/nn.LSTM's defaults; nn.Linear's bias
        for (WordRnnModel.Cell cell : WordRnnModel.Cell.values()) {
            int hidden = cell == WordRnnModel.Cell.RNN ? 150 : 300;
            MultiLayerNetwork n = WordRnnModel.build(cell, 10000, hidden, 1, 35, 0);
            drawnFrom(n.getLayer(0).getParam("W"), 0.1, cell + " embedding");
            assertTrue(rnnlab.model.Layers.hasTwoBiases(n.getLayer(1)), cell + " has b_ih and b_hh");
            layerDrawnFrom(n.getLayer(1), 1 / Math.sqrt(hidden), cell.toString());
            drawnFrom(n.getLayer(2).getParam("W"), 0.1, cell + " output W");
            drawnFrom(n.getLayer(2).getParam("b"), 1 / Math.sqrt(hidden), cell + " output b");
        }
    }

    @Test
    void helloCellStartsAsNnRnnCell() {
        // nn.RNNCell(4, 4): weight_ih, weight_hh, bias_ih, bias_hh uniform +-1/sqrt(4)
        TorchRnnCell cell = new TorchRnnCell(4, 4, true, 0.1, 0);
        drawnFrom(cell.params(), 0.5, "RNNCell");
    }

    @Test
    void fromScratchModelsStartAsD2lsNormalTimesPointZeroOne() {
        // d2l's get_params: torch.randn(shape) * 0.01 for W_xh, W_hh, W_hq; zeros for b_h, b_q
        ScratchRnn m = new ScratchRnn(28, 512, 1, 1, 0);
        INDArray[] p = m.params();
        for (int i : new int[] {0, 1, 3}) {
            double sd = p[i].stdNumber().doubleValue();
            assertTrue(Math.abs(sd - 0.01) < 0.0005, "W " + i + ": sd " + sd + ", d2l draws 0.01");
            assertTrue(Math.abs(p[i].meanNumber().doubleValue()) < 0.0005, "W " + i + " centred");
        }
        assertTrue(p[2].amaxNumber().doubleValue() == 0 && p[4].amaxNumber().doubleValue() == 0, "biases start at 0");
    }
}
