package rnnlab.model;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

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
 * The GRU of {@link Gru}, forward and backward written out. The input projection for all steps is one
 * ND4J matrix product; each step then runs on raw buffers ({@link Raw}): one sgemm for
 * {@code H_{t-1} [W_hz W_hr]}, a loop for the gates, one sgemm for {@code (R * H_{t-1}) W_hh}, a loop for
 * the candidate and the new state. Backpropagation through time reuses the training forward pass. A state
 * carried in (truncated BPTT, {@code rnnTimeStep}) seeds H and is not differentiated. FLOAT only.
 */
public class GruImpl extends RecurrentImpl<Gru> {
    public static final String STATE_H = "h";

    private final Raw.Buf gates = new Raw.Buf();
    private final Raw.Buf resetHidden = new Raw.Buf();
    private final Raw.Buf hidden = new Raw.Buf();
    private final Raw.Buf h0 = new Raw.Buf();
    private final Raw.Buf dz = new Raw.Buf();
    private final Raw.Buf dhNext = new Raw.Buf();
    private final Raw.Buf dResetHidden = new Raw.Buf();

    private INDArray fwdInput;
    private boolean fwdHasState;
    private int steps;
    private int batch;

    public GruImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        if (dataType != DataType.FLOAT) {
            throw new IllegalStateException("Gru computes in FLOAT; the network's data type is " + dataType);
        }
    }

    @Override
    void storeLast(Map<String, INDArray> map) {
        int n = (int) layerConf().getNOut();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray h = Nd4j.create(DataType.FLOAT, new long[] {batch, n}, 'c');
            Raw.copy(hidden.at((long) (steps - 1) * batch * n), Raw.pointer(h), (long) batch * n);
            map.put(STATE_H, h);
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
        int g3 = 3 * n;
        INDArray hIn = state == null ? null : state.get(STATE_H);
        checkBatch(hIn, bs, "Gru");
        steps = t;
        batch = bs;

        INDArray x2d = workspaceMgr.dup(ArrayType.FF_WORKING_MEM, x, 'c').reshape('c', (long) t * bs, nIn);
        INDArray zx = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, DataType.FLOAT,
                new long[] {(long) t * bs, g3}, 'c');
        Nd4j.gemm(x2d, w, zx, false, false, 1.0, 0.0);
        zx.addiRowVector(b);
        INDArray rwc = workspaceMgr.dup(ArrayType.FF_WORKING_MEM, rw, 'c');
        FloatPointer rwp = Raw.pointer(rwc);

        long perStep = (long) bs * n;
        gates.ensure((long) t * bs * g3);
        resetHidden.ensure((long) t * perStep);
        hidden.ensure((long) t * perStep);
        h0.ensure(perStep);
        Raw.copy(Raw.pointer(zx), gates.at(0), (long) t * bs * g3);
        fwdHasState = hIn != null;
        if (fwdHasState) {
            Raw.copy(Raw.pointer(hIn.castTo(DataType.FLOAT).dup('c')), h0.at(0), perStep);
        } else {
            h0.zero(perStep);
        }
        FloatBuffer gb = gates.buf();
        FloatBuffer rhb = resetHidden.buf();
        FloatBuffer hb = hidden.buf();
        FloatBuffer h0b = h0.buf();
        for (int s = 0; s < t; s++) {
            long gOff = (long) s * bs * g3;
            boolean hasPrev = s > 0 || fwdHasState;
            if (hasPrev) {
                FloatPointer hp = s > 0 ? hidden.at((long) (s - 1) * perStep) : h0.at(0);
                Raw.gemm(false, false, bs, 2 * n, n, 1f, hp, n, rwp.position(0), g3, 1f, gates.at(gOff), g3);
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
                Raw.gemm(false, false, bs, n, n, 1f, resetHidden.at((long) s * perStep), n, rwp.position(2L * n), g3, 1f,
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
        int g3 = 3 * n;
        long perStep = (long) bs * n;
        int end = tbpttBackLength > 0 ? Math.max(0, t - tbpttBackLength) : 0;

        INDArray eps = workspaceMgr.dup(ArrayType.BP_WORKING_MEM, toTimeMajor(epsilon.castTo(DataType.FLOAT)), 'c');
        FloatBuffer eb = Raw.buffer(eps);
        INDArray rwc = workspaceMgr.dup(ArrayType.BP_WORKING_MEM, rw, 'c');
        FloatPointer rwp = Raw.pointer(rwc);

        dz.ensure((long) t * bs * g3);
        dhNext.ensure(perStep);
        dResetHidden.ensure(perStep);
        dz.zero((long) t * bs * g3);
        dhNext.zero(perStep);
        FloatBuffer gb = gates.buf();
        FloatBuffer hb = hidden.buf();
        FloatBuffer h0b = h0.buf();
        FloatBuffer dzb = dz.buf();
        FloatBuffer dhb = dhNext.buf();
        FloatBuffer drhb = dResetHidden.buf();
        for (int s = t - 1; s >= end; s--) {
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
            Raw.gemm(false, true, bs, n, n, 1f, dz.at(gOff + 2L * n), g3, rwp.position(2L * n), g3, 0f,
                    dResetHidden.at(0), n);
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
            Raw.gemm(false, true, bs, n, 2 * n, 1f, dz.at(gOff), g3, rwp.position(0), g3, 1f, dhNext.at(0), n);
        }

        INDArray dzArr = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT,
                new long[] {(long) t * bs, g3}, 'c');
        Raw.copy(dz.at(0), Raw.pointer(dzArr), (long) t * bs * g3);
        INDArray hs = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT,
                new long[] {(long) t * bs, n}, 'c');
        Raw.copy(hidden.at(0), Raw.pointer(hs), (long) t * perStep);
        INDArray hPrev = null;
        if (fwdHasState && end == 0) {
            hPrev = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, new long[] {bs, n}, 'c');
            Raw.copy(h0.at(0), Raw.pointer(hPrev), perStep);
        }
        Pair<Gradient, INDArray> result = gradients(dzArr, hs, hPrev, t, bs, workspaceMgr);
        // the candidate's recurrent weights multiply R * H_{t-1}, not H_{t-1}: redo that block
        INDArray rh = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT,
                new long[] {(long) t * bs, n}, 'c');
        Raw.copy(resetHidden.at(0), Raw.pointer(rh), (long) t * perStep);
        INDArray rwg = gradientViews.get(RecurrentParams.RECURRENT_WEIGHT_KEY);
        Nd4j.gemm(rh, dzArr.get(all(), interval(2L * n, 3L * n)), rwg.get(all(), interval(2L * n, 3L * n)), true, false,
                1.0, 0.0);
        fwdInput = null;
        return result;
    }

    @Override
    public void clear() {
        super.clear();
        fwdInput = null;
    }
}
