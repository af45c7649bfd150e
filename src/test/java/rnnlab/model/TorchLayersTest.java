package rnnlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * The project's layers with two biases (and the GRU in PyTorch's form) against what PyTorch's nn.RNN, nn.LSTM and
 * nn.GRU computed for the same weights (src/test/resources/torch/layers.py wrote layers.json): outputs, and the
 * gradients of sum(output * G) with respect to every parameter and the input, to float rounding. PyTorch's gate
 * blocks are reordered into the layers' own (LSTM: PyTorch i, f, g, o into DL4J's g, f, o, i; GRU: r, z, n into z, r, n)
 * and its [gates*n, nIn] weights transposed into DL4J's [nIn, gates*n].
 */
class TorchLayersTest {
    static final int N_IN = 3;
    static final int N = 4;
    static final int STEPS = 5;
    static final int BATCH = 2;
    static final double TOL = 1e-5;

    static JsonNode fixture;

    @BeforeAll
    static void read() throws Exception {
        try (InputStream in = TorchLayersTest.class.getResourceAsStream("/torch/layers.json")) {
            fixture = new ObjectMapper().readTree(in);
        }
    }

    /** For each of the layer's gate blocks, the PyTorch block it holds. */
    static int[] blocks(String name) {
        return TorchStart.gates(TorchStart.Gates.valueOf(name.toUpperCase(java.util.Locale.ROOT)));
    }

    static org.deeplearning4j.nn.conf.layers.Layer layer(String name, boolean torchGru) {
        return switch (name) {
            case "rnn" -> new Srn.Builder().twoBiases(true).activation(Activation.TANH).nIn(N_IN).nOut(N).build();
            case "lstm" -> new Lstm.Builder().twoBiases(true).nIn(N_IN).nOut(N).build();
            default -> new Gru.Builder().torchForm(torchGru).twoBiases(true).nIn(N_IN).nOut(N).build();
        };
    }

    /** A PyTorch [gates*n, cols] weight as DL4J's [cols, gates*n], its blocks in the layer's order. */
    static INDArray weight(JsonNode torch, int[] blocks) {
        int cols = torch.get(0).size();
        INDArray w = Nd4j.create(DataType.DOUBLE, cols, (long) blocks.length * N);
        for (int k = 0; k < blocks.length; k++) {
            for (int j = 0; j < N; j++) {
                for (int i = 0; i < cols; i++) {
                    w.putScalar(i, k * N + j, torch.get(blocks[k] * N + j).get(i).asDouble());
                }
            }
        }
        return w;
    }

    static INDArray bias(JsonNode torch, int[] blocks) {
        INDArray b = Nd4j.create(DataType.DOUBLE, 1, (long) blocks.length * N);
        for (int k = 0; k < blocks.length; k++) {
            for (int j = 0; j < N; j++) {
                b.putScalar(0, k * N + j, torch.get(blocks[k] * N + j).asDouble());
            }
        }
        return b;
    }

    /** A PyTorch [steps, batch, width] array as DL4J's [batch, width, steps]. */
    static INDArray sequence(JsonNode torch) {
        int width = torch.get(0).get(0).size();
        INDArray a = Nd4j.create(DataType.DOUBLE, BATCH, width, STEPS);
        for (int t = 0; t < STEPS; t++) {
            for (int b = 0; b < BATCH; b++) {
                for (int j = 0; j < width; j++) {
                    a.putScalar(new int[] {b, j, t}, torch.get(t).get(b).get(j).asDouble());
                }
            }
        }
        return a;
    }

    static void assertClose(INDArray expected, INDArray actual, String what) {
        assertEquals(expected.length(), actual.length(), what + ": size");
        double diff = expected.sub(actual.castTo(DataType.DOUBLE).reshape(expected.shape())).amaxNumber().doubleValue();
        assertTrue(diff < TOL, what + " differs from PyTorch's by " + diff);
        assertTrue(expected.amaxNumber().doubleValue() > 1e-3, what + ": PyTorch's values are not all near zero");
    }

    /** The layer's output for the fixture's input, and its gradients for dL/doutput = G. */
    static Pair<INDArray, Pair<Gradient, INDArray>> run(String name, boolean torchGru) {
        JsonNode c = fixture.get(name);
        int[] blocks = blocks(name);
        MultiLayerNetwork net = Nets.net(layer(name, torchGru), N, 0, DataType.FLOAT);
        net.initGradientsView();
        Layer l = net.getLayer(0);
        JsonNode p = c.get("params");
        l.getParam(RecurrentParams.WEIGHT_KEY).assign(weight(p.get("weight_ih_l0"), blocks));
        l.getParam(RecurrentParams.RECURRENT_WEIGHT_KEY).assign(weight(p.get("weight_hh_l0"), blocks));
        l.getParam(RecurrentParams.BIAS_KEY).assign(bias(p.get("bias_ih_l0"), blocks));
        l.getParam(RecurrentParams.HIDDEN_BIAS_KEY).assign(bias(p.get("bias_hh_l0"), blocks));
        LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();
        l.setInput(sequence(c.get("x")).castTo(DataType.FLOAT), ws);
        INDArray out = l.activate(true, ws).dup();
        Pair<Gradient, INDArray> g = l.backpropGradient(sequence(c.get("G")).castTo(DataType.FLOAT), ws);
        return new Pair<>(out, g);
    }

    static void check(String name) {
        JsonNode c = fixture.get(name);
        int[] blocks = blocks(name);
        Pair<INDArray, Pair<Gradient, INDArray>> r = run(name, true);
        assertClose(sequence(c.get("output")), r.getFirst(), name + " output");
        Map<String, INDArray> grads = r.getSecond().getFirst().gradientForVariable();
        JsonNode g = c.get("grad");
        assertEquals(4, grads.size(), name + ": W, RW, b and bh");
        assertClose(weight(g.get("weight_ih_l0"), blocks), grads.get(RecurrentParams.WEIGHT_KEY), name + " dW");
        assertClose(weight(g.get("weight_hh_l0"), blocks), grads.get(RecurrentParams.RECURRENT_WEIGHT_KEY), name + " dRW");
        assertClose(bias(g.get("bias_ih_l0"), blocks), grads.get(RecurrentParams.BIAS_KEY), name + " db");
        assertClose(bias(g.get("bias_hh_l0"), blocks), grads.get(RecurrentParams.HIDDEN_BIAS_KEY), name + " dbh");
        assertClose(sequence(g.get("x")), r.getSecond().getSecond(), name + " dX");
    }

    @Test
    void srnWithTwoBiasesIsNnRnn() {
        check("rnn");
    }

    @Test
    void lstmWithTwoBiasesIsNnLstm() {
        check("lstm");
    }

    @Test
    void gruInPyTorchsFormIsNnGru() {
        check("gru");
    }

    @Test
    void d2lsGruIsNotNnGru() {
        // the fixture tells the two forms apart: d2l's, from the same weights, gives other outputs
        INDArray d2l = run("gru", false).getFirst().castTo(DataType.DOUBLE);
        double diff = sequence(fixture.get("gru").get("output")).sub(d2l).amaxNumber().doubleValue();
        assertTrue(diff > 1e-2, "d2l's GRU differs from nn.GRU by only " + diff);
    }
}
