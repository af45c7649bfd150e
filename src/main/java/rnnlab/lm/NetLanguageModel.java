package rnnlab.lm;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.deeplearning4j.nn.api.layers.RecurrentLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import rnnlab.data.CharLmIterator;
import rnnlab.kernels.NdArrayCopies;
import rnnlab.model.GradientClipping;
import rnnlab.model.Layers;
import rnnlab.model.RecurrentConf;
import rnnlab.model.RecurrentStates;
import rnnlab.model.TrainingHooks;

/**
 * A DL4J network (one-hot input, output over every step) as a {@link LanguageModel}: the recurrent layers
 * carry their state from batch to batch ({@link RecurrentStates}), and an optional
 * {@link GradientClipping} rescales the global gradient before the updater.
 *
 * <p>On DL4J's stock recurrent layers ({@code -Dlayers=dl4j}) the state cannot be carried through training:
 * DL4J's {@code fit} clears it at every call, so every training batch starts from zeros. Scoring and
 * generation go through DL4J's own stateful {@code rnnTimeStep}, which does carry it.
 */
public final class NetLanguageModel implements LanguageModel {
    private final MultiLayerNetwork net;
    private final RecurrentStates states;
    private final int vocab;
    private final boolean idLabels;
    /** The first layer looks token ids up (the project's layers, an embedding); else it takes one-hot vectors. */
    private final boolean idInput;

    public NetLanguageModel(MultiLayerNetwork net, int vocab, GradientClipping clipping) {
        this.net = net;
        this.vocab = vocab;
        this.states = Layers.isStock(net) ? null : RecurrentStates.carry(net);
        this.idLabels = net.getOutputLayer() instanceof SequenceSoftmaxOutput.Impl;
        Layer first = net.getLayer(0).conf().getLayer();
        if (first instanceof Bidirectional b) {
            first = b.getFwd();
        }
        this.idInput = first instanceof EmbeddingSequenceLayer
                || first instanceof RecurrentConf r && r.isInputIds();
        if (clipping != null) {
            net.addListeners(clipping);
        }
        TrainingHooks.attach(net);
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
        net.fit(new DataSet(input(x), idLabels ? ids(y) : CharLmIterator.oneHot(y, vocab)));
        return net.score();
    }

    /**
     * The mean cross-entropy per token of {@code x -> y} from the current state, which moves on (no
     * update): the network's own score, without copying the probabilities out.
     */
    public double score(int[][] x, int[][] y) {
        if (states == null) {
            // DL4J's score would start from zeros: score the carried state's probabilities instead
            float[] p = NdArrayCopies.floats(probabilities(x));
            int rows = y.length;
            int steps = y[0].length;
            double nll = 0;
            for (int r = 0; r < rows; r++) {
                for (int t = 0; t < steps; t++) {
                    nll -= Math.log(Math.max(p[(r * vocab + y[r][t]) * steps + t], Float.MIN_NORMAL));
                }
            }
            return nll / ((double) rows * steps);
        }
        return net.score(new DataSet(input(x), idLabels ? ids(y) : CharLmIterator.oneHot(y, vocab)), false);
    }

    @Override
    public INDArray probabilities(int[][] x) {
        return states == null ? net.rnnTimeStep(input(x)) : net.output(input(x), false);
    }

    private INDArray input(int[][] x) {
        return idInput ? ids(x) : CharLmIterator.oneHot(x, vocab);
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
        if (states == null) {
            net.rnnClearPreviousState();
        } else {
            states.reset();
        }
    }

    @Override
    public Object saveState() {
        if (states == null) {
            List<Map<String, INDArray>> out = new ArrayList<>();
            for (int i = 0; i < net.getnLayers(); i++) {
                Map<String, INDArray> m = net.getLayer(i) instanceof RecurrentLayer
                        ? net.rnnGetPreviousState(i) : null;
                out.add(m == null ? null : new HashMap<>(m));
            }
            return out;
        }
        return states.snapshot();
    }

    @Override
    @SuppressWarnings("unchecked")
    public void restoreState(Object s) {
        if (states == null) {
            List<Map<String, INDArray>> saved = (List<Map<String, INDArray>>) s;
            net.rnnClearPreviousState();
            for (int i = 0; i < saved.size(); i++) {
                if (saved.get(i) != null) {
                    net.rnnSetPreviousState(i, saved.get(i));
                }
            }
            return;
        }
        states.restore((List<Map<String, INDArray>>) s);
    }

    @Override
    public void writeTraining(DataOutputStream out) throws IOException {
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, model, true);
        out.writeInt(model.size());
        model.writeTo(out);
        @SuppressWarnings("unchecked")
        List<Map<String, INDArray>> carried = (List<Map<String, INDArray>>) saveState();
        out.writeInt(carried.size());
        for (Map<String, INDArray> layer : carried) {
            out.writeInt(layer == null ? -1 : layer.size());
            if (layer != null) {
                for (Map.Entry<String, INDArray> e : new TreeMap<>(layer).entrySet()) {
                    out.writeUTF(e.getKey());
                    Nd4j.write(e.getValue(), out);
                }
            }
        }
    }

    @Override
    public void readTraining(DataInputStream in) throws IOException {
        byte[] model = new byte[in.readInt()];
        in.readFully(model);
        MultiLayerNetwork saved = ModelSerializer.restoreMultiLayerNetwork(
                new ByteArrayInputStream(model), true);
        net.params().assign(saved.params());
        if (saved.getUpdater() != null && saved.getUpdater().getStateViewArray() != null) {
            net.getUpdater().getStateViewArray().assign(saved.getUpdater().getStateViewArray());
        }
        net.setIterationCount(saved.getIterationCount());
        net.setEpochCount(saved.getEpochCount());
        int layers = in.readInt();
        List<Map<String, INDArray>> carried = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            int n = in.readInt();
            Map<String, INDArray> m = n < 0 ? null : new HashMap<>();
            for (int k = 0; k < n; k++) {
                m.put(in.readUTF(), Nd4j.read(in));
            }
            carried.add(m);
        }
        restoreState(carried);
    }

    @Override
    public long numParams() {
        return net.numParams();
    }
}
