package rnnlab.model;

import java.nio.FloatBuffer;
import java.util.Map;

import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The LSTM, forward and backward written out:
 * <pre>
 *   [za zf zo zg] = X_t W + H_{t-1} RW + b
 *   a = tanh(za), f = sigmoid(zf), o = sigmoid(zo), g = sigmoid(zg)
 *   C_t = f * C_{t-1} + g * a,   H_t = o * tanh(C_t)
 * </pre>
 * Each step is one OpenBLAS sgemm for {@code H_{t-1} RW} and one loop for the gates and the cell
 * ({@link RawRecurrentImpl} does the rest). A carried state seeds H and C.
 */
public class LstmImpl extends RawRecurrentImpl<Lstm> {
    public static final String STATE_C = "c";

    private final Raw.Buf cells = new Raw.Buf();
    private final Raw.Buf c0 = new Raw.Buf();
    private final Raw.Buf dcNext = new Raw.Buf();

    public LstmImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    void storeLast(Map<String, INDArray> into) {
        super.storeLast(into);
        into.put(STATE_C, detached(cells, (long) (steps - 1) * batch * units));
    }

    @Override
    void forwardSteps(FloatPointer rw, Map<String, INDArray> state) {
        int n = units;
        int g4 = width;
        int bs = batch;
        long perStep = (long) bs * n;
        cells.ensure(steps * perStep);
        load(state == null ? null : state.get(STATE_C), c0, perStep);
        FloatBuffer gb = gates.buf();
        FloatBuffer cb = cells.buf();
        FloatBuffer hb = hidden.buf();
        FloatBuffer c0b = c0.buf();
        for (int s = 0; s < steps; s++) {
            if (s > 0) {
                Raw.gemm(false, false, bs, g4, n, 1f, hidden.at((s - 1) * perStep), n, rw, g4, 1f, gates.at(s * bs * (long) g4), g4);
            } else if (fwdHasState) {
                Raw.gemm(false, false, bs, g4, n, 1f, h0.at(0), n, rw, g4, 1f, gates.at(0), g4);
            }
            for (int r = 0; r < bs; r++) {
                int gBase = (s * bs + r) * g4;
                int cBase = (s * bs + r) * n;
                for (int j = 0; j < n; j++) {
                    float a = Raw.tanh(gb.get(gBase + j));
                    float f = Raw.sigmoid(gb.get(gBase + n + j));
                    float o = Raw.sigmoid(gb.get(gBase + 2 * n + j));
                    float gi = Raw.sigmoid(gb.get(gBase + 3 * n + j));
                    gb.put(gBase + j, a);
                    gb.put(gBase + n + j, f);
                    gb.put(gBase + 2 * n + j, o);
                    gb.put(gBase + 3 * n + j, gi);
                    float cPrev = s > 0 ? cb.get(cBase - bs * n + j) : c0b.get(r * n + j);
                    float c = f * cPrev + gi * a;
                    cb.put(cBase + j, c);
                    hb.put(cBase + j, o * Raw.tanh(c));
                }
            }
        }
    }

    @Override
    void backwardSteps(FloatPointer rw, FloatBuffer eb, int end) {
        int n = units;
        int g4 = width;
        int bs = batch;
        dcNext.ensure((long) bs * n);
        dcNext.zero((long) bs * n);
        FloatBuffer gb = gates.buf();
        FloatBuffer cb = cells.buf();
        FloatBuffer c0b = c0.buf();
        FloatBuffer dzb = dz.buf();
        FloatBuffer dhb = dhNext.buf();
        FloatBuffer dcb = dcNext.buf();
        for (int s = steps - 1; s >= end; s--) {
            for (int r = 0; r < bs; r++) {
                int gBase = (s * bs + r) * g4;
                int cBase = (s * bs + r) * n;
                for (int j = 0; j < n; j++) {
                    float a = gb.get(gBase + j);
                    float f = gb.get(gBase + n + j);
                    float o = gb.get(gBase + 2 * n + j);
                    float gi = gb.get(gBase + 3 * n + j);
                    float tc = Raw.tanh(cb.get(cBase + j));
                    float cPrev = s > 0 ? cb.get(cBase - bs * n + j) : c0b.get(r * n + j);
                    float dh = eb.get(cBase + j) + dhb.get(r * n + j);
                    float dc = dh * o * (1f - tc * tc) + dcb.get(r * n + j);
                    dzb.put(gBase + j, dc * gi * (1f - a * a));
                    dzb.put(gBase + n + j, dc * cPrev * f * (1f - f));
                    dzb.put(gBase + 2 * n + j, dh * tc * o * (1f - o));
                    dzb.put(gBase + 3 * n + j, dc * a * gi * (1f - gi));
                    dcb.put(r * n + j, dc * f);
                }
            }
            if (s > end) {
                // dL/dH_{s-1} from the recurrence: dZ_s RW^T
                Raw.gemm(false, true, bs, n, g4, 1f, dz.at((long) s * bs * g4), g4, rw, g4, 0f, dhNext.at(0), n);
            }
        }
    }
}
