package rnnlab.model;

import rnnlab.kernels.SrnSteps;
import java.nio.FloatBuffer;
import java.util.Map;

import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link SrnImpl}'s computation on raw buffers, for FLOAT networks: each step is one OpenBLAS sgemm for
 * {@code H_{t-1} U} and one loop for the activation, forward, and one loop and one sgemm back
 * ({@link SrnSteps}); {@link RawRecurrentImpl} does the rest. A DL4J op costs tens of microseconds
 * whatever its size, and the DigitSum SRN's steps are [8, 32]: there the per-op cost was most of the
 * training time.
 * {@link SrnImpl} (ND4J ops, any data type) stays the reference that the gradient checks run on in
 * DOUBLE; a test checks that the two agree.
 */
public class RawSrnImpl extends RawRecurrentImpl<Srn> {
    private final SrnSteps kernel;

    public RawSrnImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        kernel = new SrnSteps(((Srn) conf.getLayer()).getActivationFn() instanceof ActivationTanH);
    }

    @Override
    String stateKey() {
        return SrnImpl.STATE_KEY;
    }

    @Override
    int recurrentLd(int width) {
        return width; // SrnSteps takes dense weights
    }

    @Override
    void forwardSteps(FloatPointer rw, Map<String, INDArray> state) {
        kernel.forward(gates, hidden, fwdHasState ? h0 : null, rw, steps, batch, units);
    }

    @Override
    void backwardSteps(FloatPointer rwT, FloatBuffer eb, int end) {
        kernel.backward(eb, hidden, dz, rwT, steps, end, batch, units);
    }
}
