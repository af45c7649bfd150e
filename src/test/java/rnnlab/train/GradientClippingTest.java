package rnnlab.train;

import rnnlab.model.GradientClipping;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** One SGD step (lr 1) with each mode against the hand computation from the unclipped gradient. */
class GradientClippingTest {
    private static MultiLayerNetwork net() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .updater(new Sgd(1.0)).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        return net;
    }

    private static final INDArray X = Nd4j.rand(DataType.DOUBLE, 6, 4).muli(4);
    private static final INDArray Y = Nd4j.eye(3).castTo(DataType.DOUBLE).repeat(0, 2);

    /**
     * The parameter change of one step with the listener, and the gradient of the mean loss at the start
     * (DL4J's gradient view holds the sum over the 6 examples; its updater divides by the batch size).
     */
    private static INDArray[] step(GradientClipping listener) {
        MultiLayerNetwork net = net();
        net.setInput(X);
        net.setLabels(Y);
        net.computeGradientAndScore();
        INDArray g = net.getGradientsViewArray().div(X.size(0));
        INDArray before = net.params().dup();
        net.setListeners(listener);
        net.fit(X, Y);
        return new INDArray[] {before.sub(net.params()), g};
    }

    @Test
    void clipRescalesOnlyAboveTheta() {
        INDArray[] r = step(GradientClipping.clip(0.05));
        double norm = r[1].norm2Number().doubleValue();
        assertTrue(norm > 0.05, "the test needs a gradient above the threshold, got " + norm);
        assertTrue(r[0].sub(r[1].mul(0.05 / norm)).amaxNumber().doubleValue() < 1e-12);
        assertEquals(0.05, r[0].norm2Number().doubleValue(), 1e-12);

        INDArray[] loose = step(GradientClipping.clip(1e6));
        assertTrue(loose[0].sub(loose[1]).amaxNumber().doubleValue() < 1e-12, "below theta the gradient is untouched");
    }

    /** Zaremba et al.'s clipping: the gradient of s times the loss, clipped; below theta it is s g, above theta. */
    @Test
    void clipScaledClipsTheScaledGradient() {
        double norm = step(GradientClipping.clip(1e6))[1].norm2Number().doubleValue();
        double theta = 10 * norm; // above the gradient's norm, below 20 times it
        INDArray[] r = step(GradientClipping.clipScaled(theta, 20));
        assertTrue(r[0].sub(r[1].mul(theta / norm)).amaxNumber().doubleValue() < 1e-12);
        assertEquals(theta, r[0].norm2Number().doubleValue(), 1e-12);

        INDArray[] loose = step(GradientClipping.clipScaled(1e6, 20));
        assertTrue(loose[0].sub(loose[1].mul(20)).amaxNumber().doubleValue() < 1e-12, "below theta: s g");
    }

    @Test
    void normalizeGivesUnitStepsAndZeroesTinyGradients() {
        INDArray[] r = step(GradientClipping.normalize(1.0, 1e-4));
        double norm = r[1].norm2Number().doubleValue();
        assertTrue(r[0].sub(r[1].div(norm)).amaxNumber().doubleValue() < 1e-12);
        assertEquals(1.0, r[0].norm2Number().doubleValue(), 1e-12);

        INDArray[] zero = step(GradientClipping.normalize(1.0, 1e9));
        assertEquals(0.0, zero[0].amaxNumber().doubleValue(), 0.0);
    }

    @Test
    void noneLeavesTheGradientAlone() {
        GradientClipping none = new GradientClipping(GradientClipping.Mode.NONE, 0, 0);
        INDArray[] r = step(none);
        assertTrue(r[0].sub(r[1]).amaxNumber().doubleValue() < 1e-12);
        assertEquals(r[1].norm2Number().doubleValue(), none.lastNorm(), 1e-12);
    }
}
