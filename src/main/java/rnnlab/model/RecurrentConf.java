package rnnlab.model;

import java.util.Collection;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration shared by the project's recurrent layers: parameters W [nIn, g*n], RW [n, g*n], b [1, g*n] and,
 * with {@link #isTwoBiases two biases}, bh [1, g*n], for g gate blocks (1 for the SRN, 4 for the LSTM, 3 for the
 * GRU), laid out by {@link RecurrentParams}. A subclass names its gate count, initialises its parameters and creates
 * its layer.
 */
public abstract class RecurrentConf extends BaseRecurrentLayer {

    protected RecurrentConf(Builder<?> builder) {
        super(builder);
        this.twoBiases = builder.twoBiases;
    }

    /** For JSON deserialisation (ModelSerializer). */
    protected RecurrentConf() {
    }

    private boolean inputIds;

    /**
     * Whether the input is token ids, {@code [batch, 1, time]}, in place of one-hot vectors of width nIn:
     * {@code X W} is then a lookup of W's rows and its gradient a scatter-add, the same numbers without
     * the one-hot matrix products (an id outside [0, nIn) stands for an all-zero vector). The layer
     * passes no gradient to its input (it must be the first layer).
     */
    public boolean isInputIds() {
        return inputIds;
    }

    public void setInputIds(boolean inputIds) {
        this.inputIds = inputIds;
    }

    /** False in a configuration saved before the layers had a second bias: such a model loads as it was. */
    private boolean twoBiases;

    /**
     * Whether the layer has PyTorch's two biases, b_ih ("b") and b_hh ("bh"), each its own parameter (so Adam moves
     * each, and their sum twice as far as one bias), or one ("b", as DL4J's layers and d2l's from-scratch models).
     * Where both only add to the same pre-activation they compute the function of their sum, and the forward pass
     * adds that sum once; only PyTorch's GRU candidate keeps its b_hn apart ({@link #foldedHiddenBias}).
     */
    public boolean isTwoBiases() {
        return twoBiases;
    }

    public void setTwoBiases(boolean twoBiases) {
        this.twoBiases = twoBiases;
    }

    /** The columns of bh, from the first, that add where b does (all of them but for PyTorch's GRU). */
    public long foldedHiddenBias() {
        return (long) gates() * getNOut();
    }

    /** Gate blocks in W, RW and b. */
    public abstract int gates();

    /** b = {@code value}, and bh (if any) zero, so that their sum is {@code value}. */
    static void initBiases(Map<String, INDArray> m, double value) {
        m.get(RecurrentParams.BIAS_KEY).assign(value);
        INDArray bh = m.get(RecurrentParams.HIDDEN_BIAS_KEY);
        if (bh != null) {
            bh.assign(0.0);
        }
    }

    /** Fills freshly made parameter views (keys of {@link RecurrentParams}). */
    abstract void initParams(Map<String, INDArray> params);

    abstract BaseLayer<?> createLayer(NeuralNetConfiguration conf, DataType dataType);

    @Override
    public Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams, DataType networkDataType) {
        return LayerConfigs.wire(createLayer(conf, networkDataType), this, conf, trainingListeners, layerIndex, layerParamsView,
                initializeParams);
    }

    @Override
    public ParamInitializer initializer() {
        return RecurrentParams.INSTANCE;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return null;
    }

    /** What the project's layers' builders share: the {@link #isTwoBiases} switch. */
    public abstract static class Builder<T extends Builder<T>> extends BaseRecurrentLayer.Builder<T> {
        private boolean twoBiases;

        /** PyTorch's two biases (b_ih as "b", b_hh as "bh") in place of one. */
        @SuppressWarnings("unchecked")
        public T twoBiases(boolean two) {
            this.twoBiases = two;
            return (T) this;
        }
    }
}
