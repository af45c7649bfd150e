package rnnlab.model;

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
 * ({@link RawRecurrentImpl} does the rest). A DL4J op costs tens of microseconds whatever its size, and
 * the DigitSum SRN's steps are [8, 32]: there the per-op cost was most of the training time.
 * {@link SrnImpl} (ND4J ops, any data type) stays the reference that the gradient checks run on in
 * DOUBLE; a test checks that the two agree.
 */
public class RawSrnImpl extends RawRecurrentImpl<Srn> {
    private final boolean tanh;

    public RawSrnImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        tanh = ((Srn) conf.getLayer()).getActivationFn() instanceof ActivationTanH;
    }

    @Override
    String stateKey() {
        return SrnImpl.STATE_KEY;
    }

    /** Per-step scratch arrays: the element-wise loops run on Java arrays, which C2 vectorises. */
    private float[] work;
    private float[] hw;
    private float[] dw;

    @Override
    void forwardSteps(FloatPointer rw, Map<String, INDArray> state) {
        int n = units;
        int bs = batch;
        int perStep = bs * n;
        float[] z = work = Raw.scratch(work, perStep);
        for (int s = 0; s < steps; s++) {
            long off = (long) s * perStep;
            if (s > 0) {
                Raw.gemm(false, false, bs, n, n, 1f, hidden.at(off - perStep), n, rw, n, 1f, gates.at(off), n);
            } else if (fwdHasState) {
                Raw.gemm(false, false, bs, n, n, 1f, h0.at(0), n, rw, n, 1f, gates.at(0), n);
            }
            Raw.get(gates, off, z, perStep);
            if (tanh) {
                Raw.tanh(z, 0, perStep);
            } else {
                for (int i = 0; i < perStep; i++) {
                    z[i] = Math.max(z[i], 0f);
                }
            }
            Raw.put(z, perStep, hidden, off);
        }
    }

    @Override
    void backwardSteps(FloatPointer rw, FloatBuffer eb, int end) {
        int n = units;
        int bs = batch;
        int perStep = bs * n;
        float[] e = work = Raw.scratch(work, perStep);
        float[] h = hw = Raw.scratch(hw, perStep);
        float[] d = dw = Raw.scratch(dw, perStep);
        for (int s = steps - 1; s >= end; s--) {
            int off = s * perStep;
            eb.get(off, e, 0, perStep);
            Raw.get(hidden, off, h, perStep);
            Raw.get(dhNext, 0, d, perStep);
            // dZ_t = (dL/dH_t + dZ_{t+1} U^T) * f'(Z_t), f' from H_t
            if (tanh) {
                for (int i = 0; i < perStep; i++) {
                    e[i] = (e[i] + d[i]) * (1f - h[i] * h[i]);
                }
            } else {
                for (int i = 0; i < perStep; i++) {
                    e[i] = h[i] > 0f ? e[i] + d[i] : 0f;
                }
            }
            Raw.put(e, perStep, dz, off);
            if (s > end) {
                Raw.gemm(false, true, bs, n, n, 1f, dz.at(off), n, rw, n, 0f, dhNext.at(0), n);
            }
        }
    }
}
