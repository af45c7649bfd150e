package rnnlab.model;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The tutorial's {@code Model_RNN4SeqClass}: an embedding of the digits, a recurrent layer whose last
 * hidden state represents the sequence, and a linear layer to the classes, trained with softmax
 * cross-entropy and Adam ({@link TorchAdam}, PyTorch's formula). Initialisation follows the tutorial: xavier-uniform embedding and SRN
 * weights (the SRN's bias too), and PyTorch's {@code nn.Linear} default, uniform(+-1/sqrt(fan_in)),
 * for the output weights and bias, all drawn reproducibly from {@code seed} ({@link SeededInit}).
 */
public final class SequenceClassifier {
    /** The recurrent layer: the project's SRN, LSTM or GRU, or DL4J's own SimpleRnn or LSTM. */
    public enum Cell {
        SRN, SIMPLE_RNN, LSTM, DL4J_LSTM, GRU
    }

    public static final int OUTPUT_LAYER = 2;

    private SequenceClassifier() {
    }

    public static MultiLayerNetwork build(Cell cell, int vocab, int length, int embedding, int hidden, int classes,
            double lr, long seed) {
        // every parameter draws from its own (seed, purpose) stream (SeededInit, RandomStreams)
        Layer recurrent = switch (cell) {
            case SRN -> new Srn.Builder().nIn(embedding).nOut(hidden).activation(Activation.TANH)
                    .weightInit(SeededInit.xavierUniform(seed, "recurrent")).biasWeightInit(SeededInit.xavierUniform(seed, "recurrent.bias"))
                    .build();
            case SIMPLE_RNN -> new SimpleRnn.Builder().nIn(embedding).nOut(hidden).activation(Activation.TANH)
                    .weightInit(SeededInit.xavierUniform(seed, "recurrent")).build();
            case GRU -> new Gru.Builder().nIn(embedding).nOut(hidden).weightInit(SeededInit.xavierUniform(seed, "recurrent")).build();
            case LSTM -> new Lstm.Builder().nIn(embedding).nOut(hidden).weightInit(SeededInit.xavierUniform(seed, "recurrent")).build();
            case DL4J_LSTM -> new LSTM.Builder().nIn(embedding).nOut(hidden).activation(Activation.TANH)
                    .gateActivationFunction(Activation.SIGMOID).weightInit(SeededInit.xavierUniform(seed, "recurrent")).build();
        };
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new TorchAdam(lr))
                .list()
                .layer(Embedding.of(new EmbeddingSequenceLayer.Builder().nIn(vocab).nOut(embedding).inputLength(length)
                        .hasBias(false).weightInit(SeededInit.uniform(embeddingBound(vocab, embedding), seed, "embedding"))))
                .layer(new LastTimeStep(recurrent))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(hidden).nOut(classes)
                        .activation(Activation.SOFTMAX).weightInit(SeededInit.fanInUniform(seed, "output")).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        // nn.Linear's bias: uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)); DL4J's bias init is a constant
        INDArray bias = net.getLayer(OUTPUT_LAYER).getParam("b");
        SeededInit.fanInUniform(seed, "output.bias").init(hidden, classes, bias.shape(), 'c', bias);
        return net;
    }

    /**
     * The tutorial's {@code xavier_uniform_} on its [vocab, embedding] weight: +-sqrt(6 / (vocab + embedding)).
     * Given explicitly because DL4J M2.1's EmbeddingLayerParamInitializer passes the initialiser a fan-in of 1, which
     * would draw from +-sqrt(6 / (1 + embedding)) (1.27x the variance for 10 digits and 32 dimensions).
     */
    public static double embeddingBound(int vocab, int embedding) {
        return Math.sqrt(6.0 / (vocab + embedding));
    }
}
