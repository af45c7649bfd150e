package rnnlab.model;

import rnnlab.kernels.Gemm;
import rnnlab.kernels.NativeFloats;
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
    private final NativeFloats.Buf resetHidden = new NativeFloats.Buf();
    private final NativeFloats.Buf dResetHidden = new NativeFloats.Buf();

    public GruImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Per-step scratch arrays: the element-wise loops run on Java arrays, which C2 vectorises. */
    private float[] gw;
    private float[] hw;
    private float[] pw;
    private float[] rhw;
    private float[] ew;

    @Override
    void forwardSteps(FloatPointer rw, Map<String, INDArray> state) {
        int n = units;
        int g3 = width;
        int bs = batch;
        int perStep = bs * n;
        int block = bs * g3;
        resetHidden.ensure((long) steps * perStep);
        float[] g = gw = NativeFloats.scratch(gw, block);
        float[] h = hw = NativeFloats.scratch(hw, perStep);
        float[] hp = pw = NativeFloats.scratch(pw, perStep);
        float[] rh = rhw = NativeFloats.scratch(rhw, perStep);
        NativeFloats.get(h0, 0, hp, perStep);
        for (int s = 0; s < steps; s++) {
            long gOff = (long) s * block;
            boolean hasPrev = s > 0 || fwdHasState;
            if (hasPrev) {
                FloatPointer prev = s > 0 ? hidden.at((long) (s - 1) * perStep) : h0.at(0);
                Gemm.sgemm(false, false, bs, 2 * n, n, 1f, prev, n, rw.position(0), rwLd, 1f, gates.at(gOff), g3);
            }
            NativeFloats.get(gates, gOff, g, block);
            for (int r = 0; r < bs; r++) {
                int gb = r * g3;
                int hb = r * n;
                NativeFloats.sigmoid(g, gb, 2 * n); // Z and R side by side
                for (int j = 0; j < n; j++) {
                    rh[hb + j] = g[gb + n + j] * hp[hb + j];
                }
            }
            NativeFloats.put(g, block, gates, gOff);
            NativeFloats.put(rh, perStep, resetHidden, (long) s * perStep);
            if (hasPrev) {
                Gemm.sgemm(false, false, bs, n, n, 1f, resetHidden.at((long) s * perStep), n, rw.position(2L * n), rwLd, 1f,
                        gates.at(gOff + 2L * n), g3);
                NativeFloats.get(gates, gOff, g, block);
            }
            for (int r = 0; r < bs; r++) {
                int gb = r * g3;
                int hb = r * n;
                NativeFloats.tanh(g, gb + 2 * n, n);
                for (int j = 0; j < n; j++) {
                    float z = g[gb + j];
                    h[hb + j] = z * hp[hb + j] + (1f - z) * g[gb + 2 * n + j];
                }
            }
            NativeFloats.put(g, block, gates, gOff);
            NativeFloats.put(h, perStep, hidden, (long) s * perStep);
            float[] t = hp;
            hp = h;
            h = t;
        }
    }

    @Override
    void backwardSteps(FloatPointer rwT, FloatBuffer eb, int end) {
        int n = units;
        int g3 = width;
        int bs = batch;
        int perStep = bs * n;
        int block = bs * g3;
        dResetHidden.ensure(perStep);
        float[] g = gw = NativeFloats.scratch(gw, block);
        float[] d = NativeFloats.scratch(null, block);
        float[] hp = pw = NativeFloats.scratch(pw, perStep);
        float[] dh = hw = NativeFloats.scratch(hw, perStep);
        float[] drh = rhw = NativeFloats.scratch(rhw, perStep);
        float[] e = ew = NativeFloats.scratch(ew, perStep);
        for (int s = steps - 1; s >= end; s--) {
            long gOff = (long) s * block;
            NativeFloats.get(gates, gOff, g, block);
            if (s > 0) {
                NativeFloats.get(hidden, (long) (s - 1) * perStep, hp, perStep);
            } else {
                NativeFloats.get(h0, 0, hp, perStep);
            }
            eb.get(s * perStep, e, 0, perStep);
            NativeFloats.get(dhNext, 0, dh, perStep);
            for (int r = 0; r < bs; r++) {
                int gb = r * g3;
                int hb = r * n;
                for (int j = 0; j < n; j++) {
                    float z = g[gb + j];
                    float c = g[gb + 2 * n + j];
                    float dht = e[hb + j] + dh[hb + j];
                    d[gb + j] = dht * (hp[hb + j] - c) * z * (1f - z);
                    d[gb + 2 * n + j] = dht * (1f - z) * (1f - c * c);
                    dh[hb + j] = dht * z;
                }
            }
            NativeFloats.put(d, block, dz, gOff);
            // dL/d(R * H_{t-1}) = dC W_hh^T
            Gemm.sgemm(false, false, bs, n, n, 1f, dz.at(gOff + 2L * n), g3, rwT.position(2L * n * n), n, 0f, dResetHidden.at(0), n);
            NativeFloats.get(dResetHidden, 0, drh, perStep);
            for (int r = 0; r < bs; r++) {
                int gb = r * g3;
                int hb = r * n;
                for (int j = 0; j < n; j++) {
                    float rr = g[gb + n + j];
                    d[gb + n + j] = drh[hb + j] * hp[hb + j] * rr * (1f - rr);
                    dh[hb + j] += drh[hb + j] * rr;
                }
            }
            NativeFloats.put(d, block, dz, gOff);
            NativeFloats.put(dh, perStep, dhNext, 0);
            // dL/dH_{t-1} += [dZ dR] [W_hz W_hr]^T
            Gemm.sgemm(false, false, bs, n, 2 * n, 1f, dz.at(gOff), g3, rwT.position(0), n, 1f, dhNext.at(0), n);
        }
    }

    /** The candidate's recurrent weights multiply R * H_{t-1}, not H_{t-1}: that block is (R * H)^T dC. */
    @Override
    void adjustGradients(INDArray dzArray, LayerWorkspaceMgr workspaceMgr) {
        long n = units;
        INDArray rh = copy(resetHidden, (long) steps * batch, n, workspaceMgr);
        INDArray rwg = gradientViews.get(RecurrentParams.RECURRENT_WEIGHT_KEY);
        Gemm.gemm(rh, dzArray.get(all(), interval(2 * n, 3 * n)), rwg.get(all(), interval(2 * n, 3 * n)), true, false,
                1.0, 0.0);
    }
}
