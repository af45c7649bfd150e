package rnnlab.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
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
            org.junit.jupiter.api.Assertions.assertTrue(diff < 1e-6, "step " + t + " differs by " + diff);
        }
    }

    /** One-hot labels [batch, classes, time]. */
    static INDArray labels(int batch, int classes, int steps, long seed, DataType type) {
        java.util.Random r = new java.util.Random(seed);
        INDArray y = Nd4j.zeros(type, batch, classes, steps);
        for (int i = 0; i < batch; i++) {
            for (int t = 0; t < steps; t++) {
                y.putScalar(new int[] {i, r.nextInt(classes), t}, 1.0);
            }
        }
        return y;
    }
}
