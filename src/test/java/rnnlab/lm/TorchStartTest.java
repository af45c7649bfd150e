package rnnlab.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.InputStream;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import rnnlab.data.CharLmIterator;
import rnnlab.lm.CharRnnModel.Cell;
import rnnlab.model.TorchStart;

/**
 * The lyrics tutorial's concise models' starts in the project's networks ({@link TorchStart#rnnModel}): each PyTorch
 * model's start (src/test/resources/torch/concise_start.py wrote concise_start.json) loaded into the network
 * {@link CharRnnModel} builds gives the tutorial's loss on the same batch, so every weight, bias and gate block is
 * where PyTorch has it; the network's own start gives another.
 */
class TorchStartTest {
    static JsonNode fixture;

    @BeforeAll
    static void read() throws Exception {
        try (InputStream in = TorchStartTest.class.getResourceAsStream("/torch/concise_start.json")) {
            fixture = new ObjectMapper().readTree(in);
        }
    }

    static int[][] ints(JsonNode node) {
        int[][] a = new int[node.size()][node.get(0).size()];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                a[i][j] = node.get(i).get(j).asInt();
            }
        }
        return a;
    }

    static double loss(MultiLayerNetwork net, JsonNode c, int vocab) {
        net.setInput(NetLanguageModel.ids(ints(c.get("x"))));
        net.setLabels(CharLmIterator.oneHot(ints(c.get("y")), vocab));
        net.computeGradientAndScore();
        return net.score();
    }

    @ParameterizedTest
    @ValueSource(strings = {"rnn", "gru", "lstm", "lstm2", "bigru"})
    void aTutorialsStartGivesItsLossOnTheSameBatch(String name) {
        JsonNode c = fixture.get(name);
        int vocab = fixture.get("vocab").asInt();
        int layers = c.get("layers").asInt();
        boolean bidirectional = c.get("bidirectional").asBoolean();
        Cell cell = Cell.valueOf(name.replaceAll("[0-9]", "").replace("bi", "").toUpperCase(java.util.Locale.ROOT));
        MultiLayerNetwork net = CharRnnModel.build(cell, vocab, fixture.get("hidden").asInt(), layers, bidirectional, 0.01,
                fixture.get("steps").asInt(), 0);
        double expected = c.get("loss").asDouble();
        assertNotEquals(expected, loss(net, c, vocab), 1e-3, "the network's own start is not the tutorial's");
        TorchStart.load(net, TorchStart.rnnModel(TorchStart.Gates.valueOf(cell.name()), layers, bidirectional),
                c.get("start"), name + "'s start");
        assertEquals(expected, loss(net, c, vocab), 1e-6 * expected);
    }
}
