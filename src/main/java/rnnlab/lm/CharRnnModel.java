package rnnlab.lm;

import java.util.Map;
import java.util.SplittableRandom;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;

import rnnlab.core.RandomStreams;
import rnnlab.model.Gru;
import rnnlab.model.Layers;
import rnnlab.model.RecurrentConf;
import rnnlab.model.RecurrentParams;
import rnnlab.model.TorchAdam;

/**
 * d2l-zh's {@code RNNModel} in DL4J: one-hot input (fed as token ids, which the first layer looks up:
 * the same numbers as the one-hot matrix product, see {@link RecurrentConf#isInputIds}), a recurrent layer ({@code nn.RNN}, {@code nn.GRU} or
 * {@code nn.LSTM}, optionally several deep or bidirectional), and a dense output over every step, with
 * the cross-entropy averaged over all tokens ({@link TokenMeanXent}; {@link SequenceSoftmaxOutput}, which
 * takes the targets as token ids and does the output layer's work once) and Adam ({@link TorchAdam}, PyTorch's formula). Every parameter starts as
 * PyTorch's defaults draw it (see {@link #torchInit}), from one seeded stream.
 */
public final class CharRnnModel {
    public enum Cell {
        RNN, GRU, LSTM
    }

    private CharRnnModel() {
    }

    public static MultiLayerNetwork build(Cell cell, int vocab, int hidden, int layers, boolean bidirectional,
            double lr, int steps, long seed) {
        return build(cell, vocab, hidden, layers, bidirectional, lr, steps, seed, true);
    }

    /** With {@code idsInput} false the first layer takes one-hot vectors, as the tutorial feeds it (for tests). */
    static MultiLayerNetwork build(Cell cell, int vocab, int hidden, int layers, boolean bidirectional, double lr,
            int steps, long seed, boolean idsInput) {
        return build(cell, vocab, hidden, layers, bidirectional, new TorchAdam(lr), steps, seed, idsInput);
    }

    /** With another optimiser (the benchmark's plain SGD). */
    public static MultiLayerNetwork build(Cell cell, int vocab, int hidden, int layers, boolean bidirectional,
            IUpdater updater, int steps, long seed, boolean idsInput) {
        return build(Layers.PROJECT, cell, vocab, hidden, layers, bidirectional, updater, steps, seed, idsInput);
    }

    /** On the project's layers or DL4J's stock ones ({@link Layers}; the stock layers take one-hot input). */
    public static MultiLayerNetwork build(Layers kind, Cell cell, int vocab, int hidden, int layers, boolean bidirectional,
            IUpdater updater, int steps, long seed, boolean idsInput) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .updater(updater).weightInit(WeightInit.ZERO).list();
        int width = bidirectional ? 2 * hidden : hidden;
        for (int i = 0; i < layers; i++) {
            org.deeplearning4j.nn.conf.layers.Layer layer = recurrent(kind, cell, i == 0 ? vocab : width, hidden);
            if (layer instanceof RecurrentConf r) {
                r.setInputIds(idsInput && i == 0);
            }
            list.layer(bidirectional ? new Bidirectional(Bidirectional.Mode.CONCAT, layer) : layer);
        }
        // its data format is stated as NCW, which DL4J would leave unset after a Bidirectional layer
        list.layer(SequenceSoftmaxOutput.of(width, vocab, steps));
        MultiLayerConfiguration conf = list.build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        torchInit(net, seed);
        return net;
    }

    private static org.deeplearning4j.nn.conf.layers.Layer recurrent(Layers kind, Cell cell, int nIn, int hidden) {
        return switch (cell) {
            case RNN -> kind.rnn(nIn, hidden);
            case GRU -> {
                if (kind == Layers.DL4J) {
                    throw new IllegalArgumentException("DL4J has no GRU layer for networks");
                }
                yield new Gru.Builder().torchForm(true).twoBiases(true).nIn(nIn).nOut(hidden).build(); // nn.GRU
            }
            case LSTM -> kind.lstm(nIn, hidden);
        };
    }

    /**
     * PyTorch's default initialisation: a recurrent layer's weights and each of its two biases ({@code b_ih},
     * {@code b_hh}) uniform in +-1/sqrt(hidden), a stock DL4J layer's one bias the sum of two such draws;
     * {@code nn.Linear}'s weight and bias uniform in +-1/sqrt(fan_in). The LSTM's forget-gate bias
     * is drawn like the rest (DL4J would start it at 1).
     */
    public static void torchInit(MultiLayerNetwork net, long seed) {
        SplittableRandom random = RandomStreams.of(seed, "init");
        for (Layer layer : net.getLayers()) {
            org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
            boolean recurrent = conf instanceof Bidirectional || conf instanceof BaseRecurrentLayer;
            long fan;
            if (conf instanceof Bidirectional b) {
                fan = ((FeedForwardLayer) b.getFwd()).getNOut();
            } else if (recurrent) {
                fan = ((FeedForwardLayer) conf).getNOut();
            } else {
                fan = ((FeedForwardLayer) conf).getNIn();
            }
            double bound = 1.0 / Math.sqrt(fan);
            boolean summed = recurrent && !Layers.hasTwoBiases(layer);
            for (Map.Entry<String, INDArray> e : layer.paramTable().entrySet()) {
                boolean twoInOne = summed && e.getKey().endsWith(RecurrentParams.BIAS_KEY);
                e.getValue().assign(uniform(random, e.getValue().shape(), bound, twoInOne ? 2 : 1));
            }
        }
    }

    static INDArray uniform(SplittableRandom random, long[] shape, double bound, int terms) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            double sum = 0;
            for (int k = 0; k < terms; k++) {
                sum += (random.nextDouble() * 2 - 1) * bound;
            }
            v[i] = (float) sum;
        }
        return Nd4j.create(v, shape, 'c');
    }
}
