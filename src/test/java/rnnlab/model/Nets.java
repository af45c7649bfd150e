package rnnlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small networks for layer tests. */
final class Nets {
    private Nets() {
    }

    /** One recurrent layer, optionally followed by a softmax output at every step. */
    static MultiLayerNetwork net(Layer recurrent, int hidden, int classes, DataType type) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(42).dataType(type)
                .updater(new NoOp()).weightInit(WeightInit.XAVIER).list().layer(recurrent);
        if (classes > 0) {
            b.layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(hidden).nOut(classes)
                    .activation(Activation.SOFTMAX).build());
        }
        MultiLayerNetwork net = new MultiLayerNetwork(b.build());
        net.init();
        return net;
    }

    /** Feeding a sequence one step at a time (rnnTimeStep) gives the whole sequence's outputs. */
    static void assertStepByStepEqualsWhole(Layer recurrent, int nIn, int hidden, int steps) {
        MultiLayerNetwork net = net(recurrent, hidden, 0, DataType.FLOAT);
        INDArray x = Nd4j.randn(3, new long[] {2, nIn, steps}).castTo(DataType.FLOAT);
        INDArray whole = net.output(x);
        net.rnnClearPreviousState();
        for (int t = 0; t < steps; t++) {
            INDArray step = net.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t, t + 1)));
            INDArray expected = whole.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t, t + 1));
            double diff = step.sub(expected).amaxNumber().doubleValue();
            assertTrue(diff < 1e-6, "step " + t + " differs by " + diff);
        }
    }

    /**
     * Gives {@code theirs} the weights of {@code mine} parameter by parameter (layer index and name: same names, same
     * shapes, whatever order each layer keeps them in), then fits both on every batch in turn and asserts the losses
     * never differ by more than {@code lossTol} and the weights end within {@code paramTol} of each other.
     */
    static void assertTrainsAlike(MultiLayerNetwork mine, MultiLayerNetwork theirs, List<DataSet> batches,
            double lossTol, double paramTol) {
        assertEquals(mine.getnLayers(), theirs.getnLayers());
        for (int i = 0; i < mine.getnLayers(); i++) {
            Map<String, INDArray> m = mine.getLayer(i).paramTable();
            assertEquals(m.keySet(), theirs.getLayer(i).paramTable().keySet(), "layer " + i + "'s parameter names");
            for (Map.Entry<String, INDArray> e : m.entrySet()) {
                INDArray t = theirs.getLayer(i).getParam(e.getKey());
                // the same shape but for unit dimensions (a bias is [1, n] on one side and [n] on the other)
                assertEquals(squeezed(e.getValue().shape()), squeezed(t.shape()), "layer " + i + " " + e.getKey());
                t.assign(e.getValue().reshape(t.shape()));
            }
        }
        INDArray start = mine.params().dup();
        assertEquals(start, theirs.params(), "the same weights, mapped by name, are the same flat vector");
        double maxLoss = 0;
        double first = Double.NaN;
        for (DataSet d : batches) {
            mine.fit(d);
            theirs.fit(d);
            first = Double.isNaN(first) ? mine.score() : first;
            maxLoss = Math.max(maxLoss, Math.abs(mine.score() - theirs.score()));
        }
        double maxParam = mine.params().sub(theirs.params()).amaxNumber().doubleValue();
        System.out.println("trains alike over " + batches.size() + " steps: largest loss difference " + maxLoss
                + ", largest weight difference " + maxParam + " (loss " + first + " -> " + mine.score() + ")");
        assertTrue(mine.params().sub(start).amaxNumber().doubleValue() > 1e-3, "the weights moved");
        assertTrue(maxLoss <= lossTol, "largest loss difference " + maxLoss);
        assertTrue(maxParam <= paramTol, "largest weight difference " + maxParam);
    }

    private static List<Long> squeezed(long[] shape) {
        return Arrays.stream(shape).filter(d -> d != 1).boxed().toList();
    }

    /** One-hot labels [batch, classes, time]. */
    static INDArray labels(int batch, int classes, int steps, long seed, DataType type) {
        Random r = new Random(seed);
        INDArray y = Nd4j.zeros(type, batch, classes, steps);
        for (int i = 0; i < batch; i++) {
            for (int t = 0; t < steps; t++) {
                y.putScalar(new int[] {i, r.nextInt(classes), t}, 1.0);
            }
        }
        return y;
    }
}
