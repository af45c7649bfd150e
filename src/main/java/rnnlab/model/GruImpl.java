package rnnlab.model;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.nio.FloatBuffer;
import java.util.Map;

import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The GRU of {@link Gru}, forward and backward written out. Each step is one sgemm for
 * {@code H_{t-1} [W_hz W_hr]}, a loop for the gates, one sgemm for {@code (R * H_{t-1}) W_hh}, and a loop
 * for the candidate and the new state ({@link RawRecurrentImpl} does the rest).
 */
public class GruImpl extends RawRecurrentImpl<Gru> {
    /** R_t * H_{t-1} for every step, [T, batch, n]. */
    private final Raw.Buf resetHidden = new Raw.Buf();
    private final Raw.Buf dResetHidden = new Raw.Buf();

    public GruImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    void forwardSteps(FloatPointer rw, Map<String, INDArray> state) {
        int n = units;
        int g3 = width;
        int bs = batch;
        long perStep = (long) bs * n;
        resetHidden.ensure(steps * perStep);
        FloatBuffer gb = gates.buf();
        FloatBuffer rhb = resetHidden.buf();
        FloatBuffer hb = hidden.buf();
        FloatBuffer h0b = h0.buf();
        for (int s = 0; s < steps; s++) {
            long gOff = (long) s * bs * g3;
            boolean hasPrev = s > 0 || fwdHasState;
            if (hasPrev) {
                FloatPointer hp = s > 0 ? hidden.at((s - 1) * perStep) : h0.at(0);
                Raw.gemm(false, false, bs, 2 * n, n, 1f, hp, n, rw.position(0), g3, 1f, gates.at(gOff), g3);
            }
            for (int r = 0; r < bs; r++) {
                int gBase = (int) gOff + r * g3;
                int hBase = (s * bs + r) * n;
                for (int j = 0; j < n; j++) {
                    float z = Raw.sigmoid(gb.get(gBase + j));
                    float rr = Raw.sigmoid(gb.get(gBase + n + j));
                    gb.put(gBase + j, z);
                    gb.put(gBase + n + j, rr);
                    float hPrev = s > 0 ? hb.get(hBase - bs * n + j) : h0b.get(r * n + j);
                    rhb.put(hBase + j, rr * hPrev);
                }
            }
            if (hasPrev) {
                Raw.gemm(false, false, bs, n, n, 1f, resetHidden.at(s * perStep), n, rw.position(2L * n), g3, 1f,
                        gates.at(gOff + 2L * n), g3);
            }
            for (int r = 0; r < bs; r++) {
                int gBase = (int) gOff + r * g3;
                int hBase = (s * bs + r) * n;
                for (int j = 0; j < n; j++) {
                    float z = gb.get(gBase + j);
                    float c = Raw.tanh(gb.get(gBase + 2 * n + j));
                    gb.put(gBase + 2 * n + j, c);
                    float hPrev = s > 0 ? hb.get(hBase - bs * n + j) : h0b.get(r * n + j);
                    hb.put(hBase + j, z * hPrev + (1f - z) * c);
                }
            }
        }
    }

    @Override
    void backwardSteps(FloatPointer rw, FloatBuffer eb, int end) {
        int n = units;
        int g3 = width;
        int bs = batch;
        dResetHidden.ensure((long) bs * n);
        FloatBuffer gb = gates.buf();
        FloatBuffer hb = hidden.buf();
        FloatBuffer h0b = h0.buf();
        FloatBuffer dzb = dz.buf();
        FloatBuffer dhb = dhNext.buf();
        FloatBuffer drhb = dResetHidden.buf();
        for (int s = steps - 1; s >= end; s--) {
            long gOff = (long) s * bs * g3;
            for (int r = 0; r < bs; r++) {
                int gBase = (int) gOff + r * g3;
                int hBase = (s * bs + r) * n;
                for (int j = 0; j < n; j++) {
                    float z = gb.get(gBase + j);
                    float c = gb.get(gBase + 2 * n + j);
                    float hPrev = s > 0 ? hb.get(hBase - bs * n + j) : h0b.get(r * n + j);
                    float dh = eb.get(hBase + j) + dhb.get(r * n + j);
                    dzb.put(gBase + j, dh * (hPrev - c) * z * (1f - z));
                    dzb.put(gBase + 2 * n + j, dh * (1f - z) * (1f - c * c));
                    dhb.put(r * n + j, dh * z);
                }
            }
            // dL/d(R * H_{t-1}) = dC W_hh^T
            Raw.gemm(false, true, bs, n, n, 1f, dz.at(gOff + 2L * n), g3, rw.position(2L * n), g3, 0f, dResetHidden.at(0), n);
            for (int r = 0; r < bs; r++) {
                int gBase = (int) gOff + r * g3;
                int hBase = (s * bs + r) * n;
                for (int j = 0; j < n; j++) {
                    float rr = gb.get(gBase + n + j);
                    float hPrev = s > 0 ? hb.get(hBase - bs * n + j) : h0b.get(r * n + j);
                    float drh = drhb.get(r * n + j);
                    dzb.put(gBase + n + j, drh * hPrev * rr * (1f - rr));
                    dhb.put(r * n + j, dhb.get(r * n + j) + drh * rr);
                }
            }
            // dL/dH_{t-1} += [dZ dR] [W_hz W_hr]^T
            Raw.gemm(false, true, bs, n, 2 * n, 1f, dz.at(gOff), g3, rw.position(0), g3, 1f, dhNext.at(0), n);
        }
    }

    /** The candidate's recurrent weights multiply R * H_{t-1}, not H_{t-1}: that block is (R * H)^T dC. */
    @Override
    void adjustGradients(INDArray dzArray, LayerWorkspaceMgr workspaceMgr) {
        long n = units;
        INDArray rh = copy(resetHidden, (long) steps * batch, n, workspaceMgr);
        INDArray rwg = gradientViews.get(RecurrentParams.RECURRENT_WEIGHT_KEY);
        Nd4j.gemm(rh, dzArray.get(all(), interval(2 * n, 3 * n)), rwg.get(all(), interval(2 * n, 3 * n)), true, false,
                1.0, 0.0);
    }
}
