package rnnlab.model;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;

import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import rnnlab.kernels.Gemm;
import rnnlab.kernels.NativeFloats;

/**
 * The LSTM, forward and backward written out:
 * <pre>
 *   [za zf zo zg] = X_t W + H_{t-1} RW + b
 *   a = tanh(za), f = sigmoid(zf), o = sigmoid(zo), g = sigmoid(zg)
 *   C_t = f * C_{t-1} + g * a,   H_t = o * tanh(C_t)
 * </pre>
 * Each step is one sgemm for {@code H_{t-1} RW} (the weights' rows padded, {@link NativeFloats#paddedLd}) and one loop for the gates and the cell
 * ({@link RawRecurrentImpl} does the rest). A carried state seeds H and C.
 */
public class LstmImpl extends RawRecurrentImpl<Lstm> {
    public static final String STATE_C = "c";

    private final NativeFloats.Buf cells = new NativeFloats.Buf();
    private final NativeFloats.Buf c0 = new NativeFloats.Buf();

    public LstmImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    void storeLast(Map<String, INDArray> into) {
        super.storeLast(into);
        into.put(STATE_C, detached(cells, (long) (steps - 1) * batch * units));
    }

    /** tanh(C_t) for every step, kept for backpropagation. */
    private final NativeFloats.Buf cellTanh = new NativeFloats.Buf();

    /** Per-step scratch arrays: the element-wise loops run on Java arrays, which C2 vectorises. */
    private float[] gw;
    private float[] cw;
    private float[] pw;
    private float[] tw;
    private float[] hw;
    private float[] ew;

    @Override
    void forwardSteps(FloatPointer rw, Map<String, INDArray> state) {
        int n = units;
        int g4 = width;
        int bs = batch;
        int perStep = bs * n;
        int block = bs * g4;
        cells.ensure((long) steps * perStep);
        cellTanh.ensure((long) steps * perStep);
        load(state == null ? null : state.get(STATE_C), c0, perStep);
        float[] g = gw = NativeFloats.scratch(gw, block);
        float[] c = cw = NativeFloats.scratch(cw, perStep);
        float[] cp = pw = NativeFloats.scratch(pw, perStep);
        float[] tc = tw = NativeFloats.scratch(tw, perStep);
        float[] h = hw = NativeFloats.scratch(hw, perStep);
        NativeFloats.get(c0, 0, cp, perStep);
        for (int s = 0; s < steps; s++) {
            long gOff = (long) s * block;
            long off = (long) s * perStep;
            if (s > 0) {
                Gemm.sgemm(false, false, bs, g4, n, 1f, hidden.at(off - perStep), n, rw, rwLd, 1f, gates.at(gOff), g4);
            } else if (fwdHasState) {
                Gemm.sgemm(false, false, bs, g4, n, 1f, h0.at(0), n, rw, rwLd, 1f, gates.at(0), g4);
            }
            NativeFloats.get(gates, gOff, g, block);
            for (int r = 0; r < bs; r++) {
                int gb = r * g4;
                int hb = r * n;
                NativeFloats.tanh(g, gb, n);
                NativeFloats.sigmoid(g, gb + n, 3 * n); // forget, output and input gates side by side
                // three loops, each of which C2 vectorises; as one loop it did not (8.5 ns an element against 2)
                for (int j = 0; j < n; j++) {
                    c[hb + j] = g[gb + n + j] * cp[hb + j] + g[gb + 3 * n + j] * g[gb + j];
                }
                System.arraycopy(c, hb, tc, hb, n);
                NativeFloats.tanh(tc, hb, n);
                for (int j = 0; j < n; j++) {
                    h[hb + j] = g[gb + 2 * n + j] * tc[hb + j];
                }
            }
            NativeFloats.put(g, block, gates, gOff);
            NativeFloats.put(c, perStep, cells, off);
            NativeFloats.put(tc, perStep, cellTanh, off);
            NativeFloats.put(h, perStep, hidden, off);
            float[] t = cp;
            cp = c;
            c = t;
        }
    }

    @Override
    void backwardSteps(FloatPointer rwT, FloatBuffer eb, int end) {
        int n = units;
        int g4 = width;
        int bs = batch;
        int perStep = bs * n;
        int block = bs * g4;
        float[] g = gw = NativeFloats.scratch(gw, block);
        float[] d = NativeFloats.scratch(null, block);
        float[] cp = pw = NativeFloats.scratch(pw, perStep);
        float[] tc = tw = NativeFloats.scratch(tw, perStep);
        float[] dh = hw = NativeFloats.scratch(hw, perStep);
        float[] e = ew = NativeFloats.scratch(ew, perStep);
        float[] dc = cw = NativeFloats.scratch(cw, perStep);
        Arrays.fill(dc, 0, perStep, 0f);
        for (int s = steps - 1; s >= end; s--) {
            long gOff = (long) s * block;
            int off = s * perStep;
            NativeFloats.get(gates, gOff, g, block);
            NativeFloats.get(cellTanh, off, tc, perStep);
            if (s > 0) {
                NativeFloats.get(cells, off - perStep, cp, perStep);
            } else {
                NativeFloats.get(c0, 0, cp, perStep);
            }
            eb.get(off, e, 0, perStep);
            NativeFloats.get(dhNext, 0, dh, perStep);
            for (int r = 0; r < bs; r++) {
                int gb = r * g4;
                int hb = r * n;
                for (int j = 0; j < n; j++) {
                    float a = g[gb + j];
                    float f = g[gb + n + j];
                    float o = g[gb + 2 * n + j];
                    float gi = g[gb + 3 * n + j];
                    float t = tc[hb + j];
                    float dht = e[hb + j] + dh[hb + j];
                    float dct = dht * o * (1f - t * t) + dc[hb + j];
                    d[gb + j] = dct * gi * (1f - a * a);
                    d[gb + n + j] = dct * cp[hb + j] * f * (1f - f);
                    d[gb + 2 * n + j] = dht * t * o * (1f - o);
                    d[gb + 3 * n + j] = dct * a * gi * (1f - gi);
                    dc[hb + j] = dct * f;
                }
            }
            NativeFloats.put(d, block, dz, gOff);
            if (s > end) {
                // dL/dH_{s-1} from the recurrence: dZ_s RW^T
                Gemm.sgemm(false, false, bs, n, g4, 1f, dz.at(gOff), g4, rwT, n, 0f, dhNext.at(0), n);
            }
        }
    }
}
