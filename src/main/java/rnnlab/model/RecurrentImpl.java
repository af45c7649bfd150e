package rnnlab.model;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.BaseRecurrentLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import rnnlab.kernels.NdArrayCopies;
import rnnlab.kernels.Gemm;
import rnnlab.kernels.NativeFloats;

/**
 * What the project's recurrent layers share. Work is done time-major ({@code [T, batch, n]}, C order,
 * so each step's block is contiguous). A layer implements {@link #forward} from an optional carried
 * state and {@link #storeLast}; this class wires them to DL4J's whole-sequence, {@code rnnTimeStep} and
 * truncated-BPTT entry points, and forms the parameter gradients that are one matrix product over all
 * steps once the layer has the pre-activation gradients {@code dZ}.
 */
abstract class RecurrentImpl<C extends RecurrentConf> extends BaseRecurrentLayer<C> {

    RecurrentImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /**
     * The output for {@link #input}, starting from {@code state} (null: zeros). A training pass keeps
     * what backpropagation needs; the carried state is not differentiated (it is detached).
     */
    abstract INDArray forward(Map<String, INDArray> state, boolean training, LayerWorkspaceMgr workspaceMgr);

    /** Puts detached copies (outside any workspace) of the last step's state into {@code into}. */
    abstract void storeLast(Map<String, INDArray> into);

    /**
     * When set (by {@link RecurrentStates}), every pass, training or not, starts from the state stored in
     * {@code stateMap} (zeros when empty) and stores its last state there, detached: a language model then
     * carries its state from one batch to the next, as the tutorials' training loops do.
     */
    boolean stateful;

    /** The state stateful passes start from and store to (DL4J's {@code stateMap}). */
    Map<String, INDArray> carried() {
        return stateMap;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!stateful) {
            return forward(null, training, workspaceMgr);
        }
        INDArray out = forward(stateMap.isEmpty() ? null : stateMap, training, workspaceMgr);
        storeLast(stateMap);
        return out;
    }

    @Override
    public INDArray rnnTimeStep(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        INDArray out = forward(stateMap.isEmpty() ? null : stateMap, false, workspaceMgr);
        storeLast(stateMap);
        return out;
    }

    @Override
    public INDArray rnnActivateUsingStoredState(INDArray input, boolean training, boolean storeLastForTBPTT,
            LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        INDArray out = forward(tBpttStateMap.isEmpty() ? null : tBpttStateMap, training, workspaceMgr);
        if (storeLastForTBPTT) {
            storeLast(tBpttStateMap);
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        return tbpttBackpropGradient(epsilon, -1, workspaceMgr);
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    /**
     * X W for every step at once into {@code out} [T*batch, width], from the time-major input: a matrix
     * product, or with ids input a lookup of W's rows.
     */
    void project(INDArray x, INDArray w, INDArray out, LayerWorkspaceMgr workspaceMgr) {
        long rows = x.size(0) * x.size(1);
        if (layerConf().isInputIds()) {
            int[] ids = ids(x);
            long nIn = layerConf().getNIn();
            int[] safe = new int[ids.length];
            for (int i = 0; i < ids.length; i++) {
                safe[i] = ids[i] >= 0 && ids[i] < nIn ? ids[i] : 0;
            }
            Nd4j.pullRows(w, out, 1, safe);
            for (int i = 0; i < ids.length; i++) {
                if (safe[i] != ids[i]) {
                    out.getRow(i).assign(0.0);
                }
            }
        } else {
            INDArray x2d = workspaceMgr.dup(ArrayType.FF_WORKING_MEM, x, 'c').reshape('c', rows, x.size(2));
            Gemm.gemm(x2d, w, out, false, false, 1.0, 0.0);
        }
    }

    /** Token ids of a time-major ids input [T, batch, 1], in row order t*batch + b. */
    static int[] ids(INDArray x) {
        if (x.size(2) != 1) {
            throw new IllegalStateException("ids input must be [batch, 1, time], got time-major " + x.shapeInfoToString());
        }
        float[] v = NdArrayCopies.floats(x);
        int[] ids = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            ids[i] = Math.round(v[i]);
        }
        return ids;
    }

    /**
     * {@code dz} itself, or when its rows are a multiple of 2 KB apart, a copy whose rows are one cache line further
     * apart ({@link NativeFloats#paddedLd}), as a view of its first columns. The recurrent weights' gradient multiplies
     * {@code dz} transposed, and oneDNN's sgemm ran that product at 38 GFLOP/s with rows 4 KB apart (the LSTM's 1,024
     * pre-activations) and 61 with 2 KB (the RNN's 512), 77-85 with the rows padded, on one Zen 3 core. The same
     * bits either way (a test).
     */
    static INDArray paddedRows(INDArray dz, LayerWorkspaceMgr workspaceMgr) {
        int cols = (int) dz.size(1);
        int ld = NativeFloats.paddedLd(cols);
        if (ld == cols || dz.dataType() != DataType.FLOAT || !NativeFloats.isDenseC(dz)) {
            return dz;
        }
        int rows = (int) dz.size(0);
        INDArray padded = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT,
                new long[] {rows, ld}, 'c');
        NativeFloats.Buf into = NativeFloats.Buf.wrap(padded);
        NativeFloats.copyRows(NativeFloats.pointer(dz), rows, cols, into, ld);
        return padded.get(all(), interval(0, cols));
    }

    /**
     * into = the rows of {@code dz} summed by id: dW for a lookup (rows with an id outside into's rows are dropped).
     * A FLOAT {@code into} is zeroed and only the rows its ids touch are written, whatever its strides: a
     * 10,000-word vocabulary's dW is 8 MB, and summing all of it in a Java array, copying that to a new array and
     * assigning it took 11% of a PTB training step. Each element is the same float either way: its rows added in
     * token order, starting from zero.
     */
    static void scatterAddRows(int[] ids, INDArray dz, INDArray into) {
        int rows = (int) into.size(0);
        int width = (int) into.size(1);
        // row by row through the array's memory: Nd4j.create(float[]) and data().asFloat() go element by element
        INDArray dense = NativeFloats.dense(dz);
        float[] g = new float[ids.length * width];
        NativeFloats.buffer(dense).get(0, g, 0, g.length);
        // each id's sum in a compact Java array (the rows a batch touches: at most its tokens), added row by row as
        // the tokens come, then written once into its place in into's memory, wherever the strides put it
        int[] slot = new int[rows];
        Arrays.fill(slot, -1);
        int[] touched = new int[Math.min(rows, ids.length)];
        float[] acc = new float[touched.length * width];
        int used = 0;
        for (int r = 0; r < ids.length; r++) {
            int id = ids[r];
            if (id < 0 || id >= rows) {
                continue;
            }
            if (slot[id] < 0) {
                slot[id] = used;
                touched[used++] = id;
            }
            int a = slot[id] * width;
            int b = r * width;
            for (int j = 0; j < width; j++) {
                acc[a + j] += g[b + j];
            }
        }
        if (into.dataType() != DataType.FLOAT) {
            // the gradient checks' DOUBLE parameters: the same float sums, spread into a full array and cast
            float[] full = new float[rows * width];
            for (int u = 0; u < used; u++) {
                System.arraycopy(acc, u * width, full, touched[u] * width, width);
            }
            INDArray sum = Nd4j.createUninitialized(DataType.FLOAT, rows, width);
            NativeFloats.buffer(sum).put(full);
            into.assign(sum);
            return;
        }
        FloatBuffer out = NativeFloats.strided(into);
        if (out.capacity() == into.length()) {
            NativeFloats.Buf.wrap(into).zero(into.length());
        } else {
            into.assign(0.0);
        }
        int s0 = (int) into.stride(0);
        int s1 = (int) into.stride(1);
        for (int u = 0; u < used; u++) {
            int base = touched[u] * s0;
            if (s1 == 1) {
                out.put(base, acc, u * width, width);
            } else {
                for (int j = 0; j < width; j++) {
                    out.put(base + j * s1, acc[u * width + j]);
                }
            }
        }
    }

    /** Checks the input and returns it time-major, cast to the layer's type (a view). */
    INDArray timeMajorInput() {
        assertInputSet(false);
        if (input.rank() != 3) {
            throw new IllegalStateException(getClass().getSimpleName() + " expects rank-3 input [batch, nIn, time], got "
                    + input.shapeInfoToString());
        }
        if (maskArray != null) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " does not support masks");
        }
        return toTimeMajor(input.castTo(dataType));
    }

    static void checkBatch(INDArray state, long batch, String layer) {
        if (state != null && state.size(0) != batch) {
            throw new IllegalStateException(layer + ": stored state has batch " + state.size(0) + " but input has "
                    + batch + "; clear the state (rnnClearPreviousState) when the batch size changes");
        }
    }

    /** [batch, n, T] (NCW) or [batch, T, n] (NWC) to time-major [T, batch, n], as a view. */
    INDArray toTimeMajor(INDArray a) {
        return getDataFormat() == RNNFormat.NWC ? a.permute(1, 0, 2) : a.permute(2, 0, 1);
    }

    INDArray fromTimeMajor(INDArray a) {
        return getDataFormat() == RNNFormat.NWC ? a.permute(1, 0, 2) : a.permute(1, 2, 0);
    }

    /**
     * The bias the input projection adds, {@code X W + bias}: b, or with two biases b plus bh's columns that add where
     * b does ({@link RecurrentConf#foldedHiddenBias}): one row added once, so a second bias costs the hot loops nothing.
     */
    INDArray inputBias(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray b = getParamWithNoise(RecurrentParams.BIAS_KEY, training, workspaceMgr);
        if (!layerConf().isTwoBiases()) {
            return b;
        }
        INDArray bh = getParamWithNoise(RecurrentParams.HIDDEN_BIAS_KEY, training, workspaceMgr);
        INDArray sum = b.dup('c');
        long folded = layerConf().foldedHiddenBias();
        sum.get(all(), interval(0, folded)).addi(bh.get(all(), interval(0, folded)));
        return sum;
    }

    /**
     * The gradients from {@code dz} [T*batch, g*n], dL/d(pre-activations) (zero for steps cut off by truncation), the
     * hidden states {@code h} [T*batch, n] and the carried state {@code h0} (or null): dW = X^T dZ,
     * dRW = H_{t-1}^T dZr_t over the steps, db = sum dZ and (two biases) dbh = sum dZr; returns them with dL/dX for the
     * layer below. {@code dzRec} is dL/d(H_{t-1} RW + bh), which is {@code dz} itself but for PyTorch's GRU candidate.
     */
    Pair<Gradient, INDArray> gradients(INDArray dz, INDArray dzRec, INDArray h, INDArray h0, long steps, long batch,
            LayerWorkspaceMgr workspaceMgr) {
        INDArray w = getParamWithNoise(RecurrentParams.WEIGHT_KEY, true, workspaceMgr);
        INDArray wg = gradientViews.get(RecurrentParams.WEIGHT_KEY);
        INDArray rwg = gradientViews.get(RecurrentParams.RECURRENT_WEIGHT_KEY);
        INDArray bg = gradientViews.get(RecurrentParams.BIAS_KEY);
        long nIn = layerConf().getNIn();
        INDArray epsOut;
        if (layerConf().isInputIds()) {
            scatterAddRows(ids(toTimeMajor(input)), dz, wg);
            epsOut = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, dataType, new long[] {steps, batch, 1}, 'c');
        } else {
            INDArray x2d = workspaceMgr.dup(ArrayType.BP_WORKING_MEM, toTimeMajor(input.castTo(dataType)), 'c')
                    .reshape('c', steps * batch, nIn);
            Gemm.gemm(x2d, dz, wg, true, false, 1.0, 0.0);
            epsOut = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType,
                    new long[] {steps, batch, nIn}, 'c');
            Gemm.gemm(dz, w, epsOut.reshape('c', steps * batch, nIn), false, true, 1.0, 0.0);
        }
        rwg.assign(0.0);
        if (steps > 1) {
            Gemm.gemm(h.get(interval(0, (steps - 1) * batch), all()),
                    paddedRows(dzRec, workspaceMgr).get(interval(batch, steps * batch), all()), rwg, true, false, 1.0, 0.0);
        }
        if (h0 != null) {
            Gemm.gemm(h0, dzRec.get(interval(0, batch), all()), rwg, true, false, 1.0, 1.0);
        }
        NdArrayCopies.columnSums(dz, bg);
        INDArray bhg = gradientViews.get(RecurrentParams.HIDDEN_BIAS_KEY);
        if (bhg != null) {
            NdArrayCopies.columnSums(dzRec, bhg);
        }
        weightNoiseParams.clear();
        Gradient g = new DefaultGradient(gradientsFlattened);
        g.gradientForVariable().put(RecurrentParams.WEIGHT_KEY, wg);
        g.gradientForVariable().put(RecurrentParams.RECURRENT_WEIGHT_KEY, rwg);
        g.gradientForVariable().put(RecurrentParams.BIAS_KEY, bg);
        if (bhg != null) {
            g.gradientForVariable().put(RecurrentParams.HIDDEN_BIAS_KEY, bhg);
        }
        return new Pair<>(g, backpropDropOutIfPresent(fromTimeMajor(epsOut)));
    }
}
