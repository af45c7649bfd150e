package rnnlab.model;

import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of the project's LSTM layer: the standard LSTM (tanh block input and cell output,
 * sigmoid forget, output and input gates, no peepholes), computed by {@link LstmImpl} on raw buffers.
 * Parameters, their layout, gate order (block input, forget, output, input gate) and initialisation
 * (fan-in n, fan-out nIn + n; forget-gate bias 1) are those of DL4J's {@code LSTM}, so the two are
 * interchangeable: a test checks they compute the same outputs and gradients. With
 * {@link RecurrentConf.Builder#twoBiases two biases} it is PyTorch's {@code nn.LSTM} (b_ih and b_hh; the gate order
 * stays DL4J's), and bh starts at zero. A model may draw every parameter afresh after this (the word models,
 * {@code rnnlab.lm.WordRnnModel}, draw all of them uniformly as the PTB course and Zaremba et al. do, so their
 * forget-gate biases do not start at 1).
 */
public class Lstm extends RecurrentConf {
    private double forgetGateBiasInit = 1.0;

    protected Lstm(Builder builder) {
        super(builder);
        this.forgetGateBiasInit = builder.forgetGateBiasInit;
    }

    /** For JSON deserialisation (ModelSerializer). */
    protected Lstm() {
    }

    public double getForgetGateBiasInit() {
        return forgetGateBiasInit;
    }

    public void setForgetGateBiasInit(double forgetGateBiasInit) {
        this.forgetGateBiasInit = forgetGateBiasInit;
    }

    @Override
    public int gates() {
        return 4;
    }

    @Override
    void initParams(Map<String, INDArray> m) {
        long nIn = getNIn();
        long n = getNOut();
        long fanIn = n;
        long fanOut = nIn + n;
        getWeightInitFn().init(fanIn, fanOut, new long[] {nIn, 4 * n}, 'f', m.get(RecurrentParams.WEIGHT_KEY));
        IWeightInit rw = getWeightInitFnRecurrent() != null ? getWeightInitFnRecurrent() : getWeightInitFn();
        rw.init(fanIn, fanOut, new long[] {n, 4 * n}, 'f', m.get(RecurrentParams.RECURRENT_WEIGHT_KEY));
        initBiases(m, getBiasInit());
        m.get(RecurrentParams.BIAS_KEY).get(interval(0, 0, true), interval(n, 2 * n)).assign(forgetGateBiasInit);
    }

    @Override
    LstmImpl createLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new LstmImpl(conf, dataType);
    }

    public static class Builder extends RecurrentConf.Builder<Builder> {
        private double forgetGateBiasInit = 1.0;

        public Builder() {
            activation(Activation.TANH);
        }

        public Builder forgetGateBiasInit(double init) {
            this.forgetGateBiasInit = init;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Lstm build() {
            return new Lstm(this);
        }
    }
}
