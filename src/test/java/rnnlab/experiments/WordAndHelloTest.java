package rnnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import rnnlab.data.CharLmIterator;
import rnnlab.data.WordCorpus;
import rnnlab.lm.NetLanguageModel;
import rnnlab.lm.WordRnnModel;
import rnnlab.model.GradientClipping;
import rnnlab.model.Layers;
import rnnlab.train.WordLmTrainer;

/** The PTB schedule and normalised steps, 'hello' -> 'ohlol' cell against layer, and the shape table. */
class WordAndHelloTest {
    static PtbWordLm.Params params(double lr, double divisor, int from) {
        return new PtbWordLm.Params(20, 35, 150, lr, divisor, from, 10, 1, 1e-4, 0, 0, List.of("the"), 5, 1, 1, List.of(0), Layers.PROJECT, null);
    }

    @Test
    void learningRateSchedulesAreTheCourses() {
        PtbWordLm.Params rnn = params(1, 1.1, 5);
        double lr = 1;
        for (int epoch = 1; epoch <= 10; epoch++) { // my_lr = 1; for epoch in range(10): if epoch >= 4: my_lr /= 1.1
            if (epoch - 1 >= 4) {
                lr /= 1.1;
            }
            assertEquals(lr, PtbWordLm.learningRate(rnn, epoch), 1e-12, "epoch " + epoch);
        }
        PtbWordLm.Params lstm = params(5, 3, 3);
        assertEquals(5, PtbWordLm.learningRate(lstm, 2), 0);
        assertEquals(5 / 3.0, PtbWordLm.learningRate(lstm, 3), 1e-12);
        assertEquals(5 / Math.pow(3, 6), PtbWordLm.learningRate(lstm, 8), 1e-12);
    }

    @Test
    void everyNormalisedSgdStepHasLengthLr() {
        for (WordRnnModel.Cell cell : WordRnnModel.Cell.values()) {
            NetLanguageModel m = new NetLanguageModel(WordRnnModel.build(cell, 30, 6, 0.7, 4, 1), 30,
                    GradientClipping.normalize(1, 1e-4));
            INDArray before = m.net().params().dup();
            m.fit(new int[][] {{1, 2, 3, 4}, {5, 6, 7, 8}}, new int[][] {{2, 3, 4, 5}, {6, 7, 8, 9}});
            double step = m.net().params().sub(before).norm2Number().doubleValue();
            assertEquals(0.7, step, 1e-4, cell.name());
        }
    }

    @Test
    void theCellLoopWithOneBiasTrainsExactlyAsTheLayer() {
        HelloOhlol.Params one = new HelloOhlol.Params(0.1, 20, List.of(3), false, Layers.PROJECT);
        for (long seed : new long[] {0, 3}) {
            List<HelloOhlol.EpochResult> cell = new HelloOhlolRnnCell().train(one, seed);
            List<HelloOhlol.EpochResult> layer = new HelloOhlolRnn().trainOneBias(one, seed);
            for (int e = 0; e < 20; e++) {
                assertEquals(layer.get(e).predicted(), cell.get(e).predicted(), "epoch " + (e + 1));
                // equal but for Adam's epsilon, which weighs a little more against the mean's smaller gradients
                assertEquals(5 * layer.get(e).loss(), cell.get(e).loss(), 1e-5 * cell.get(e).loss(), "epoch " + (e + 1));
            }
        }
    }

    @Test
    void theShapeTableReadsTheRealArrays() {
        List<ShapesTour.Row> rows = ShapesTour.rows(0);
        Map<String, long[]> byName = rows.stream()
                .collect(Collectors.toMap(r -> r.section() + " | " + r.pytorch(), ShapesTour.Row::dl4jShape, (a, b) -> a));
        String cell = "nn.RNNCell(input_size=4, hidden_size=2), batch 1 | ";
        assertArrayEquals(new long[] {4, 2}, byName.get(cell + "cell.weight_ih"));
        assertArrayEquals(new long[] {1, 2, 1}, byName.get(cell + "hidden = cell(input, hidden)"));
        String seven = "nn.RNN(5, 6, 7): input (21, 8, 5), h0 (7, 8, 6) | ";
        assertArrayEquals(new long[] {8, 5, 21}, byName.get(seven + "input"));
        assertArrayEquals(new long[] {8, 6, 21}, byName.get(seven + "output"));
        assertArrayEquals(new long[] {8, 6}, byName.get(seven + "h_n"));
        assertArrayEquals(new long[] {8, 12, 21}, byName.get("nn.RNN(5, 6, 7, bidirectional=True): input (21, 8, 5) | output"));
        String lstm = "nn.LSTM(10, 20, 2): input (5, 3, 10), (h0, c0) (2, 3, 20) each | ";
        assertArrayEquals(new long[] {10, 80}, byName.get(lstm + "weight_ih_l0"));
        assertArrayEquals(new long[] {3, 20, 5}, byName.get(lstm + "output"));
        assertArrayEquals(new long[] {3, 20}, byName.get(lstm + "c_n"));
        String emb = "nn.Embedding(10, 3) on [[1,2,4,5],[4,3,2,9]] | ";
        assertArrayEquals(new long[] {2, 3, 4}, byName.get(emb + "embedding(input)"));
        assertArrayEquals(new long[] {1}, byName.get(emb + "a[0][0] == weight[1]"));
        // where DL4J holds the same array, it has as many elements as PyTorch's (per layer for states)
        for (ShapesTour.Row r : rows) {
            boolean comparable = r.pytorchShape().matches("\\[[0-9, ]+\\]") && r.dl4jShape().length > 1
                    && !r.pytorch().contains("..") && !r.pytorch().matches("(h_n|c_n|hidden \\(h_n\\)|h_final)");
            if (comparable) {
                long torch = Arrays.stream(r.pytorchShape().replaceAll("[\\[\\] ]", "").split(","))
                        .mapToLong(Long::parseLong).reduce(1, (a, b) -> a * b);
                assertEquals(torch, Arrays.stream(r.dl4jShape()).reduce(1, (a, b) -> a * b), r.toString());
            }
        }
        assertTrue(ShapesTour.arguments().size() >= 8);
    }

    @Test
    void evaluationIsTheMeanOfBatchLossesWithTheStateCarried() {
        NetLanguageModel m = new NetLanguageModel(WordRnnModel.build(WordRnnModel.Cell.LSTM, 12, 5, 1, 3, 2), 12, null);
        int[] tokens = new int[2 * 11];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (i * 7 + 3) % 12;
        }
        int[][] data = WordCorpus.columns(tokens, 2); // 11 rows: batches at rows 0, 3, 6
        m.fit(new int[][] {{1, 2, 3}, {4, 5, 6}}, new int[][] {{2, 3, 4}, {5, 6, 7}}); // a training state to keep
        Object training = m.saveState();
        double ppl = WordLmTrainer.evaluate(m, data, 3);
        // by hand from the probabilities: zero state, then carried through the three batches
        m.resetState();
        double sum = 0;
        for (int start : new int[] {0, 3, 6}) {
            CharLmIterator.Ids b = WordCorpus.batch(data, start, 3);
            INDArray p = m.probabilities(b.x());
            double nll = 0;
            for (int c = 0; c < 2; c++) {
                for (int t = 0; t < 3; t++) {
                    nll -= Math.log(p.getDouble(c, b.y()[c][t], t));
                }
            }
            sum += nll / 6;
        }
        assertEquals(Math.exp(sum / 3), ppl, 1e-4 * ppl);
        m.restoreState(training);
        assertEquals(training, m.saveState());
    }
}
