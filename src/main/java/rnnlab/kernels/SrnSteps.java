package rnnlab.kernels;

import java.nio.FloatBuffer;
import java.util.Arrays;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The simple recurrence {@code H_t = f(Z_t + H_{t-1} U)} (f = tanh or ReLU, {@code Z_t = X_t W + b} given)
 * and its backpropagation, on raw float memory: one OpenBLAS sgemm and one loop per step, the loop on a
 * Java array that C2 vectorises. {@link RawSrnImpl} (the DL4J layer) and {@link rnnlab.lm.ScratchRnn}
 * (the tutorials' from-scratch model) both run their steps here. Memory is time-major {@code [T, batch, n]},
 * C order. An instance keeps its scratch arrays between calls; it is not for concurrent use.
 */
public final class SrnSteps {
    private final boolean tanh;
    private final NativeFloats.Buf dhNext = new NativeFloats.Buf();
    private float[] work;
    private float[] hw;
    private float[] dw;

    public SrnSteps(boolean tanh) {
        this.tanh = tanh;
    }

    /**
     * For t = 0..T-1: {@code Z_t += H_{t-1} U} (with {@code H_{-1} = h0}, none when null), then
     * {@code H_t = f(Z_t)}. {@code z} and {@code h} may be the same memory.
     */
    public void forward(NativeFloats.Buf z, NativeFloats.Buf h, NativeFloats.Buf h0, FloatPointer u, int steps, int bs, int n) {
        int perStep = bs * n;
        float[] w = work = NativeFloats.scratch(work, perStep);
        for (int s = 0; s < steps; s++) {
            long off = (long) s * perStep;
            if (s > 0) {
                Gemm.sgemm(false, false, bs, n, n, 1f, h.view(off - perStep), n, u, n, 1f, z.view(off), n);
            } else if (h0 != null) {
                Gemm.sgemm(false, false, bs, n, n, 1f, h0.view(0), n, u, n, 1f, z.view(0), n);
            }
            NativeFloats.get(z, off, w, perStep);
            if (tanh) {
                NativeFloats.tanh(w, 0, perStep);
            } else {
                for (int i = 0; i < perStep; i++) {
                    w[i] = Math.max(w[i], 0f);
                }
            }
            NativeFloats.put(w, perStep, h, off);
        }
    }

    /**
     * Backpropagation through steps {@code end..T-1}: {@code dZ_t = (dL/dH_t + dZ_{t+1} U^T) * f'(Z_t)}, f' from
     * {@code H_t}, into {@code dz} (the steps below {@code end} are left alone). {@code eps} holds dL/dH and
     * may be {@code dz}'s own memory; {@code uT} is U transposed (see {@link RawRecurrentImpl#backwardSteps}).
     */
    public void backward(FloatBuffer eps, NativeFloats.Buf h, NativeFloats.Buf dz, FloatPointer uT, int steps, int end, int bs, int n) {
        int perStep = bs * n;
        float[] e = work = NativeFloats.scratch(work, perStep);
        float[] hv = hw = NativeFloats.scratch(hw, perStep);
        float[] d = dw = NativeFloats.scratch(dw, perStep);
        dhNext.ensure(perStep);
        Arrays.fill(d, 0, perStep, 0f);
        for (int s = steps - 1; s >= end; s--) {
            int off = s * perStep;
            eps.get(off, e, 0, perStep);
            NativeFloats.get(h, off, hv, perStep);
            if (tanh) {
                for (int i = 0; i < perStep; i++) {
                    e[i] = (e[i] + d[i]) * (1f - hv[i] * hv[i]);
                }
            } else {
                for (int i = 0; i < perStep; i++) {
                    e[i] = hv[i] > 0f ? e[i] + d[i] : 0f;
                }
            }
            NativeFloats.put(e, perStep, dz, off);
            if (s > end) {
                Gemm.sgemm(false, false, bs, n, n, 1f, dz.view(off), n, uT, n, 0f, dhNext.view(0), n);
                NativeFloats.get(dhNext, 0, d, perStep);
            }
        }
    }

    /**
     * {@link #forward} in place on a dense FLOAT {@code z} [T*batch, n] that holds {@code X W + b} and
     * becomes H; {@code h0} [batch, n] or null, {@code u} [n, n].
     */
    public void forwardInPlace(INDArray z, INDArray h0, INDArray u, int steps, int batch) {
        NativeFloats.Buf zb = NativeFloats.Buf.wrap(check(z));
        forward(zb, zb, h0 == null ? null : NativeFloats.Buf.wrap(NativeFloats.dense(h0)), NativeFloats.pointer(NativeFloats.dense(u)),
                steps, batch, (int) u.size(0));
    }

    /**
     * {@link #backward} over all steps in place on a dense FLOAT {@code d} [T*batch, n] that holds dL/dH and
     * becomes dL/dZ, from the forward pass's {@code h} [T*batch, n].
     */
    public void backwardInPlace(INDArray d, INDArray h, INDArray u, int steps, int batch) {
        NativeFloats.Buf db = NativeFloats.Buf.wrap(check(d));
        backward(db.buf(), NativeFloats.Buf.wrap(NativeFloats.dense(h)), db, NativeFloats.pointer(u.transpose().dup('c')), steps, 0, batch,
                (int) u.size(0));
    }

    private static INDArray check(INDArray a) {
        if (NativeFloats.dense(a) != a || a.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("SrnSteps works in place on dense C-order FLOAT arrays, got "
                    + a.shapeInfoToString());
        }
        return a;
    }
}
