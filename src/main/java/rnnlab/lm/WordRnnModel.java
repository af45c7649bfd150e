package rnnlab.lm;

import java.util.Map;
import java.util.SplittableRandom;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Sgd;

import rnnlab.core.RandomStreams;
import rnnlab.model.Embedding;
import rnnlab.model.Layers;
import rnnlab.model.RecurrentParams;
import rnnlab.model.SeededDropout;

/**
 * The Penn Treebank course's {@code three_layer_recurrent_net}: {@code nn.Embedding(vocab, hidden)},
 * {@code nn.RNN(hidden, hidden)} (tanh) or {@code nn.LSTM(hidden, hidden)}, {@code nn.Linear(hidden, vocab)}
 * at every step, mean cross-entropy over all tokens, plain SGD. The embedding and output weights start
 * uniform in +-0.1 as the course sets them; the recurrent layer and the output bias as PyTorch's defaults.
 */
public final class WordRnnModel {
    public enum Cell {
        RNN, LSTM
    }

    private WordRnnModel() {
    }

    public static MultiLayerNetwork build(Cell cell, int vocab, int hidden, double lr, int steps, long seed) {
        return build(Layers.PROJECT, cell, vocab, hidden, lr, steps, seed);
    }

    /** On the project's layers or DL4J's stock ones ({@link Layers}). */
    public static MultiLayerNetwork build(Layers kind, Cell cell, int vocab, int hidden, double lr, int steps, long seed) {
        org.deeplearning4j.nn.conf.layers.Layer rnn = cell == Cell.RNN ? kind.rnn(hidden, hidden) : kind.lstm(hidden, hidden);
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .updater(new Sgd(lr)).weightInit(WeightInit.ZERO).list()
                .layer(Embedding.of(new EmbeddingSequenceLayer.Builder().nIn(vocab).nOut(hidden).hasBias(false)
                        .outputDataFormat(RNNFormat.NCW)))
                .layer(rnn)
                .layer(SequenceSoftmaxOutput.of(hidden, vocab, steps))
                .build());
        net.init();
        init(net, hidden, seed);
        return net;
    }

    /**
     * Zaremba et al.'s PTB model: embedding, {@code layers} stacked LSTMs of {@code hidden}, linear softmax; every
     * parameter uniform in +-{@code initScale}, each LSTM's two biases (b_ih, b_hh) each on its own, from the seed's
     * "init" stream. With {@code dropout} > 0, a {@link SeededDropout} on every
     * non-recurrent connection: the embedding's output, between the layers, before the softmax.
     */
    public static MultiLayerNetwork stacked(int vocab, int hidden, int layers, double dropout, double initScale,
            double lr, int steps, long seed) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .updater(new Sgd(lr)).weightInit(WeightInit.ZERO).list()
                .layer(Embedding.of(new EmbeddingSequenceLayer.Builder().nIn(vocab).nOut(hidden).hasBias(false)
                        .outputDataFormat(RNNFormat.NCW)));
        for (int i = 0; i <= layers; i++) {
            if (dropout > 0) {
                b.layer(new DropoutLayer.Builder(new SeededDropout(dropout, seed, String.valueOf(i))).build());
            }
            if (i < layers) {
                b.layer(Layers.PROJECT.lstm(hidden, hidden));
            }
        }
        MultiLayerNetwork net = new MultiLayerNetwork(b.layer(SequenceSoftmaxOutput.of(hidden, vocab, steps)).build());
        net.init();
        SplittableRandom random = RandomStreams.of(seed, "init");
        for (Layer l : net.getLayers()) {
            boolean recurrent = !(l.conf().getLayer() instanceof EmbeddingSequenceLayer)
                    && !(l instanceof SequenceSoftmaxOutput.Impl);
            for (Map.Entry<String, INDArray> e : l.paramTable().entrySet()) {
                // a stock layer's one bias stands for two: the sum of two draws
                int terms = recurrent && e.getKey().equals(RecurrentParams.BIAS_KEY) && !Layers.hasTwoBiases(l) ? 2 : 1;
                e.getValue().assign(CharRnnModel.uniform(random, e.getValue().shape(), initScale, terms));
            }
        }
        return net;
    }

    /** The course's initialisation, every parameter from one seeded stream. */
    static void init(MultiLayerNetwork net, int hidden, long seed) {
        SplittableRandom random = RandomStreams.of(seed, "init");
        double torch = 1.0 / Math.sqrt(hidden);
        Layer[] layers = net.getLayers();
        for (int i = 0; i < layers.length; i++) {
            for (Map.Entry<String, INDArray> e : layers[i].paramTable().entrySet()) {
                boolean weight = e.getKey().equals("W");
                double bound;
                int terms = 1;
                if (i == 0 || (i == 2 && weight)) {
                    bound = 0.1; // embedding and output weights: uniform_(-0.1, 0.1)
                } else if (i == 2) {
                    bound = torch; // nn.Linear's bias: +-1/sqrt(fan_in)
                } else {
                    bound = torch; // nn.RNN / nn.LSTM: +-1/sqrt(hidden), each bias; a stock layer's one the sum of two
                    terms = e.getKey().equals(RecurrentParams.BIAS_KEY) && !Layers.hasTwoBiases(layers[i]) ? 2 : 1;
                }
                e.getValue().assign(CharRnnModel.uniform(random, e.getValue().shape(), bound, terms));
            }
        }
    }
}
