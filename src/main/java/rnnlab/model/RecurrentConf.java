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
 * Configuration shared by the project's recurrent layers: parameters W [nIn, g*n], RW [n, g*n] and
 * b [1, g*n] for g gate blocks (1 for the SRN, 4 for the LSTM), laid out by {@link RecurrentParams}.
 * A subclass names its gate count, initialises its parameters and creates its layer.
 */
public abstract class RecurrentConf extends BaseRecurrentLayer {

    protected RecurrentConf(BaseRecurrentLayer.Builder<?> builder) {
        super(builder);
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

    /** {@link #setInputIds}, fluently. */
    public RecurrentConf inputIds(boolean ids) {
        setInputIds(ids);
        return this;
    }

    /** Gate blocks in W, RW and b. */
    public abstract int gates();

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
}
