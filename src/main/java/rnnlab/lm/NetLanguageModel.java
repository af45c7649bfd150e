package rnnlab.lm;

import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import rnnlab.data.CharLmIterator;
import rnnlab.model.RecurrentStates;
import rnnlab.train.GradientClipping;

/**
 * A DL4J network (one-hot input, output over every step) as a {@link LanguageModel}: the recurrent layers
 * carry their state from batch to batch ({@link RecurrentStates}), and an optional
 * {@link GradientClipping} rescales the global gradient before the updater.
 */
public final class NetLanguageModel implements LanguageModel {
    private final MultiLayerNetwork net;
    private final RecurrentStates states;
    private final int vocab;
    private final boolean idLabels;

    public NetLanguageModel(MultiLayerNetwork net, int vocab, GradientClipping clipping) {
        this.net = net;
        this.vocab = vocab;
        this.states = RecurrentStates.carry(net);
        this.idLabels = net.getOutputLayer() instanceof SequenceSoftmaxOutput.Impl;
        if (clipping != null) {
            net.addListeners(clipping);
        }
    }

    public MultiLayerNetwork net() {
        return net;
    }

    @Override
    public int vocab() {
        return vocab;
    }

    @Override
    public double fit(int[][] x, int[][] y) {
        net.fit(new DataSet(ids(x), idLabels ? ids(y) : CharLmIterator.oneHot(y, vocab)));
        return net.score();
    }

    /**
     * The mean cross-entropy per token of {@code x -> y} from the current state, which moves on (no
     * update): the network's own score, without copying the probabilities out.
     */
    public double score(int[][] x, int[][] y) {
        return net.score(new DataSet(ids(x), idLabels ? ids(y) : CharLmIterator.oneHot(y, vocab)), false);
    }

    @Override
    public INDArray probabilities(int[][] x) {
        return net.output(ids(x), false);
    }

    /** Token ids as [rows, 1, steps]: the network's input (its first layer looks them up) and labels for
     * {@link SequenceSoftmaxOutput}. */
    static INDArray ids(int[][] x) {
        int rows = x.length;
        int steps = x[0].length;
        float[] v = new float[rows * steps];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < steps; t++) {
                v[r * steps + t] = x[r][t];
            }
        }
        return Nd4j.create(v, new long[] {rows, 1, steps}, 'c');
    }

    @Override
    public void resetState() {
        states.reset();
    }

    @Override
    public Object saveState() {
        return states.snapshot();
    }

    @Override
    @SuppressWarnings("unchecked")
    public void restoreState(Object s) {
        states.restore((List<Map<String, INDArray>>) s);
    }

    @Override
    public long numParams() {
        return net.numParams();
    }
}
