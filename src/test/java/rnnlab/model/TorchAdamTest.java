package rnnlab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

import rnnlab.model.SequenceClassifier.Cell;

/**
 * {@link TorchAdam} takes PyTorch's steps (the fixture {@code torch_adam.txt}, made by {@code torch_adam.py}
 * beside it with PyTorch 1.13), is not DL4J's Adam, and its state is saved and restored with the network.
 */
class TorchAdamTest {
    static final double LR = 0.01;
    static final int STEPS = 3;

    /** The fixture: the start, each step's gradient, and PyTorch's parameters, m and v after each step. */
    record Fixture(double[] start, double[][] grads, List<String> lines) {
        double[] torch(String type, int step, String key) {
            String prefix = type + " " + step + " " + key + " ";
            return lines.stream().filter(l -> l.startsWith(prefix)).findFirst()
                    .map(l -> parse(l.substring(prefix.length()))).orElseThrow();
        }

        static Fixture read() throws IOException {
            List<String> lines = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(
                    TorchAdamTest.class.getResourceAsStream("torch_adam.txt"), StandardCharsets.UTF_8))) {
                r.lines().forEach(lines::add);
            }
            double[][] grads = new double[STEPS][];
            for (int t = 1; t <= STEPS; t++) {
                String prefix = "grad " + t + " ";
                grads[t - 1] = lines.stream().filter(l -> l.startsWith(prefix)).findFirst()
                        .map(l -> parse(l.substring(prefix.length()))).orElseThrow();
            }
            return new Fixture(parse(lines.get(0).substring("start ".length())), grads, lines);
        }

        private static double[] parse(String s) {
            return Arrays.stream(s.trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
        }
    }

    /** The parameters and the updater's state after each step, as DL4J applies an updater: p -= update. */
    private static List<double[][]> run(IUpdater updater, DataType type, Fixture f) {
        int n = f.start().length;
        INDArray p = Nd4j.createFromArray(f.start()).castTo(type).reshape(1, n);
        INDArray state = Nd4j.zeros(type, 1, 2L * n);
        GradientUpdater<?> u = updater.instantiate(state, true);
        List<double[][]> out = new ArrayList<>();
        for (int t = 1; t <= STEPS; t++) {
            INDArray g = Nd4j.createFromArray(f.grads()[t - 1]).castTo(type).reshape(1, n);
            u.applyUpdater(g, t - 1, 0);
            p.subi(g);
            out.add(new double[][] {p.toDoubleVector(), state.toDoubleVector()});
        }
        return out;
    }

    private static double[] half(double[] state, int which) {
        int n = state.length / 2;
        return Arrays.copyOfRange(state, which * n, (which + 1) * n);
    }

    @Test
    void takesPyTorchsStepsBitForBitInFloatAndDouble() throws IOException {
        Fixture f = Fixture.read();
        for (DataType type : List.of(DataType.FLOAT, DataType.DOUBLE)) {
            String name = type == DataType.FLOAT ? "float32" : "float64";
            List<double[][]> ours = run(new TorchAdam(LR), type, f);
            for (int t = 1; t <= STEPS; t++) {
                String at = name + " step " + t;
                assertArrayEquals(f.torch(name, t, "m"), half(ours.get(t - 1)[1], 0), at + " m");
                assertArrayEquals(f.torch(name, t, "v"), half(ours.get(t - 1)[1], 1), at + " v");
                assertArrayEquals(f.torch(name, t, "param"), ours.get(t - 1)[0], at + " param");
            }
        }
    }

    /** Eight values as a 2 x 4 matrix in Fortran order, element (i, j) the value i + 2 j. */
    private static INDArray fortran(double[] values) {
        INDArray a = Nd4j.createFromArray(values).castTo(DataType.FLOAT).reshape('f', 2, 4).dup('f');
        assertEquals('f', a.ordering());
        return a;
    }

    @Test
    void aStateOfFortranOrderMatricesStepsAsTheVectorState() throws IOException {
        // arrays not in one run of memory in the loop's order go through a copy, written back
        Fixture f = Fixture.read();
        INDArray p = fortran(f.start());
        INDArray m = Nd4j.zeros(DataType.FLOAT, 2, 4).dup('f');
        INDArray v = Nd4j.zeros(DataType.FLOAT, 2, 4).dup('f');
        GradientUpdater<?> u = new TorchAdam(LR).instantiate(new HashMap<>(Map.of("M", m, "V", v)), true);
        List<double[][]> vector = run(new TorchAdam(LR), DataType.FLOAT, f);
        for (int t = 1; t <= STEPS; t++) {
            INDArray g = fortran(f.grads()[t - 1]);
            u.applyUpdater(g, t - 1, 0);
            p.subi(g);
            assertArrayEquals(vector.get(t - 1)[0], p.reshape('f', new long[] {8}).toDoubleVector(), "step " + t);
            assertArrayEquals(half(vector.get(t - 1)[1], 1), v.reshape('f', new long[] {8}).toDoubleVector(), "v, step " + t);
        }
    }

    @Test
    void dl4jsAdamIsNotPyTorchsAtTheFirstStep() throws IOException {
        Fixture f = Fixture.read();
        double[] dl4j = run(new Adam(LR), DataType.DOUBLE, f).get(0)[0];
        double[] torch = f.torch("float64", 1, "param");
        // gradient -1e-9: PyTorch's denominator is sqrt(v)/sqrt(1-b2) + eps = 1e-9 + 1e-8, DL4J's
        // (sqrt(v) + eps)/sqrt(1-b2) = 3.2e-7, so PyTorch steps by 0.1 * 1e-10 / 1.1e-8 and DL4J by a 29th of it
        int i = 5;
        double torchStep = torch[i] - f.start()[i];
        double dl4jStep = dl4j[i] - f.start()[i];
        assertEquals(0.1 * 1e-10 / 1.1e-8, torchStep, 1e-12);
        double dl4jByHand = 0.01 * Math.sqrt(1 - 0.999) / (1 - 0.9) * 1e-10 / (Math.sqrt(1e-21) + 1e-8);
        assertEquals(dl4jByHand, dl4jStep, 1e-12);
        assertTrue(torchStep > 25 * dl4jStep, "PyTorch's step " + torchStep + ", DL4J's " + dl4jStep);
    }

    private static void fit(MultiLayerNetwork net, int from, int to) {
        for (int step = from; step < to; step++) {
            float[] x = new float[2 * 5];
            float[] y = new float[2 * 19];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i * 7 + step * 3) % 10;
            }
            y[(step * 5) % 19] = 1;
            y[19 + (step * 11) % 19] = 1;
            net.fit(Nd4j.createFromArray(x).reshape(2, 5), Nd4j.createFromArray(y).reshape(2, 19));
        }
    }

    @Test
    void aSavedAndRestoredNetworkContinuesAsAnUninterruptedOne() throws Exception {
        MultiLayerNetwork uninterrupted = SequenceClassifier.build(Cell.SRN, 10, 5, 8, 6, 19, 0.01, 3);
        MultiLayerNetwork first = SequenceClassifier.build(Cell.SRN, 10, 5, 8, 6, 19, 0.01, 3);
        fit(uninterrupted, 0, 8);
        fit(first, 0, 4);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(first, bytes, true);
        MultiLayerNetwork resumed = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), true);
        assertInstanceOf(TorchAdam.class, ((BaseLayer) resumed.getLayer(1).conf().getLayer()).getIUpdater());
        fit(resumed, 4, 8);
        assertArrayEquals(uninterrupted.params().toFloatVector(), resumed.params().toFloatVector());
        assertArrayEquals(uninterrupted.getUpdater().getStateViewArray().toFloatVector(),
                resumed.getUpdater().getStateViewArray().toFloatVector());
    }

    @Test
    void theConfigurationRoundTripsThroughJson() {
        MultiLayerConfiguration conf = SequenceClassifier.build(Cell.LSTM, 10, 5, 8, 6, 19, 0.003, 3)
                .getLayerWiseConfigurations();
        String json = conf.toJson();
        assertTrue(json.contains(TorchAdam.class.getName()), "the JSON names the updater");
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
        assertEquals(json, back.toJson());
        assertEquals(new TorchAdam(0.003), ((BaseLayer) back.getConf(0).getLayer()).getIUpdater());
    }
}
