package rnnlab.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import rnnlab.data.CharLmIterator;
import rnnlab.lm.CharRnnModel.Cell;
import rnnlab.model.RecurrentStates;

/** d2l-zh's RNNModel in DL4J: ids input, the token-mean loss, carried states, PyTorch's initialisation. */
class CharRnnModelTest {
    static final int V = 7;
    static final int H = 5;
    static final int B = 3;
    static final int T = 6;

    static int[][] tokens(long seed, int rows, int steps, int bound) {
        Random r = new Random(seed);
        int[][] x = new int[rows][steps];
        for (int[] row : x) {
            for (int t = 0; t < steps; t++) {
                row[t] = r.nextInt(bound);
            }
        }
        return x;
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void idsInputGivesTheOneHotNetworksOutputsAndGradients(Cell cell) {
        MultiLayerNetwork ids = CharRnnModel.build(cell, V, H, 2, false, 0.01, T, 1);
        MultiLayerNetwork oneHot = CharRnnModel.build(cell, V, H, 2, false, 0.01, T, 1, false);
        assertEquals(ids.params(), oneHot.params());
        int[][] x = tokens(2, B, T, V);
        int[][] y = tokens(3, B, T, V);
        INDArray a = ids.output(NetLanguageModel.ids(x));
        INDArray b = oneHot.output(CharLmIterator.oneHot(x, V));
        assertTrue(a.equalsWithEps(b, 1e-6), "outputs differ");
        ids.setInput(NetLanguageModel.ids(x));
        ids.setLabels(CharLmIterator.oneHot(y, V));
        ids.computeGradientAndScore();
        oneHot.setInput(CharLmIterator.oneHot(x, V));
        oneHot.setLabels(CharLmIterator.oneHot(y, V));
        oneHot.computeGradientAndScore();
        assertEquals(oneHot.score(), ids.score(), 1e-6);
        assertTrue(ids.getFlattenedGradients().equalsWithEps(oneHot.getFlattenedGradients(), 1e-5), "gradients differ");
    }

    @Test
    void scoreIsTheMeanCrossEntropyOverAllTokens() {
        MultiLayerNetwork net = CharRnnModel.build(Cell.GRU, V, H, 1, false, 0.01, T, 4);
        int[][] x = tokens(5, B, T, V);
        int[][] y = tokens(6, B, T, V);
        INDArray p = net.output(NetLanguageModel.ids(x));
        double nll = 0;
        for (int r = 0; r < B; r++) {
            for (int t = 0; t < T; t++) {
                nll -= Math.log(p.getDouble(r, y[r][t], t));
            }
        }
        net.setInput(NetLanguageModel.ids(x));
        net.setLabels(CharLmIterator.oneHot(y, V));
        net.computeGradientAndScore();
        assertEquals(nll / (B * T), net.score(), 1e-5);
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void theCarriedStateContinuesTheSequence(Cell cell) {
        NetLanguageModel m = new NetLanguageModel(CharRnnModel.build(cell, V, H, 2, false, 0.01, T, 7), V, null);
        int[][] x = tokens(8, B, T, V);
        INDArray whole = m.probabilities(x);
        m.resetState();
        int[][] first = new int[B][];
        int[][] second = new int[B][];
        for (int r = 0; r < B; r++) {
            first[r] = Arrays.copyOfRange(x[r], 0, 2);
            second[r] = Arrays.copyOfRange(x[r], 2, T);
        }
        m.probabilities(first);
        Object afterFirst = m.saveState();
        INDArray rest = m.probabilities(second);
        assertTrue(rest.equalsWithEps(whole.get(NDArrayIndex.all(),
                NDArrayIndex.all(), NDArrayIndex.interval(2, T)), 1e-5));
        // a snapshot brings the state back; a reset starts from zeros again
        m.restoreState(afterFirst);
        INDArray again = m.probabilities(second);
        assertTrue(again.equalsWithEps(rest, 1e-6), "max diff " + again.sub(rest).amaxNumber());
        m.resetState();
        assertTrue(m.probabilities(x).equalsWithEps(whole, 1e-6));
    }

    @Test
    void bothDirectionsOfABidirectionalLayerCarryTheirState() {
        MultiLayerNetwork net = CharRnnModel.build(Cell.GRU, V, H, 1, true, 0.01, T, 9);
        assertEquals(2, RecurrentStates.carry(net).count());
        Map<String, INDArray> params = net.paramTable();
        assertFalse(params.get("0_fW").equals(params.get("0_bW")), "the two directions must start apart");
        NetLanguageModel m = new NetLanguageModel(net, V, null);
        int[][] x = tokens(10, 1, 1, V);
        INDArray fresh = m.probabilities(x);
        INDArray carried = m.probabilities(x); // same input, but from the state the first call left
        assertFalse(fresh.equalsWithEps(carried, 1e-6));
        m.resetState();
        assertTrue(m.probabilities(x).equalsWithEps(fresh, 1e-6));
    }

    @Test
    void parametersStartAsPyTorchDrawsThem() {
        MultiLayerNetwork net = CharRnnModel.build(Cell.LSTM, V, H, 1, false, 0.01, T, 11);
        double rnnBound = 1 / Math.sqrt(H);
        double outBound = 1 / Math.sqrt(H);
        Map<String, INDArray> p = net.paramTable();
        assertTrue(p.get("0_W").amaxNumber().doubleValue() <= rnnBound);
        assertTrue(p.get("0_RW").amaxNumber().doubleValue() <= rnnBound);
        // two biases summed: beyond one bound somewhere, never beyond two
        assertTrue(p.get("0_b").amaxNumber().doubleValue() <= 2 * rnnBound);
        assertTrue(p.get("1_W").amaxNumber().doubleValue() <= outBound);
        assertTrue(p.get("1_b").amaxNumber().doubleValue() <= outBound);
        assertEquals(net.params(), CharRnnModel.build(Cell.LSTM, V, H, 1, false, 0.01, T, 11).params());
        assertFalse(net.params().equals(CharRnnModel.build(Cell.LSTM, V, H, 1, false, 0.01, T, 12).params()));
        double mean = net.params().meanNumber().doubleValue();
        assertEquals(0, mean, 0.05);
    }

    @Test
    void unknownIdsAreZeroInputs() {
        MultiLayerNetwork ids = CharRnnModel.build(Cell.RNN, V, H, 1, false, 0.01, 2, 13);
        MultiLayerNetwork oneHot = CharRnnModel.build(Cell.RNN, V, H, 1, false, 0.01, 2, 13, false);
        int[][] x = {{3, V + 4}};
        INDArray zeroSecond = CharLmIterator.oneHot(x, V);
        assertEquals(1.0, zeroSecond.sumNumber().doubleValue(), 0);
        assertArrayEquals(oneHot.output(zeroSecond).data().asFloat(), ids.output(NetLanguageModel.ids(x)).data().asFloat(),
                1e-6f);
    }
}
