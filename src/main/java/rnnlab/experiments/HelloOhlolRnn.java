package rnnlab.experiments;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import rnnlab.data.CharLmIterator;
import rnnlab.lm.TokenMeanXent;
import rnnlab.model.Layers;
import rnnlab.model.RecurrentConf;
import rnnlab.model.RecurrentParams;
import rnnlab.model.TorchAdam;
import rnnlab.model.TorchRnnCell;
import rnnlab.model.TrainingHooks;
import rnnlab.stats.Seeds;

/** The tutorial's RNN-layer model: one whole-sequence RNN(4 -> 4), mean cross-entropy over the 5 steps. */
public final class HelloOhlolRnn extends HelloOhlol {
    /**
     * The layer network, starting from the function {@code cell} computes: weights transposed, the cell's biases as
     * the layer's (the project's layer has as many as the cell; DL4J's stock one has one, their sum).
     */
    static MultiLayerNetwork network(TorchRnnCell cell, double lr) {
        return network(cell, lr, Layers.PROJECT);
    }

    static MultiLayerNetwork network(TorchRnnCell cell, double lr, Layers layers) {
        org.deeplearning4j.nn.conf.layers.Layer rnn = layers.rnn(4, 4);
        if (rnn instanceof RecurrentConf r) {
            r.setTwoBiases(cell.twoBiases());
        }
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .updater(new TorchAdam(lr)).weightInit(WeightInit.ZERO).list()
                .layer(rnn)
                .layer(new RnnLossLayer.Builder(new TokenMeanXent(X.length)).activation(Activation.SOFTMAX)
                        .dataFormat(RNNFormat.NCW).build())
                .build());
        net.init();
        net.getLayer(0).getParam(RecurrentParams.WEIGHT_KEY).assign(cell.weightIh.transpose());
        net.getLayer(0).getParam(RecurrentParams.RECURRENT_WEIGHT_KEY).assign(cell.weightHh.transpose());
        if (Layers.hasTwoBiases(net.getLayer(0))) {
            net.getLayer(0).getParam(RecurrentParams.BIAS_KEY).assign(cell.biasIh);
            net.getLayer(0).getParam(RecurrentParams.HIDDEN_BIAS_KEY).assign(cell.biasHh);
        } else {
            net.getLayer(0).getParam(RecurrentParams.BIAS_KEY).assign(cell.bias());
        }
        return net;
    }

    @Override
    List<EpochResult> train(Params p, long seed) {
        return train(network(new TorchRnnCell(4, 4, true, p.lr(), seed), p.lr(), p.layers()), p);
    }

    /** From the start a one-bias cell with this seed has (for the test that the two train alike). */
    List<EpochResult> trainOneBias(Params p, long seed) {
        return train(network(new TorchRnnCell(4, 4, false, p.lr(), seed), p.lr()), p);
    }

    private static List<EpochResult> train(MultiLayerNetwork net, Params p) {
        TrainingHooks.attach(net);
        INDArray x = CharLmIterator.oneHot(new int[][] {X}, 4).castTo(DataType.DOUBLE);
        INDArray y = CharLmIterator.oneHot(new int[][] {Y}, 4).castTo(DataType.DOUBLE);
        List<EpochResult> out = new ArrayList<>();
        for (int epoch = 1; epoch <= p.epochs(); epoch++) {
            INDArray output = net.output(x); // [1, 4, 5]
            int[] idx = output.argMax(1).toIntVector();
            net.fit(new DataSet(x, y));
            out.add(new EpochResult(epoch, decode(idx), net.score()));
        }
        return out;
    }

    @Override
    int tutorialFirstEpoch() {
        return 4;
    }

    @Override
    double tutorialFinalLoss() {
        return Printed.at(this, Seeds.ALL).printed();
    }

    @Override
    String modelNote(Params p) {
        return "The model is one whole-sequence tanh RNN layer of 4 (the project's `rnnlab.model.Srn` with PyTorch's two "
                + "biases, as `nn.RNN`) under a loss layer with softmax and the mean cross-entropy over the five steps. "
                + "It starts from the same function and the same parameters as `HelloOhlolRnnCell` with the same seed. "
                + "With one bias (`-Dbiases=one` in the cell version, and DL4J's stock layer) Adam moves the bias half as "
                + "fast: it moves each bias parameter by about lr per step whatever the loss scale, so PyTorch's pair "
                + "moves their sum about twice as far. A one-bias cell trains as a one-bias layer does, the same "
                + "predictions every epoch and five times the loss to a millionth (a test checks it): the summed loss is "
                + "five times the mean, and Adam ignores the scale but for its epsilon."
                + (p.layers() == Layers.DL4J ? " " + p.layers().note(false) + " Here the layer is DL4J's "
                        + "`SimpleRnn`, from the same weights; the whole sequence is one batch from a zero state, so "
                        + "DL4J's state handling changes nothing; its one bias starts as the sum of the cell's two." : "");
    }
}
