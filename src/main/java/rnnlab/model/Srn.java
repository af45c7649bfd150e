package rnnlab.model;

import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of the hand-written simple recurrent network (SRN) layer,
 * {@code H_t = f(X_t W + H_{t-1} U + b)} with f = tanh (or ReLU), as the DigitSum tutorial writes it.
 * The computation, forward and backward, is the project's own: {@link RawSrnImpl} on raw buffers for
 * FLOAT networks, {@link SrnImpl} in ND4J ops for any other type (the gradient checks run it in DOUBLE).
 * DL4J's {@code SimpleRnn} computes the same function, and tests check that the three agree. Optionally the bias takes a random
 * initialisation ({@link Builder#biasWeightInit}), as the tutorial's xavier-initialised {@code b}.
 * U is stored under DL4J's key "RW". With {@link RecurrentConf.Builder#twoBiases two biases} it is PyTorch's
 * {@code nn.RNN}, {@code tanh(X W + b + H U + bh)}.
 */
public class Srn extends RecurrentConf {
    private IWeightInit biasWeightInit;

    protected Srn(Builder builder) {
        super(builder);
        this.biasWeightInit = builder.biasWeightInit;
    }

    /** For JSON deserialisation (ModelSerializer). */
    protected Srn() {
    }

    public IWeightInit getBiasWeightInit() {
        return biasWeightInit;
    }

    public void setBiasWeightInit(IWeightInit biasWeightInit) {
        this.biasWeightInit = biasWeightInit;
    }

    @Override
    public int gates() {
        return 1;
    }

    @Override
    void initParams(Map<String, INDArray> m) {
        long nIn = getNIn();
        long n = getNOut();
        getWeightInitFn().init(nIn, n, new long[] {nIn, n}, 'f', m.get(RecurrentParams.WEIGHT_KEY));
        IWeightInit rw = getWeightInitFnRecurrent() != null ? getWeightInitFnRecurrent() : getWeightInitFn();
        rw.init(n, n, new long[] {n, n}, 'f', m.get(RecurrentParams.RECURRENT_WEIGHT_KEY));
        if (biasWeightInit != null) {
            biasWeightInit.init(1, n, new long[] {1, n}, 'f', m.get(RecurrentParams.BIAS_KEY));
            if (isTwoBiases()) {
                biasWeightInit.init(1, n, new long[] {1, n}, 'f', m.get(RecurrentParams.HIDDEN_BIAS_KEY));
            }
        } else {
            initBiases(m, getBiasInit());
        }
    }

    @Override
    RecurrentImpl<Srn> createLayer(NeuralNetConfiguration conf, DataType dataType) {
        IActivation a = getActivationFn();
        if (!(a instanceof ActivationTanH) && !(a instanceof ActivationReLU)) {
            throw new IllegalStateException("Srn supports tanh or relu activations, got " + a);
        }
        return dataType == DataType.FLOAT ? new RawSrnImpl(conf, dataType) : new SrnImpl(conf, dataType);
    }

    public static class Builder extends RecurrentConf.Builder<Builder> {
        private IWeightInit biasWeightInit;

        public Builder() {
            activation(Activation.TANH);
        }

        /** Random bias initialisation (fan-in 1, fan-out nOut), in place of the constant biasInit. */
        public Builder biasWeightInit(IWeightInit init) {
            this.biasWeightInit = init;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Srn build() {
            return new Srn(this);
        }
    }
}
