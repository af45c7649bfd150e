package rnnlab.model;

import java.nio.FloatBuffer;
import java.util.Map;

import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The LSTM, forward and backward written out:
 * <pre>
 *   [za zf zo zg] = X_t W + H_{t-1} RW + b
 *   a = tanh(za), f = sigmoid(zf), o = sigmoid(zo), g = sigmoid(zg)
 *   C_t = f * C_{t-1} + g * a,   H_t = o * tanh(C_t)
 * </pre>
 * The input projection for all steps is one ND4J matrix product; the per-step recurrence runs on raw
 * buffers ({@link Raw}): one OpenBLAS sgemm for {@code H_{t-1} RW} and one Java loop for the gates and
 * the cell. Backpropagation through time reuses the training forward pass. A state carried in from an
 * earlier batch (truncated BPTT, {@code rnnTimeStep}) seeds H and C and is not differentiated. FLOAT only.
 */
public class LstmImpl extends RecurrentImpl<Lstm> {
    public static final String STATE_H = "h";
    public static final String STATE_C = "c";

    private final Raw.Buf gates = new Raw.Buf();
    private final Raw.Buf cells = new Raw.Buf();
    private final Raw.Buf hidden = new Raw.Buf();
    private final Raw.Buf h0 = new Raw.Buf();
    private final Raw.Buf c0 = new Raw.Buf();
    private final Raw.Buf dz = new Raw.Buf();
    private final Raw.Buf dhNext = new Raw.Buf();
    private final Raw.Buf dcNext = new Raw.Buf();

    /** Shape and origin of the forward pass held in the buffers. */
    private INDArray fwdInput;
    private boolean fwdHasState;
    private int steps;
    private int batch;

    public LstmImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        if (dataType != DataType.FLOAT) {
            throw new IllegalStateException("Lstm computes in FLOAT; the network's data type is " + dataType);
        }
    }

    @Override
    void storeLast(Map<String, INDArray> map) {
        int n = (int) layerConf().getNOut();
        long last = (long) (steps - 1) * batch * n;
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray h = Nd4j.create(DataType.FLOAT, new long[] {batch, n}, 'c');
            INDArray c = Nd4j.create(DataType.FLOAT, new long[] {batch, n}, 'c');
            Raw.copy(hidden.at(last), Raw.pointer(h), (long) batch * n);
            Raw.copy(cells.at(last), Raw.pointer(c), (long) batch * n);
            map.put(STATE_H, h);
            map.put(STATE_C, c);
        }
    }

    @Override
    INDArray forward(Map<String, INDArray> state, boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = timeMajorInput();
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray w = getParamWithNoise(RecurrentParams.WEIGHT_KEY, training, workspaceMgr);
        INDArray rw = getParamWithNoise(RecurrentParams.RECURRENT_WEIGHT_KEY, training, workspaceMgr);
        INDArray b = getParamWithNoise(RecurrentParams.BIAS_KEY, training, workspaceMgr);
        int t = (int) x.size(0);
        int bs = (int) x.size(1);
        int nIn = (int) x.size(2);
        int n = (int) layerConf().getNOut();
        int g4 = 4 * n;
        INDArray hIn = state == null ? null : state.get(STATE_H);
        INDArray cIn = state == null ? null : state.get(STATE_C);
        checkBatch(hIn, bs, "Lstm");
        steps = t;
        batch = bs;

        INDArray x2d = workspaceMgr.dup(ArrayType.FF_WORKING_MEM, x, 'c').reshape('c', (long) t * bs, nIn);
        INDArray zx = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, DataType.FLOAT,
                new long[] {(long) t * bs, g4}, 'c');
        Nd4j.gemm(x2d, w, zx, false, false, 1.0, 0.0);
        zx.addiRowVector(b);
        INDArray rwc = workspaceMgr.dup(ArrayType.FF_WORKING_MEM, rw, 'c');
        FloatPointer rwp = Raw.pointer(rwc);

        long perStep = (long) bs * n;
        gates.ensure((long) t * bs * g4);
        cells.ensure((long) t * perStep);
        hidden.ensure((long) t * perStep);
        Raw.copy(Raw.pointer(zx), gates.at(0), (long) t * bs * g4);
        fwdHasState = hIn != null;
        h0.ensure(perStep);
        c0.ensure(perStep);
        if (fwdHasState) {
            Raw.copy(Raw.pointer(hIn.castTo(DataType.FLOAT).dup('c')), h0.at(0), perStep);
            Raw.copy(Raw.pointer(cIn.castTo(DataType.FLOAT).dup('c')), c0.at(0), perStep);
        } else {
            h0.zero(perStep);
            c0.zero(perStep);
        }
        FloatBuffer gb = gates.buf();
        FloatBuffer cb = cells.buf();
        FloatBuffer hb = hidden.buf();
        FloatBuffer c0b = c0.buf();
        for (int s = 0; s < t; s++) {
            if (s > 0) {
                Raw.gemm(false, false, bs, g4, n, 1f, hidden.at((long) (s - 1) * perStep), n, rwp, g4, 1f,
                        gates.at((long) s * bs * g4), g4);
            } else if (fwdHasState) {
                Raw.gemm(false, false, bs, g4, n, 1f, h0.at(0), n, rwp, g4, 1f, gates.at(0), g4);
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
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, new long[] {t, bs, n}, 'c');
        Raw.copy(hidden.at(0), Raw.pointer(out), (long) t * perStep);
        fwdInput = training ? input : null;
        return fromTimeMajor(out);
    }

    @Override
    public Pair<Gradient, INDArray> tbpttBackpropGradient(INDArray epsilon, int tbpttBackLength,
            LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (fwdInput != input) {
            forward(null, true, workspaceMgr);
        }
        INDArray rw = getParamWithNoise(RecurrentParams.RECURRENT_WEIGHT_KEY, true, workspaceMgr);

        int t = steps;
        int bs = batch;
        int n = (int) layerConf().getNOut();
        int g4 = 4 * n;
        long perStep = (long) bs * n;
        int end = tbpttBackLength > 0 ? Math.max(0, t - tbpttBackLength) : 0;

        INDArray eps = workspaceMgr.dup(ArrayType.BP_WORKING_MEM, toTimeMajor(epsilon.castTo(DataType.FLOAT)), 'c');
        FloatBuffer eb = Raw.buffer(eps);
        INDArray rwc = workspaceMgr.dup(ArrayType.BP_WORKING_MEM, rw, 'c');
        FloatPointer rwp = Raw.pointer(rwc);

        dz.ensure((long) t * bs * g4);
        dhNext.ensure(perStep);
        dcNext.ensure(perStep);
        dhNext.zero(perStep);
        dcNext.zero(perStep);
        dz.zero((long) t * bs * g4);
        FloatBuffer gb = gates.buf();
        FloatBuffer cb = cells.buf();
        FloatBuffer c0b = c0.buf();
        FloatBuffer dzb = dz.buf();
        FloatBuffer dhb = dhNext.buf();
        FloatBuffer dcb = dcNext.buf();
        for (int s = t - 1; s >= end; s--) {
            for (int r = 0; r < bs; r++) {
                int gBase = (s * bs + r) * g4;
                int cBase = (s * bs + r) * n;
                for (int j = 0; j < n; j++) {
                    float a = gb.get(gBase + j);
                    float f = gb.get(gBase + n + j);
                    float o = gb.get(gBase + 2 * n + j);
                    float gi = gb.get(gBase + 3 * n + j);
                    float c = cb.get(cBase + j);
                    float tc = Raw.tanh(c);
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
                Raw.gemm(false, true, bs, n, g4, 1f, dz.at((long) s * bs * g4), g4, rwp, g4, 0f, dhNext.at(0), n);
            }
        }

        INDArray dzArr = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT,
                new long[] {(long) t * bs, g4}, 'c');
        Raw.copy(dz.at(0), Raw.pointer(dzArr), (long) t * bs * g4);
        INDArray hs = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT,
                new long[] {(long) t * bs, n}, 'c');
        Raw.copy(hidden.at(0), Raw.pointer(hs), (long) t * perStep);
        INDArray hPrev = null;
        if (fwdHasState && end == 0) {
            hPrev = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, new long[] {bs, n}, 'c');
            Raw.copy(h0.at(0), Raw.pointer(hPrev), perStep);
        }
        fwdInput = null;
        return gradients(dzArr, hs, hPrev, t, bs, workspaceMgr);
    }

    @Override
    public void clear() {
        super.clear();
        fwdInput = null;
    }
}
