package rnnlab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import rnnlab.kernels.NdArrayCopies;

/** The project's embedding gives DL4J's numbers bit for bit, and is saved and loaded as DL4J's layer. */
class EmbeddingTest {
    static final int VOCAB = 5;
    static final int WIDTH = 6;
    static final int BATCH = 3;
    static final int LENGTH = 7;

    private static EmbeddingSequenceLayer.Builder builder(RNNFormat format) {
        return new EmbeddingSequenceLayer.Builder().nIn(VOCAB).nOut(WIDTH).inputLength(LENGTH).hasBias(false)
                .outputDataFormat(format);
    }

    private static MultiLayerNetwork net(Layer embedding, RNNFormat format) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT)
                .updater(new Adam(0.01)).weightInit(WeightInit.XAVIER).list().layer(embedding)
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(WIDTH).nOut(4)
                        .activation(Activation.SOFTMAX).dataFormat(format).build())
                .build());
        net.init();
        return net;
    }

    /** Token ids with every id repeated (the scatter-add's order then matters), as [batch, length]. */
    private static INDArray ids(long seed) {
        Random r = new Random(seed);
        float[] v = new float[BATCH * LENGTH];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(VOCAB);
        }
        return NdArrayCopies.floats(v, BATCH, LENGTH);
    }

    private static INDArray labels(long seed, RNNFormat format) {
        Random r = new Random(seed);
        INDArray y = Nd4j.zeros(DataType.FLOAT, BATCH, 4, LENGTH);
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < LENGTH; t++) {
                y.putScalar(new int[] {b, r.nextInt(4), t}, 1.0);
            }
        }
        return format == RNNFormat.NWC ? y.permute(0, 2, 1).dup('c') : y;
    }

    private static void assertSameTraining(RNNFormat format, boolean rank3) {
        MultiLayerNetwork stock = net(builder(format).build(), format);
        MultiLayerNetwork ours = net(Embedding.of(builder(format)), format);
        assertInstanceOf(Embedding.Impl.class, ours.getLayer(0));
        ours.setParams(stock.params().dup());
        for (int step = 0; step < 5; step++) {
            INDArray x = ids(step);
            if (rank3) {
                x = x.reshape('c', BATCH, 1, LENGTH);
            }
            INDArray y = labels(100 + step, format);
            stock.setInput(x);
            stock.setLabels(y);
            stock.computeGradientAndScore();
            ours.setInput(x);
            ours.setLabels(y);
            ours.computeGradientAndScore();
            assertArrayEquals(NdArrayCopies.floats(stock.gradient().gradient()), NdArrayCopies.floats(ours.gradient().gradient()),
                    format + " step " + step + ": gradients differ");
            assertEquals(stock.score(), ours.score(), 0.0);
            assertArrayEquals(NdArrayCopies.floats(stock.output(x)), NdArrayCopies.floats(ours.output(x)), format + " step " + step);
            stock.fit(x, y);
            ours.fit(x, y);
            assertArrayEquals(NdArrayCopies.floats(stock.params()), NdArrayCopies.floats(ours.params()), format + " step " + step);
        }
    }

    @Test
    void sameGradientsAndStepsAsDl4jsLayerBitForBit() {
        assertSameTraining(RNNFormat.NCW, false);
        assertSameTraining(RNNFormat.NCW, true);
        assertSameTraining(RNNFormat.NWC, false);
    }

    @Test
    void inferredLengthsAndBadIdsAsDl4jsLayer() {
        // no inputLength: the length is taken from each input, as DL4J does
        EmbeddingSequenceLayer.Builder b = new EmbeddingSequenceLayer.Builder().nIn(VOCAB).nOut(WIDTH).hasBias(false);
        MultiLayerNetwork stock = net(b.build(), RNNFormat.NCW);
        MultiLayerNetwork ours = net(Embedding.of(b), RNNFormat.NCW);
        ours.setParams(stock.params().dup());
        INDArray shorter = NdArrayCopies.floats(new float[] {1, 4, 0, 3}, 2, 2);
        assertArrayEquals(NdArrayCopies.floats(stock.output(ids(3))), NdArrayCopies.floats(ours.output(ids(3))));
        assertArrayEquals(NdArrayCopies.floats(stock.output(shorter)), NdArrayCopies.floats(ours.output(shorter)));
        INDArray bad = NdArrayCopies.floats(new float[] {1, VOCAB, 0, 3}, 2, 2);
        Exception expected = assertThrows(Exception.class, () -> stock.output(bad));
        Exception got = assertThrows(Exception.class, () -> ours.output(bad));
        assertEquals(expected.getClass(), got.getClass());
        assertEquals(expected.getMessage(), got.getMessage());
    }

    @Test
    void savedAndLoadedAsTheSameLayer() throws Exception {
        MultiLayerNetwork net = net(Embedding.of(builder(RNNFormat.NCW)), RNNFormat.NCW);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), true);
        assertInstanceOf(Embedding.Impl.class, back.getLayer(0));
        assertEquals(LENGTH, ((Embedding) back.getLayer(0).conf().getLayer()).getInputLength());
        assertArrayEquals(NdArrayCopies.floats(net.output(ids(1))), NdArrayCopies.floats(back.output(ids(1))));
    }
}
