package rnnlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.RecurrentLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import rnnlab.data.DigitSumData;

class SrnTest {
    private static Srn srn(int nIn, int nOut) {
        return new Srn.Builder().nIn(nIn).nOut(nOut).activation(Activation.TANH).weightInit(WeightInit.XAVIER_UNIFORM)
                .build();
    }

    private static SimpleRnn simpleRnn(int nIn, int nOut) {
        return new SimpleRnn.Builder().nIn(nIn).nOut(nOut).activation(Activation.TANH).build();
    }

    @Test
    void tutorialsTwoByTwoExampleMatchesAHandComputation() {
        MultiLayerNetwork net = Nets.net(srn(2, 2), 2, 0, DataType.DOUBLE);
        net.getLayer(0).setParam("W", Nd4j.create(new double[][] {{0.1, 0.2}, {0.1, 0.2}}));
        net.getLayer(0).setParam("RW", Nd4j.create(new double[][] {{0.0, 0.1}, {0.1, 0.0}}));
        net.getLayer(0).setParam("b", Nd4j.create(new double[][] {{0.1, 0.1}}));
        // inputs = [[[1, 0], [0, 2]]] as [batch, seq, input]; DL4J takes [batch, input, seq]
        INDArray x = Nd4j.create(new double[][][] {{{1, 0}, {0, 2}}});
        INDArray out = net.output(x);
        double h10 = Math.tanh(1 * 0.1 + 0 * 0.1 + 0.1);
        double h11 = Math.tanh(1 * 0.2 + 0 * 0.2 + 0.1);
        double h20 = Math.tanh(0 * 0.1 + 2 * 0.1 + h10 * 0.0 + h11 * 0.1 + 0.1);
        double h21 = Math.tanh(0 * 0.2 + 2 * 0.2 + h10 * 0.1 + h11 * 0.0 + 0.1);
        assertEquals(h10, out.getDouble(0, 0, 0), 1e-12);
        assertEquals(h11, out.getDouble(0, 1, 0), 1e-12);
        assertEquals(h20, out.getDouble(0, 0, 1), 1e-12);
        assertEquals(h21, out.getDouble(0, 1, 1), 1e-12);
    }

    @Test
    void sameHiddenStatesAsDl4jSimpleRnnOnTheSameWeights() {
        for (int[] s : new int[][] {{2, 5, 10, 10}, {8, 20, 32, 32}}) {
            MultiLayerNetwork mine = Nets.net(srn(s[2], s[3]), s[3], 0, DataType.FLOAT);
            MultiLayerNetwork theirs = Nets.net(simpleRnn(s[2], s[3]), s[3], 0, DataType.FLOAT);
            theirs.setParams(mine.params());
            INDArray x = Nd4j.randn(7, new long[] {s[0], s[2], s[1]}).castTo(DataType.FLOAT);
            INDArray a = mine.output(x);
            INDArray b = theirs.output(x);
            assertEquals(List.of((long) s[0], (long) s[3], (long) s[1]), List.of(a.shape()[0], a.shape()[1], a.shape()[2]));
            assertTrue(a.sub(b).amaxNumber().doubleValue() < 1e-5, "max difference " + a.sub(b).amaxNumber());
        }
    }

    /** DL4J's gradient checks need ND4J's global default type to be double. */
    private static boolean inDouble(BooleanSupplier check) {
        DataType before = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            return check.getAsBoolean();
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }

    @Test
    void gradientCheck() {
        Nd4j.getRandom().setSeed(12345);
        MultiLayerNetwork net = Nets.net(new Srn.Builder().nIn(3).nOut(5).activation(Activation.TANH)
                .weightInit(WeightInit.XAVIER).biasInit(0.1).build(), 5, 4, DataType.DOUBLE);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 3, 6).subi(0.5);
        INDArray y = Nets.labels(3, 4, 6, 1, DataType.DOUBLE);
        assertTrue(inDouble(() -> GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x).labels(y))));
    }

    @Test
    void gradientCheckWithTwoBiases() {
        Nd4j.getRandom().setSeed(12345);
        MultiLayerNetwork net = Nets.net(new Srn.Builder().twoBiases(true).nIn(3).nOut(5).activation(Activation.TANH)
                .weightInit(WeightInit.XAVIER).biasInit(0.1).build(), 5, 4, DataType.DOUBLE);
        CarriedStateCheck.randomHiddenBias(net);
        assertEquals(List.of("W", "RW", "b", "bh"), List.copyOf(net.getLayer(0).paramTable().keySet()));
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 3, 6).subi(0.5);
        INDArray y = Nets.labels(3, 4, 6, 1, DataType.DOUBLE);
        assertTrue(inDouble(() -> GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x).labels(y))));
    }

    @Test
    void gradientCheckWithRelu() {
        MultiLayerNetwork net = Nets.net(new Srn.Builder().nIn(3).nOut(5).activation(Activation.RELU)
                .weightInit(WeightInit.XAVIER).biasInit(0.3).build(), 5, 4, DataType.DOUBLE);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 3, 4);
        INDArray y = Nets.labels(2, 4, 4, 2, DataType.DOUBLE);
        assertTrue(inDouble(() -> GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x).labels(y))));
    }

    /**
     * The FLOAT layer ({@link RawSrnImpl}, raw buffers) against the DOUBLE one ({@link SrnImpl}, ND4J ops,
     * which the gradient checks above cover) on the same weights: outputs, parameter gradients and the
     * gradient for the layer below, with and without a carried state, tanh and ReLU, whole and truncated.
     */
    @Test
    void rawFloatLayerAgreesWithTheNd4jReferenceInDouble() {
        for (Activation act : new Activation[] {Activation.TANH, Activation.RELU}) {
            for (boolean withState : new boolean[] {false, true}) {
                for (int back : new int[] {-1, 3}) {
                    compareRawWithReference(act, withState, back);
                }
            }
        }
    }

    private static void compareRawWithReference(Activation act, boolean withState, int back) {
        int batch = 3;
        int nIn = 4;
        int n = 6;
        int steps = 7;
        Srn conf = new Srn.Builder().nIn(nIn).nOut(n).activation(act).weightInit(WeightInit.XAVIER).biasInit(0.1).build();
        MultiLayerNetwork f = Nets.net(conf, n, 0, DataType.FLOAT);
        MultiLayerNetwork d = Nets.net(conf.clone(), n, 0, DataType.DOUBLE);
        d.setParams(f.params().castTo(DataType.DOUBLE));
        f.initGradientsView();
        d.initGradientsView();
        assertTrue(f.getLayer(0) instanceof RawSrnImpl && d.getLayer(0) instanceof SrnImpl);
        INDArray x = Nd4j.randn(21, new long[] {batch, nIn, steps});
        INDArray g = Nd4j.randn(22, new long[] {batch, n, steps});
        INDArray h0 = Nd4j.randn(23, new long[] {batch, n}).muli(0.5);
        String what = act + (withState ? ", carried state" : "") + (back > 0 ? ", truncated to " + back : "");
        INDArray[] raw = pass(f, x, g, h0, withState, back, DataType.FLOAT);
        INDArray[] ref = pass(d, x, g, h0, withState, back, DataType.DOUBLE);
        String[] names = {"output", "dW", "dRW", "db", "input gradient"};
        for (int i = 0; i < raw.length; i++) {
            double diff = raw[i].castTo(DataType.DOUBLE).sub(ref[i]).amaxNumber().doubleValue();
            double scale = Math.max(1.0, ref[i].amaxNumber().doubleValue());
            assertTrue(diff < 1e-5 * scale, names[i] + " (" + what + ") differs by " + diff);
        }
        assertTrue(ref[1].amaxNumber().doubleValue() > 0, "a zero gradient proves nothing");
    }

    /** One training pass of the layer alone: output, dW, dRW, db, dL/dX. */
    private static INDArray[] pass(MultiLayerNetwork net, INDArray x, INDArray g, INDArray h0, boolean withState, int back,
            DataType type) {
        Layer layer = net.getLayer(0);
        LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();
        RecurrentLayer rl = (RecurrentLayer) layer;
        INDArray out;
        if (withState) {
            rl.rnnSetTBPTTState(Map.of(SrnImpl.STATE_KEY, h0.castTo(type)));
            out = rl.rnnActivateUsingStoredState(x.castTo(type), true, false, ws);
        } else {
            layer.setInput(x.castTo(type), ws);
            out = layer.activate(true, ws);
        }
        out = out.dup();
        Pair<Gradient, INDArray> p =
                rl.tbpttBackpropGradient(g.castTo(type), back, ws);
        return new INDArray[] {out, p.getFirst().getGradientFor("W").dup(), p.getFirst().getGradientFor("RW").dup(),
                p.getFirst().getGradientFor("b").dup(), p.getSecond().dup()};
    }

    @Test
    void stepByStepEqualsTheWholeSequence() {
        Nets.assertStepByStepEqualsWhole(srn(4, 6), 4, 6, 7);
    }

    /**
     * The DigitSum classifier on the project's SRN and on DL4J's {@code SimpleRnn} (as {@code -Dlayers=dl4j} builds
     * it), given the same weights key by key, trains alike through a whole epoch of length-10 DigitSum with Adam:
     * the same loss at every step and the same weights at the end (float noise only).
     */
    @Test
    void trainsExactlyAsDl4jSimpleRnnFromTheSameWeights() {
        int length = 10;
        List<DataSet> train = DigitSumData.load(Path.of("datasets/digitsum/10/train.txt"), length, 8);
        MultiLayerNetwork mine = SequenceClassifier.build(SequenceClassifier.Cell.SRN, 10, length, 32, 32, 19, 0.001, 0);
        MultiLayerNetwork theirs = SequenceClassifier.build(SequenceClassifier.Cell.SIMPLE_RNN, 10, length, 32, 32, 19,
                0.001, 0);
        Nets.assertTrainsAlike(mine, theirs, train, 1e-5, 1e-5);
    }
}
