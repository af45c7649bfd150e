package rnnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import rnnlab.core.Config;
import rnnlab.core.UserError;
import rnnlab.experiments.Bench.Model;
import rnnlab.lm.NetLanguageModel;
import rnnlab.model.RecurrentParams;

/** Bench's models: their FLOP counts by hand, the networks it builds for them, and the choice of models. */
class BenchTest {
    @Test
    void lstmFlopsByHand() {
        // one LSTM layer, E = H = 3, V = 10: forward 2 * 4 (E H + H H) + 2 H V = 144 + 60, three times that
        assertEquals(3 * (144 + 60), new Model("t", "lstm", 10, 3, 1, false, 2, 5, 3).flopsPerToken(), 0);
        // two layers, E = H = 4, V = 10: 2 x 2 * 4 (16 + 16) + 2 * 4 * 10 = 512 + 80
        assertEquals(3 * (512 + 80), new Model("t", "lstm", 10, 4, 2, false, 2, 5, 4).flopsPerToken(), 0);
    }

    /**
     * Each Bench model that stands for an experiment has that experiment's full-profile shape (hidden size, batch,
     * steps; DigitSum's steps its longest length; layers where the file states them), read from its file.
     */
    @Test
    void eachModelHasItsExperimentsShape() {
        Map<String, String> experimentOf = Map.ofEntries(Map.entry("timemachine-rnn-h512", "TimeMachineRnnScratch"),
                Map.entry("jaychou-rnn-h256", "JayChouRnn"), Map.entry("jaychou-gru-h256", "JayChouGru"),
                Map.entry("jaychou-lstm-h256", "JayChouLstm"), Map.entry("jaychou-lstm2-h256", "JayChouDeepLstm"),
                Map.entry("jaychou-bigru-h128", "JayChouBiGru"), Map.entry("ptb-rnn-h150", "PtbWordRnn"),
                Map.entry("digitsum-srn-h32-len35", "DigitSumSrn"), Map.entry("ptb-lstm-h300", "PtbWordLstm"),
                Map.entry("ptb-lstm2-h200", "PtbZarembaSmall"), Map.entry("ptb-lstm2-h650", "PtbZarembaMedium"));
        for (Model m : Bench.MODELS) {
            String name = experimentOf.get(m.name());
            if (name == null) {
                continue; // the Time Machine GRU and LSTM: the peers' models beyond the experiments
            }
            Map<String, String> v = Config.load(Path.of("experiments"), name, "full", Map.of())
                    .values();
            assertEquals(v.get("hidden_size"), String.valueOf(m.hidden()), m.name());
            assertEquals(v.get("batch_size"), String.valueOf(m.batch()), m.name());
            String steps = v.containsKey("num_steps") ? v.get("num_steps")
                    : v.get("lengths").substring(v.get("lengths").lastIndexOf(',') + 1);
            assertEquals(steps, String.valueOf(m.steps()), m.name());
            if (v.containsKey("num_layers")) {
                assertEquals(v.get("num_layers"), String.valueOf(m.layers()), m.name());
            }
        }
        assertEquals(13, Bench.MODELS.size());
        for (String model : experimentOf.keySet()) {
            assertEquals(1, Bench.MODELS.stream().filter(m -> m.name().equals(model)).count(), model + " is a Bench model");
        }
    }

    @Test
    void thePtbLstmsAreThePeersShapes() {
        // ../shared/bench/torch_peer.py's CONFIGS and djl_peer's: cell, vocab, hidden, layers, bi, batch, steps, emb
        Map<String, Model> peers = Map.of(
                "ptb-lstm-h300", new Model("ptb-lstm-h300", "lstm", 10000, 300, 1, false, 20, 35, 300),
                "ptb-lstm2-h200", new Model("ptb-lstm2-h200", "lstm", 10000, 200, 2, false, 20, 20, 200),
                "ptb-lstm2-h650", new Model("ptb-lstm2-h650", "lstm", 10000, 650, 2, false, 20, 35, 650));
        for (Model want : peers.values()) {
            assertEquals(List.of(want), Bench.select(List.of(want.name())));
        }
        // 3 (2 * 4 (300^2 + 300^2) + 2 * 300 * 10^4) = 3 (1.44 + 6) M
        assertEquals(22.32e6, peers.get("ptb-lstm-h300").flopsPerToken(), 1e-3);
        // 3 (2 * 2 * 4 (200^2 + 200^2) + 2 * 200 * 10^4) = 3 (1.28 + 4) M
        assertEquals(15.84e6, peers.get("ptb-lstm2-h200").flopsPerToken(), 1e-3);
        // 3 (2 * 2 * 4 (650^2 + 650^2) + 2 * 650 * 10^4) = 3 (13.52 + 13) M
        assertEquals(79.56e6, peers.get("ptb-lstm2-h650").flopsPerToken(), 1e-3);
    }

    /**
     * The network Bench trains has the products its count assumes: every weight matrix but the embedding's lookup
     * is one product a token, 2 |W| forward, three times that with the backward.
     */
    @Test
    void theWordModelsBuiltHaveTheCountedProducts() {
        for (Model m : List.of(new Model("rnn", "rnn", 12, 5, 1, false, 2, 4, 5),
                new Model("lstm", "lstm", 12, 5, 1, false, 2, 4, 5),
                new Model("lstm2", "lstm", 12, 5, 2, false, 2, 4, 5),
                new Model("lstm3", "lstm", 12, 5, 3, false, 2, 4, 5))) {
            MultiLayerNetwork net = ((NetLanguageModel) Bench.build(m)).net();
            assertEquals(m.layers() + 2, net.getnLayers(), m.name() + ": embedding, the recurrent layers, the output");
            double flops = 0;
            for (Layer l : net.getLayers()) {
                if (l.conf().getLayer() instanceof EmbeddingSequenceLayer) {
                    continue;
                }
                for (Map.Entry<String, INDArray> e : l.paramTable().entrySet()) {
                    if (e.getKey().equals(RecurrentParams.WEIGHT_KEY) || e.getKey().equals(RecurrentParams.RECURRENT_WEIGHT_KEY)) {
                        flops += 3 * 2.0 * e.getValue().length();
                    }
                }
            }
            assertEquals(m.flopsPerToken(), flops, 0, m.name());
        }
    }

    @Test
    void theStackTrainsOnABatch() {
        Model m = new Model("lstm2", "lstm", 12, 5, 2, false, 2, 4, 5);
        NetLanguageModel lm = (NetLanguageModel) Bench.build(m);
        // embedding V H; each layer W, RW and two biases 4H each; output H V + V
        assertEquals(12 * 5 + 2 * (4 * 5 * 5 + 4 * 5 * 5 + 2 * 4 * 5) + 5 * 12 + 12, lm.net().numParams());
        INDArray before = lm.net().params().dup();
        double loss = lm.fit(new int[][] {{1, 2, 3, 4}, {5, 6, 7, 8}}, new int[][] {{2, 3, 4, 5}, {6, 7, 8, 9}});
        assertTrue(Double.isFinite(loss) && loss > 0, "loss " + loss);
        assertNotEquals(before, lm.net().params());
    }

    @Test
    void aListOfModelsRunsInItsOrder() {
        assertEquals(Bench.MODELS, Bench.select(List.of("all")));
        assertEquals(List.of("ptb-lstm2-h650", "ptb-rnn-h150"),
                Bench.select(List.of("ptb-lstm2-h650", "ptb-rnn-h150")).stream().map(Model::name).toList());
        UserError e = assertThrows(UserError.class, () -> Bench.select(List.of("ptb-lstm2-h200", "gpt2")));
        assertTrue(e.getMessage().contains("no model 'gpt2'") && e.getMessage().contains("ptb-lstm2-h650"), e.getMessage());
    }
}
