package rnnlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import rnnlab.data.DigitSumData;
import rnnlab.model.SequenceClassifier;
import rnnlab.model.TorchStart;

/**
 * DigitSumSrn's model, optimiser and batches are the tutorial's: started from the tutorial's model's own start (its
 * PyTorch code, torch.manual_seed(0); src/test/resources/torch/digitsum_steps.py wrote digitsum_steps.json), the
 * project's network takes the tutorial's first 80 Adam steps at length 25 on the same batches (an epoch's end and its
 * half batch among them) with the same losses and ends at the same parameters, to float rounding.
 */
class DigitSumStepsTest {
    static JsonNode fixture;

    @BeforeAll
    static void read() throws Exception {
        try (InputStream in = DigitSumStepsTest.class.getResourceAsStream("/torch/digitsum_steps.json")) {
            fixture = new ObjectMapper().readTree(in);
        }
    }

    /** The tutorial's parameters by their PyTorch names, where they live in the project's network. */
    static final Map<String, TorchStart.Slot> PARAMS = TorchStart.DIGITSUM_SRN;

    /** The network's own parameter (a view) that the PyTorch parameter {@code name} is. */
    static INDArray ours(MultiLayerNetwork net, String name) {
        return TorchStart.ours(net, PARAMS, name);
    }

    /** The PyTorch parameter {@code name} of {@code params} in DL4J's layout. */
    static INDArray torchParam(JsonNode params, String name) {
        return TorchStart.param(params, PARAMS, name);
    }

    /** Sets every parameter of the network to the PyTorch model's in {@code params}, checking that their shapes agree. */
    static void loadTorchParams(MultiLayerNetwork net, JsonNode params) {
        TorchStart.load(net, PARAMS, params, "the fixture's start");
    }

    /**
     * The network's parameters as the PyTorch model holds them (its names; [n] for nn.Linear's bias, [1, n] for the
     * SRN's b, nn.Linear's weight transposed), for JSON.
     */
    static Map<String, Object> torchParams(MultiLayerNetwork net) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (String name : PARAMS.keySet()) {
            INDArray p = ours(net, name);
            if (PARAMS.get(name).transposed()) {
                params.put(name, p.transpose().toDoubleMatrix());
            } else if (name.equals("linear.bias")) {
                params.put(name, p.toDoubleVector());
            } else {
                params.put(name, p.reshape(p.rank() == 1 ? new long[] {1, p.length()} : p.shape()).toDoubleMatrix());
            }
        }
        return params;
    }

    @Test
    void takesTheTutorialsFirstStepsFromItsStart(@TempDir Path tmp) throws Exception {
        int length = fixture.get("length").asInt();
        Path data = DigitSumData.ensure(tmp, DigitSumData.Spec.TUTORIAL);
        List<DataSet> train = DigitSumData.load(data.resolve(length + "/train.txt"), length, 8);
        MultiLayerNetwork net = SequenceClassifier.build(SequenceClassifier.Cell.SRN, 10, length, 32, 32,
                DigitSumData.NUM_CLASSES, 0.001, 0);
        JsonNode start = fixture.get("start");
        loadTorchParams(net, start);
        JsonNode losses = fixture.get("loss");
        JsonNode labels = fixture.get("labels");
        for (int step = 0; step < losses.size(); step++) {
            DataSet batch = train.get(step % train.size());
            INDArray ourLabels = batch.getLabels().argMax(1);
            assertEquals(labels.get(step).size(), ourLabels.length(), "step " + step + "'s batch size");
            for (int i = 0; i < ourLabels.length(); i++) {
                assertEquals(labels.get(step).get(i).asInt(), ourLabels.getInt(i), "step " + step + "'s label " + i);
            }
            net.fit(batch);
            double expected = losses.get(step).asDouble();
            assertEquals(expected, net.score(), 2e-6 * expected, "step " + step + "'s loss before its update");
        }
        JsonNode params = fixture.get("params");
        for (String name : PARAMS.keySet()) {
            INDArray theirs = torchParam(params, name);
            double moved = theirs.sub(torchParam(start, name)).norm2Number().doubleValue();
            double apart = theirs.sub(ours(net, name).reshape(theirs.shape())).norm2Number().doubleValue();
            // 80 steps of 1e-3 move each parameter far (moved); float rounding leaves ours about a millionth of that away
            assertTrue(apart <= 2e-5 * moved, name + ": " + apart + " from PyTorch's, which moved " + moved);
        }
    }
}
