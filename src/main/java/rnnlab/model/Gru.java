package rnnlab.model;

import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of the project's GRU layer (DL4J has none for networks), in one of two forms. d2l's (the default,
 * as d2l's from-scratch GRU):
 * <pre>
 *   Z_t = sigmoid(X_t W_xz + H_{t-1} W_hz + b_z)          update gate
 *   R_t = sigmoid(X_t W_xr + H_{t-1} W_hr + b_r)          reset gate
 *   C_t = tanh(X_t W_xh + (R_t * H_{t-1}) W_hh + b_h)     candidate state
 *   H_t = Z_t * H_{t-1} + (1 - Z_t) * C_t
 * </pre>
 * or PyTorch's {@code nn.GRU} ({@link Builder#torchForm}), whose reset gate multiplies the recurrent product and its
 * bias: {@code C_t = tanh(X_t W_xh + b_h + R_t * (H_{t-1} W_hh + bh_h))}. Parameters W [nIn, 3n], RW [n, 3n], b
 * [1, 3n] (and bh [1, 3n] with {@link RecurrentConf.Builder#twoBiases two biases}, PyTorch's b_hh), the column blocks
 * in the order z, r, candidate (PyTorch's are r, z, n). Computed by {@link GruImpl} on raw buffers.
 */
public class Gru extends RecurrentConf {
    /** False in a configuration saved before the form existed: d2l's, which those models computed. */
    private boolean torchForm;

    protected Gru(Builder builder) {
        super(builder);
        this.torchForm = builder.torchForm;
    }

    /** For JSON deserialisation (ModelSerializer). */
    protected Gru() {
    }

    /** Whether the reset gate applies after the recurrent product, as PyTorch's {@code nn.GRU} (else d2l's form). */
    public boolean isTorchForm() {
        return torchForm;
    }

    public void setTorchForm(boolean torchForm) {
        this.torchForm = torchForm;
    }

    /** PyTorch's candidate keeps bh's candidate block inside R * (...), so only the gates' blocks fold into b. */
    @Override
    public long foldedHiddenBias() {
        return torchForm ? 2 * getNOut() : super.foldedHiddenBias();
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
        initBiases(m, getBiasInit());
    }

    @Override
    GruImpl createLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new GruImpl(conf, dataType);
    }

    public static class Builder extends RecurrentConf.Builder<Builder> {
        private boolean torchForm;

        public Builder() {
            activation(Activation.TANH);
        }

        /** PyTorch's {@code nn.GRU} form (reset gate after the recurrent product) in place of d2l's. */
        public Builder torchForm(boolean torch) {
            this.torchForm = torch;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Gru build() {
            return new Gru(this);
        }
    }
}
