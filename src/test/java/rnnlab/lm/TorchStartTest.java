package rnnlab.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ObjectNode;

import rnnlab.core.UserError;
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

    /**
     * The Time Machine's scratch model kept as the tutorial keeps it ({@link TorchStart#asIs}): each of its five
     * tensors set from the start's, the batches' offsets beside them read apart and checked, one line when wrong.
     */
    @Test
    void aScratchStartSetsTheTutorialsTensorsAndHandsOverItsBatchOrder() throws Exception {
        JsonNode start;
        try (InputStream in = TorchStartTest.class.getResourceAsStream("/torch/timemachine_start.json")) {
            start = new ObjectMapper().readTree(in).get("start");
        }
        int vocab = start.get("W_xh").size();
        int hidden = start.get("W_hh").size();
        ScratchRnn m = new ScratchRnn(vocab, hidden, 1, 1, 0);
        m.bH.assign(1); // the start's b_h is zeros: set, not left as it was
        TorchStart.load(m::param, TorchStart.asIs(ScratchRnn.NAMES), start, "the start");
        assertEquals(start.get("W_xh").get(3).get(5).floatValue(), m.wXh.getFloat(3, 5));
        assertEquals(start.get("W_hh").get(7).get(2).floatValue(), m.wHh.getFloat(7, 2));
        assertEquals(start.get("W_hq").get(9).get(vocab - 1).floatValue(), m.wHq.getFloat(9, vocab - 1));
        assertEquals(0f, m.bH.sumNumber().floatValue());
        int[] offsets = TorchStart.batchOffsets(start, 2, 35, "the start");
        assertArrayEquals(new int[] {start.get("batch_offsets").get(0).asInt(), start.get("batch_offsets").get(1).asInt()},
                offsets);
        int epochs = start.get("batch_offsets").size();
        UserError tooFew = assertThrows(UserError.class, () -> TorchStart.batchOffsets(start, epochs + 1, 35, "the start"));
        assertEquals("the start hands over the batch order of the tutorial's " + epochs + " epochs; epochs=" + (epochs + 1)
                + " runs past it (give epochs=" + epochs + " or fewer)", tooFew.getMessage());
        UserError outside = assertThrows(UserError.class, () -> TorchStart.batchOffsets(start, 1, 5, "the start"));
        assertTrue(outside.getMessage().startsWith("the start's batch offset of epoch 1 is 24, not an offset in 0..5"),
                outside.getMessage());
        ObjectNode none = ((ObjectNode) start.deepCopy());
        none.remove(TorchStart.BATCH_OFFSETS);
        assertThrows(UserError.class, () -> TorchStart.batchOffsets(none, 1, 35, "the start"));
        // a scratch start's names are the tutorial's: another model's is refused in one line, nothing set
        none.set("W_xz", none.remove("W_xh"));
        float before = m.wHh.getFloat(0, 0);
        UserError foreign = assertThrows(UserError.class, () -> TorchStart.load(m::param, TorchStart.asIs(ScratchRnn.NAMES),
                none, "the start"));
        assertTrue(foreign.getMessage().startsWith("the start holds the parameters [W_hh, W_hq, W_xz, b_h, b_q], not "
                + "the model's [W_hh, W_hq, W_xh, b_h, b_q]"), foreign.getMessage());
        assertEquals(before, m.wHh.getFloat(0, 0));
    }

    /** Before any job: each seed's start read as a stream for the epochs of batch order it hands over. */
    @Test
    void theBatchOrderOfEverySeedsStartIsCheckedBeforeAnyJob(@TempDir Path dir) throws Exception {
        JsonNode start;
        try (InputStream in = TorchStartTest.class.getResourceAsStream("/torch/timemachine_start.json")) {
            start = new ObjectMapper().readTree(in).get("start");
        }
        int epochs = start.get(TorchStart.BATCH_OFFSETS).size();
        ObjectNode none = (ObjectNode) start.deepCopy();
        none.remove(TorchStart.BATCH_OFFSETS);
        for (int seed : new int[] {0, 1}) {
            Path file = TorchStart.file(dir, "TimeMachineRnnScratch", seed);
            Files.createDirectories(file.getParent());
            new ObjectMapper().writeValue(file.toFile(), seed == 0 ? start : none);
        }
        TorchStart.requireBatchOrder(dir, "TimeMachineRnnScratch", List.of(0), epochs);
        UserError tooFew = assertThrows(UserError.class, () -> TorchStart.requireBatchOrder(dir, "TimeMachineRnnScratch",
                List.of(0), epochs + 1));
        assertEquals(TorchStart.file(dir, "TimeMachineRnnScratch", 0) + " hands over the batch order of the tutorial's "
                + epochs + " epochs; epochs=" + (epochs + 1) + " runs past it (give epochs=" + epochs + " or fewer)",
                tooFew.getMessage());
        UserError missing = assertThrows(UserError.class, () -> TorchStart.requireBatchOrder(dir, "TimeMachineRnnScratch",
                List.of(0, 1), epochs));
        assertEquals(TorchStart.file(dir, "TimeMachineRnnScratch", 1) + " hands over no batch order ('batch_offsets'), "
                + "which a run from it needs; write it again with reference/run --starts", missing.getMessage());
    }
}
