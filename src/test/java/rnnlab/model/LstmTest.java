package rnnlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.List;

import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import rnnlab.data.DigitSumData;
import rnnlab.model.SequenceClassifier.Cell;

/**
 * The raw-buffer LSTM against DL4J's LSTM (itself gradient-checked by DL4J): same parameters give the
 * same outputs and the same gradients, step-by-step generation equals the whole sequence.
 */
class LstmTest {
    private static double maxRel(INDArray a, INDArray b) {
        double scale = Math.max(1e-3, b.amaxNumber().doubleValue());
        return a.sub(b).amaxNumber().doubleValue() / scale;
    }

    @Test
    void sameOutputsAndGradientsAsDl4jLstm() {
        int nIn = 5;
        int hidden = 6;
        MultiLayerNetwork mine = Nets.net(new Lstm.Builder().nIn(nIn).nOut(hidden).weightInit(WeightInit.XAVIER).build(),
                hidden, 3, DataType.FLOAT);
        MultiLayerNetwork theirs = Nets.net(new LSTM.Builder().nIn(nIn).nOut(hidden).activation(Activation.TANH)
                .gateActivationFunction(Activation.SIGMOID).build(), hidden, 3, DataType.FLOAT);
        assertEquals(theirs.numParams(), mine.numParams());
        INDArray params = Nd4j.randn(3, new long[] {1, mine.numParams()}).muli(0.5).castTo(DataType.FLOAT);
        mine.setParams(params);
        theirs.setParams(params);
        INDArray x = Nd4j.randn(4, new long[] {4, nIn, 7}).castTo(DataType.FLOAT);
        INDArray y = Nets.labels(4, 3, 7, 5, DataType.FLOAT);
        assertTrue(maxRel(mine.output(x), theirs.output(x)) < 1e-5);
        mine.setInput(x);
        mine.setLabels(y);
        mine.computeGradientAndScore();
        theirs.setInput(x);
        theirs.setLabels(y);
        theirs.computeGradientAndScore();
        assertEquals(theirs.score(), mine.score(), 1e-5);
        for (String key : List.of("0_W", "0_RW", "0_b", "1_W", "1_b")) {
            INDArray g1 = mine.gradient().getGradientFor(key);
            INDArray g2 = theirs.gradient().getGradientFor(key);
            assertTrue(maxRel(g1, g2) < 1e-4, key + " relative difference " + maxRel(g1, g2));
        }
    }

    /**
     * Finite differences in double precision over two training segments, the second from the state the first left
     * (detached), carried by the project's stateful passes across two {@code fit} calls, as the language models train.
     */
    @Test
    void gradientCheckWithTheStateCarriedAcrossFits() {
        CarriedStateCheck.check(CarriedStateCheck.Cell.LSTM, CarriedStateCheck.Carry.STATEFUL);
    }

    /** The same under DL4J's truncated BPTT: one fit over two segments of 4 steps, the state carried between them. */
    @Test
    void gradientCheckAcrossTbpttSegments() {
        CarriedStateCheck.check(CarriedStateCheck.Cell.LSTM, CarriedStateCheck.Carry.TBPTT);
    }

    /**
     * The layer's truncated backward pass from a carried state, as DL4J's truncated BPTT calls it: the whole second
     * segment (4 steps) and its last 2 and 1 steps, parameter and input gradients against finite differences.
     */
    @Test
    void gradientCheckUnderTruncationWithACarriedState() {
        for (int back : new int[] {CarriedStateCheck.SEG, 2, 1}) {
            CarriedStateCheck.checkTruncated(CarriedStateCheck.Cell.LSTM, back);
        }
    }

    @Test
    void stepByStepEqualsTheWholeSequence() {
        Nets.assertStepByStepEqualsWhole(new Lstm.Builder().nIn(4).nOut(6).weightInit(WeightInit.XAVIER).build(), 4, 6, 9);
    }

    /**
     * The DigitSum classifier on the project's LSTM and on DL4J's {@code LSTM} (as {@code -Dlayers=dl4j} builds it),
     * given the same weights key by key, trains alike through a whole epoch of length-10 DigitSum with Adam: the
     * same loss at every step and the same weights at the end (float noise only).
     */
    @Test
    void trainsAsDl4jLstmFromTheSameWeights() {
        List<DataSet> train = DigitSumData.load(Path.of("datasets/digitsum/10/train.txt"), 10, 8);
        MultiLayerNetwork mine = SequenceClassifier.build(Cell.LSTM, 10, 10, 32, 32, 19, 0.001, 0);
        MultiLayerNetwork theirs = SequenceClassifier.build(Cell.DL4J_LSTM, 10, 10, 32, 32, 19, 0.001, 0);
        Nets.assertTrainsAlike(mine, theirs, train, 1e-5, 1e-5);
    }

    @Test
    void trainingIsBitForBitRepeatable() {
        List<DataSet> train = DigitSumData.load(Path.of("datasets/digitsum/15/train.txt"), 15, 8);
        for (Cell cell : List.of(Cell.SRN, Cell.LSTM, Cell.GRU)) {
            INDArray[] params = new INDArray[2];
            for (int run = 0; run < 2; run++) {
                // ND4J's own generator does not repeat after setSeed in M2.1; the weights must not depend on it
                Nd4j.getRandom().setSeed(System.nanoTime());
                Nd4j.rand(DataType.FLOAT, 1000);
                MultiLayerNetwork net = SequenceClassifier.build(cell, 10, 15, 32, 32, 19, 0.001, 7);
                for (DataSet d : train) {
                    net.fit(d);
                }
                params[run] = net.params().dup();
            }
            assertEquals(params[0], params[1], cell + " gives the same weights from the same seed");
            MultiLayerNetwork other = SequenceClassifier.build(cell, 10, 15, 32, 32, 19, 0.001, 8);
            assertTrue(other.params().neq(SequenceClassifier.build(cell, 10, 15, 32, 32, 19, 0.001, 7).params())
                    .castTo(DataType.INT).sumNumber().intValue() > other.numParams() / 2, "another seed, other weights");
        }
    }

    @Test
    void customLayersSurviveModelSerializer(@TempDir Path tmp) throws Exception {
        for (Cell cell : List.of(Cell.SRN, Cell.LSTM, Cell.GRU)) {
            MultiLayerNetwork net = SequenceClassifier.build(cell, 10, 5, 8, 6, 19, 0.001, 1);
            File f = tmp.resolve(cell + ".zip").toFile();
            ModelSerializer.writeModel(net, f, false);
            MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(f, false);
            INDArray x = Nd4j.createFromArray(new float[][] {{1, 2, 3, 0, 9}, {4, 4, 0, 0, 1}});
            assertEquals(net.output(x), back.output(x), cell.toString());
        }
        // PyTorch's forms: the two biases and the GRU's form are part of the saved configuration
        for (rnnlab.lm.CharRnnModel.Cell cell : rnnlab.lm.CharRnnModel.Cell.values()) {
            MultiLayerNetwork net = rnnlab.lm.CharRnnModel.build(cell, 6, 4, 1, false, 0.01, 5, 3);
            File f = tmp.resolve("char-" + cell + ".zip").toFile();
            ModelSerializer.writeModel(net, f, false);
            MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(f, false);
            assertEquals(List.of("W", "RW", "b", "bh"), List.copyOf(back.getLayer(0).paramTable().keySet()), cell.toString());
            assertEquals(net.getLayerWiseConfigurations().toJson(), back.getLayerWiseConfigurations().toJson());
            INDArray x = Nd4j.createFromArray(new float[][] {{1, 2, 3, 0, 5}, {4, 4, 0, 0, 1}}).reshape(2, 1, 5);
            assertEquals(net.output(x), back.output(x), cell.toString());
        }
    }

    @Test
    void gradientCheckOfPyTorchsFormAcrossFitsTbpttSegmentsAndTruncation() {
        CarriedStateCheck.checkAll(CarriedStateCheck.Cell.LSTM_TWO_BIASES);
    }
}
