package rnnlab.model;

import rnnlab.kernels.Gemm;
import rnnlab.kernels.NativeFloats;
import rnnlab.kernels.NdArrayCopies;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;

import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The GRU of {@link Gru}, forward and backward written out. d2l's form: each step is one sgemm for
 * {@code H_{t-1} [W_hz W_hr]}, a loop for the gates, one sgemm for {@code (R * H_{t-1}) W_hh}, and a loop
 * for the candidate and the new state. PyTorch's: one sgemm for the gates' part and one for the candidate's
 * {@code H_{t-1} W_hh}, kept with its bias for backpropagation, then one loop; backward, one loop and one sgemm
 * a step. {@link RawRecurrentImpl} does the rest.
 */
public class GruImpl extends RawRecurrentImpl<Gru> {
    /** d2l's form: R_t * H_{t-1} for every step, [T, batch, n]. */
    private final NativeFloats.Buf resetHidden = new NativeFloats.Buf();
    private final NativeFloats.Buf dResetHidden = new NativeFloats.Buf();
    /** PyTorch's form: H_{t-1} W_hh + bh_h for every step, [T, batch, n]. */
    private final NativeFloats.Buf candidateHidden = new NativeFloats.Buf();
    /** PyTorch's form: dL/d(H_{t-1} RW + bh), [T, batch, 3n]: dz's gate blocks, and the candidate's R * dC. */
    private final NativeFloats.Buf dzHidden = new NativeFloats.Buf();

    public GruImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Per-step scratch arrays: the element-wise loops run on Java arrays, which C2 vectorises. */
    private float[] gw;
    private float[] hw;
    private float[] pw;
    private float[] rhw;
    private float[] ew;

    private boolean torch() {
        return layerConf().isTorchForm();
    }

    @Override
    NativeFloats.Buf dzRecurrent() {
        return torch() ? dzHidden : dz;
    }

    @Override
    void forwardSteps(FloatPointer rw, Map<String, INDArray> state) {
        if (torch()) {
            forwardTorch(rw);
            return;
        }
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
        if (torch()) {
            backwardTorch(rwT, eb, end);
            return;
        }
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

    /** bh's candidate block (zeros without bh), which PyTorch's form adds inside R * (...). */
    private float[] candidateBias() {
        float[] bias = new float[units];
        if (hiddenBias != null) {
            INDArray block = hiddenBias.get(all(), interval(2L * units, 3L * units));
            System.arraycopy(NdArrayCopies.floats(block), 0, bias, 0, units);
        }
        return bias;
    }

    /** PyTorch's form: C_t = tanh(X W_c + b_c + R * (H_{t-1} W_hc + bh_c)). */
    private void forwardTorch(FloatPointer rw) {
        int n = units;
        int g3 = width;
        int bs = batch;
        int perStep = bs * n;
        int block = bs * g3;
        candidateHidden.ensure((long) steps * perStep);
        float[] bias = candidateBias();
        float[] g = gw = NativeFloats.scratch(gw, block);
        float[] h = hw = NativeFloats.scratch(hw, perStep);
        float[] hp = pw = NativeFloats.scratch(pw, perStep);
        float[] hn = rhw = NativeFloats.scratch(rhw, perStep);
        NativeFloats.get(h0, 0, hp, perStep);
        for (int s = 0; s < steps; s++) {
            long gOff = (long) s * block;
            long off = (long) s * perStep;
            if (s > 0 || fwdHasState) {
                FloatPointer prev = s > 0 ? hidden.at(off - perStep) : h0.at(0);
                Gemm.sgemm(false, false, bs, 2 * n, n, 1f, prev, n, rw.position(0), rwLd, 1f, gates.at(gOff), g3);
                Gemm.sgemm(false, false, bs, n, n, 1f, prev, n, rw.position(2L * n), rwLd, 0f, candidateHidden.at(off), n);
                NativeFloats.get(candidateHidden, off, hn, perStep);
            } else {
                Arrays.fill(hn, 0, perStep, 0f);
            }
            NativeFloats.get(gates, gOff, g, block);
            for (int r = 0; r < bs; r++) {
                int gb = r * g3;
                int hb = r * n;
                NativeFloats.sigmoid(g, gb, 2 * n); // Z and R side by side
                for (int j = 0; j < n; j++) {
                    hn[hb + j] += bias[j];
                    g[gb + 2 * n + j] += g[gb + n + j] * hn[hb + j];
                }
                NativeFloats.tanh(g, gb + 2 * n, n);
                for (int j = 0; j < n; j++) {
                    float z = g[gb + j];
                    h[hb + j] = z * hp[hb + j] + (1f - z) * g[gb + 2 * n + j];
                }
            }
            NativeFloats.put(g, block, gates, gOff);
            NativeFloats.put(hn, perStep, candidateHidden, off);
            NativeFloats.put(h, perStep, hidden, off);
            float[] t = hp;
            hp = h;
            h = t;
        }
    }

    /**
     * PyTorch's form backward: dZ, dC as in d2l's; dR = dC * (H W_hc + bh_c) * R (1 - R); the recurrent part of the
     * candidate gets R * dC, so dL/dH_{t-1} = dH_t Z + [dZ dR R*dC] RW^T, one sgemm.
     */
    private void backwardTorch(FloatPointer rwT, FloatBuffer eb, int end) {
        int n = units;
        int g3 = width;
        int bs = batch;
        int perStep = bs * n;
        int block = bs * g3;
        dzHidden.ensure((long) steps * block);
        dzHidden.zero((long) steps * block);
        float[] g = gw = NativeFloats.scratch(gw, block);
        float[] d = NativeFloats.scratch(null, block);
        float[] dr = NativeFloats.scratch(null, block);
        float[] hp = pw = NativeFloats.scratch(pw, perStep);
        float[] dh = hw = NativeFloats.scratch(hw, perStep);
        float[] hn = rhw = NativeFloats.scratch(rhw, perStep);
        float[] e = ew = NativeFloats.scratch(ew, perStep);
        for (int s = steps - 1; s >= end; s--) {
            long gOff = (long) s * block;
            long off = (long) s * perStep;
            NativeFloats.get(gates, gOff, g, block);
            NativeFloats.get(candidateHidden, off, hn, perStep);
            if (s > 0) {
                NativeFloats.get(hidden, off - perStep, hp, perStep);
            } else {
                NativeFloats.get(h0, 0, hp, perStep);
            }
            eb.get((int) off, e, 0, perStep);
            NativeFloats.get(dhNext, 0, dh, perStep);
            for (int r = 0; r < bs; r++) {
                int gb = r * g3;
                int hb = r * n;
                for (int j = 0; j < n; j++) {
                    float z = g[gb + j];
                    float rr = g[gb + n + j];
                    float c = g[gb + 2 * n + j];
                    float dht = e[hb + j] + dh[hb + j];
                    float dc = dht * (1f - z) * (1f - c * c);
                    float dz0 = dht * (hp[hb + j] - c) * z * (1f - z);
                    float drr = dc * hn[hb + j] * rr * (1f - rr);
                    d[gb + j] = dz0;
                    d[gb + n + j] = drr;
                    d[gb + 2 * n + j] = dc;
                    dr[gb + j] = dz0;
                    dr[gb + n + j] = drr;
                    dr[gb + 2 * n + j] = dc * rr;
                    dh[hb + j] = dht * z;
                }
            }
            NativeFloats.put(d, block, dz, gOff);
            NativeFloats.put(dr, block, dzHidden, gOff);
            NativeFloats.put(dh, perStep, dhNext, 0);
            Gemm.sgemm(false, false, bs, n, g3, 1f, dzHidden.at(gOff), g3, rwT.position(0), n, 1f, dhNext.at(0), n);
        }
    }

    /** The candidate's recurrent weights multiply R * H_{t-1}, not H_{t-1}: that block is (R * H)^T dC. */
    @Override
    void adjustGradients(INDArray dzArray, LayerWorkspaceMgr workspaceMgr) {
        if (torch()) {
            return; // dzRecurrent() already holds what RW and bh multiply
        }
        long n = units;
        INDArray rh = copy(resetHidden, (long) steps * batch, n, workspaceMgr);
        INDArray rwg = gradientViews.get(RecurrentParams.RECURRENT_WEIGHT_KEY);
        Gemm.gemm(rh, dzArray.get(all(), interval(2 * n, 3 * n)), rwg.get(all(), interval(2 * n, 3 * n)), true, false,
                1.0, 0.0);
    }
}
