package rnnlab.model;

import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of the project's GRU layer (DL4J has none for networks), as d2l defines it:
 * <pre>
 *   Z_t = sigmoid(X_t W_xz + H_{t-1} W_hz + b_z)          update gate
 *   R_t = sigmoid(X_t W_xr + H_{t-1} W_hr + b_r)          reset gate
 *   C_t = tanh(X_t W_xh + (R_t * H_{t-1}) W_hh + b_h)     candidate state
 *   H_t = Z_t * H_{t-1} + (1 - Z_t) * C_t
 * </pre>
 * Parameters W [nIn, 3n], RW [n, 3n] and b [1, 3n], the column blocks in the order z, r, candidate.
 * Computed by {@link GruImpl} on raw buffers.
 */
public class Gru extends RecurrentConf {

    protected Gru(Builder builder) {
        super(builder);
    }

    /** For JSON deserialisation (ModelSerializer). */
    protected Gru() {
    }

    @Override
    public int gates() {
        return 3;
    }

    @Override
    void initParams(Map<String, INDArray> m) {
        long nIn = getNIn();
        long n = getNOut();
        getWeightInitFn().init(nIn, n, new long[] {nIn, 3 * n}, 'f', m.get(RecurrentParams.WEIGHT_KEY));
        IWeightInit rw = getWeightInitFnRecurrent() != null ? getWeightInitFnRecurrent() : getWeightInitFn();
        rw.init(n, n, new long[] {n, 3 * n}, 'f', m.get(RecurrentParams.RECURRENT_WEIGHT_KEY));
        m.get(RecurrentParams.BIAS_KEY).assign(getBiasInit());
    }

    @Override
    GruImpl createLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new GruImpl(conf, dataType);
    }

    public static class Builder extends BaseRecurrentLayer.Builder<Builder> {
        public Builder() {
            activation(Activation.TANH);
        }

        @Override
        @SuppressWarnings("unchecked")
        public Gru build() {
            return new Gru(this);
        }
    }
}
