package rnnlab.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;

import rnnlab.data.CharLmIterator;
import rnnlab.model.SeededInit;
import rnnlab.model.Srn;

/** The fused output layer with id labels gives DL4J's RnnOutputLayer's score and gradients. */
class SequenceSoftmaxOutputTest {
    static MultiLayerNetwork net(boolean fused, int vocab, int steps) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .updater(new Sgd(0.1)).weightInit(SeededInit.xavierUniform(3, "test")).list()
                .layer(new Srn.Builder().nIn(vocab).nOut(6).activation(Activation.TANH).build())
                .layer(fused ? SequenceSoftmaxOutput.of(6, vocab, steps)
                        : new RnnOutputLayer.Builder(new TokenMeanXent(steps)).activation(Activation.SOFTMAX).nIn(6)
                                .nOut(vocab).dataFormat(RNNFormat.NCW).build())
                .build());
        net.init();
        return net;
    }

    @Test
    void scoreAndGradientsEqualTheUnfusedLayers() {
        int vocab = 9;
        int steps = 5;
        int[][] x = CharRnnModelTest.tokens(1, 3, steps, vocab);
        int[][] y = CharRnnModelTest.tokens(2, 3, steps, vocab);
        MultiLayerNetwork plain = net(false, vocab, steps);
        MultiLayerNetwork fused = net(true, vocab, steps);
        fused.setParams(plain.params().dup());
        INDArray in = CharLmIterator.oneHot(x, vocab);
        plain.setInput(in);
        plain.setLabels(CharLmIterator.oneHot(y, vocab));
        plain.computeGradientAndScore();
        fused.setInput(in);
        fused.setLabels(NetLanguageModel.ids(y));
        fused.computeGradientAndScore();
        assertEquals(plain.score(), fused.score(), 1e-5);
        assertTrue(plain.getFlattenedGradients().equalsWithEps(fused.getFlattenedGradients(), 1e-5));
        // one-hot labels work too, and outputs are the same softmax
        fused.setLabels(CharLmIterator.oneHot(y, vocab));
        fused.computeGradientAndScore();
        assertEquals(plain.score(), fused.score(), 1e-5);
        assertTrue(plain.output(in).equalsWithEps(fused.output(in), 1e-6));
        // the score of a fit is the loss before the update, as DL4J's own
        fused.setLabels(NetLanguageModel.ids(y));
        fused.fit(new DataSet(in, NetLanguageModel.ids(y)));
        assertEquals(plain.score(), fused.score(), 1e-5);
    }
}
