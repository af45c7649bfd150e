package rnnlab.model;

import rnnlab.kernels.NdArrayCopies;
import rnnlab.kernels.NativeFloats;
import rnnlab.kernels.RowLookup;
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
 * A recurrent layer whose time steps run on raw buffers ({@link NativeFloats}). This class does what the gated
 * layers share: the input projection {@code X W + b} of every step at once into {@link #gates}, the
 * carried state into {@link #h0}, the output from {@link #hidden}, and after the subclass has filled
 * {@link #dz} with the pre-activation gradients, the parameter and input gradients. A subclass writes
 * the per-step recurrence, forward and backward. Buffers are time-major, C order. FLOAT only.
 */
abstract class RawRecurrentImpl<C extends RecurrentConf> extends RecurrentImpl<C> {
    public static final String STATE_H = "h";

    /** Gate pre-activations, then activations, [T, batch, gates*n]. */
    final NativeFloats.Buf gates = new NativeFloats.Buf();
    /** H_t for every step, [T, batch, n]. */
    final NativeFloats.Buf hidden = new NativeFloats.Buf();
    /** The carried state H_{-1} (zeros without one), [batch, n]. */
    final NativeFloats.Buf h0 = new NativeFloats.Buf();
    /** dL/d(pre-activations), [T, batch, gates*n], filled by {@link #backwardSteps}. */
    final NativeFloats.Buf dz = new NativeFloats.Buf();
    /** dL/dH_{t-1} flowing back through the recurrence, [batch, n]. */
    final NativeFloats.Buf dhNext = new NativeFloats.Buf();

    /** The recurrent weights for the forward steps, [n, width] row-major with leading dimension {@link #rwLd}. */
    final NativeFloats.Buf rwPadded = new NativeFloats.Buf();
    /** {@link NativeFloats#paddedLd} of the width; {@link #recurrentLd} says whether the subclass takes it. */
    int rwLd;

    /** bh [1, width] of the last forward pass, or null with one bias. */
    INDArray hiddenBias;

    /** The last forward pass: its input (training passes only), whether it had a state, its shape. */
    private INDArray fwdInput;
    boolean fwdHasState;
    int steps;
    int batch;
    int units;
    int width;

    RawRecurrentImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        if (dataType != DataType.FLOAT) {
            throw new IllegalStateException(getClass().getSimpleName() + " computes in FLOAT; the network's data type is "
                    + dataType);
        }
    }

    /**
     * The recurrence over {@link #steps}, from {@link #gates} (and {@link #h0}) into {@link #hidden}; {@code rw} is the
     * recurrent weights, [n, width] row-major with leading dimension {@link #rwLd}.
     */
    abstract void forwardSteps(FloatPointer rw, Map<String, INDArray> state);

    /** The leading dimension the subclass's forward steps take the recurrent weights with: padded by default. */
    int recurrentLd(int width) {
        return NativeFloats.paddedLd(width);
    }

    /**
     * Fills {@link #dz} for steps {@code end..T-1} from dL/dH ({@code eps}, time-major) by backpropagation;
     * {@code rwT} is the recurrent weights transposed, [width, n] row-major, so that each step's product with them is
     * an untransposed sgemm (OpenBLAS's SkylakeX kernels run {@code dZ RW^T} 1.1-2x faster on a transposed copy
     * than with the transpose flag; its Zen kernels alike).
     */
    abstract void backwardSteps(FloatPointer rwT, FloatBuffer eps, int end);

    /**
     * dL/d(H_{t-1} RW + bh) after {@link #backwardSteps}, [T, batch, width]: {@link #dz} unless the layer keeps a
     * recurrent part apart from the input's (PyTorch's GRU candidate).
     */
    NativeFloats.Buf dzRecurrent() {
        return dz;
    }

    /** After the shared gradients: a layer whose recurrent weights do not all multiply H_{t-1} fixes its block. */
    void adjustGradients(INDArray dzArray, LayerWorkspaceMgr workspaceMgr) {
    }

    @Override
    final INDArray forward(Map<String, INDArray> state, boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = timeMajorInput();
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray w = getParamWithNoise(RecurrentParams.WEIGHT_KEY, training, workspaceMgr);
        INDArray rw = getParamWithNoise(RecurrentParams.RECURRENT_WEIGHT_KEY, training, workspaceMgr);
        INDArray b = inputBias(training, workspaceMgr);
        hiddenBias = layerConf().isTwoBiases()
                ? getParamWithNoise(RecurrentParams.HIDDEN_BIAS_KEY, training, workspaceMgr) : null;
        steps = (int) x.size(0);
        batch = (int) x.size(1);
        units = (int) layerConf().getNOut();
        width = layerConf().gates() * units;
        long rows = (long) steps * batch;
        INDArray hIn = state == null ? null : state.get(stateKey());
        checkBatch(hIn, batch, getClass().getSimpleName());

        gates.ensure(rows * width);
        if (layerConf().isInputIds()) {
            lookUp(ids(x), w, b);
        } else {
            INDArray zx = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, DataType.FLOAT, new long[] {rows, width}, 'c');
            project(x, w, zx, workspaceMgr);
            zx.addiRowVector(b);
            NativeFloats.copy(NativeFloats.pointer(zx), gates.at(0), rows * width);
        }
        hidden.ensure(rows * units);
        fwdHasState = hIn != null;
        load(hIn, h0, (long) batch * units);
        rwLd = recurrentLd(width);
        rwRows = NativeFloats.scratch(rwRows, units * rwLd);
        memory = NativeFloats.rowsInto(rw, memory, rwRows, rwLd);
        rwPadded.ensure((long) units * rwLd);
        NativeFloats.put(rwRows, units * rwLd, rwPadded, 0);
        forwardSteps(rwPadded.at(0), state);

        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[] {steps, batch, units}, 'c');
        NativeFloats.copy(hidden.at(0), NativeFloats.pointer(out), rows * units);
        fwdInput = training ? input : null;
        return fromTimeMajor(out);
    }

    /** The recurrent weights' rows, with their leading dimension, and their memory on the way. */
    private float[] rwRows;
    private float[] memory;
    private float[] row;
    private final RowLookup wLookup = new RowLookup();

    /**
     * {@code X W + b} for ids input into {@link #gates}: row {@code t*batch + b} is W's row of that token plus the bias
     * (zeros plus the bias for an id outside W), as {@link #project} and {@code addiRowVector} compute it, in one
     * pass over W's memory ({@link RowLookup}; ND4J's {@code pullRows} had taken 4.9% of a Time Machine LSTM's
     * training step, and the copy into {@link #gates} another pass).
     */
    private void lookUp(int[] ids, INDArray w, INDArray b) {
        row = NativeFloats.scratch(row, width);
        float[] bias = NdArrayCopies.floats(b);
        wLookup.of(w, ids.length);
        for (int r = 0; r < ids.length; r++) {
            wLookup.row(ids[r], row, 0);
            for (int j = 0; j < width; j++) {
                row[j] += bias[j];
            }
            NativeFloats.put(row, width, gates, (long) r * width);
        }
    }

    /** Copies a carried state into {@code into}, or zeros it when there is none. */
    static void load(INDArray state, NativeFloats.Buf into, long n) {
        into.ensure(n);
        if (state != null) {
            NativeFloats.copy(NativeFloats.pointer(state.castTo(DataType.FLOAT).dup('c')), into.at(0), n);
        } else {
            into.zero(n);
        }
    }

    /** A detached copy (outside any workspace) of {@code n} floats at {@code offset} of {@code from}. */
    INDArray detached(NativeFloats.Buf from, long offset) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray a = Nd4j.create(DataType.FLOAT, new long[] {batch, units}, 'c');
            NativeFloats.copy(from.at(offset), NativeFloats.pointer(a), (long) batch * units);
            return a;
        }
    }

    @Override
    void storeLast(Map<String, INDArray> into) {
        into.put(stateKey(), detached(hidden, (long) (steps - 1) * batch * units));
    }

    /** The key of the carried hidden state in DL4J's state maps. */
    String stateKey() {
        return STATE_H;
    }

    @Override
    public final Pair<Gradient, INDArray> tbpttBackpropGradient(INDArray epsilon, int tbpttBackLength,
            LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (fwdInput != input) {
            forward(null, true, workspaceMgr);
        }
        INDArray rw = getParamWithNoise(RecurrentParams.RECURRENT_WEIGHT_KEY, true, workspaceMgr);
        long rows = (long) steps * batch;
        long perStep = (long) batch * units;
        int end = tbpttBackLength > 0 ? Math.max(0, steps - tbpttBackLength) : 0;
        INDArray eps = workspaceMgr.dup(ArrayType.BP_WORKING_MEM, toTimeMajor(epsilon.castTo(DataType.FLOAT)), 'c');
        dz.ensure(rows * width);
        dz.zero(rows * width);
        dhNext.ensure(perStep);
        dhNext.zero(perStep);
        backwardSteps(NativeFloats.pointer(workspaceMgr.dup(ArrayType.BP_WORKING_MEM, rw.transpose(), 'c')), NativeFloats.buffer(eps), end);

        INDArray dzArray = copy(dz, rows, width, workspaceMgr);
        INDArray dzRec = dzRecurrent() == dz ? dzArray : copy(dzRecurrent(), rows, width, workspaceMgr);
        INDArray hs = copy(hidden, rows, units, workspaceMgr);
        INDArray hPrev = fwdHasState && end == 0 ? copy(h0, batch, units, workspaceMgr) : null;
        Pair<Gradient, INDArray> result = gradients(dzArray, dzRec, hs, hPrev, steps, batch, workspaceMgr);
        adjustGradients(dzArray, workspaceMgr);
        fwdInput = null;
        return result;
    }

    /** A [rows, cols] working array holding the first rows*cols floats of {@code from}. */
    static INDArray copy(NativeFloats.Buf from, long rows, long cols, LayerWorkspaceMgr workspaceMgr) {
        INDArray a = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, new long[] {rows, cols}, 'c');
        NativeFloats.copy(from.at(0), NativeFloats.pointer(a), rows * cols);
        return a;
    }

    @Override
    public void clear() {
        super.clear();
        fwdInput = null;
    }
}
