package rnnlab.model;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import rnnlab.kernels.Gemm;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The hand-written SRN: {@code H_t = f(X_t W + H_{t-1} U + b)}, forward and backward written out in ND4J
 * ops, for any data type (the gradient checks run it in DOUBLE); FLOAT networks get {@link RawSrnImpl}.
 * The input projection {@code X W + b} is one matrix product over all time steps; only
 * {@code H_{t-1} U} stays in the loop. Backpropagation through time keeps the forward pass of the
 * training step (no recomputation); dW, dU and the input gradient are one product each over all steps.
 */
public class SrnImpl extends RecurrentImpl<Srn> {
    public static final String STATE_KEY = "prevAct";

    /** The last forward pass: its input, carried state H_{-1} and H [T, b, n] (kept for training passes). */
    private INDArray fwdInput;
    private INDArray fwdH0;
    private INDArray fwdH;
    private INDArray lastH;

    public SrnImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean tanh() {
        return layerConf().getActivationFn() instanceof ActivationTanH;
    }

    @Override
    void storeLast(Map<String, INDArray> into) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            into.put(STATE_KEY, lastH.dup('c'));
        }
    }

    @Override
    INDArray forward(Map<String, INDArray> state, boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = timeMajorInput();
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray w = getParamWithNoise(RecurrentParams.WEIGHT_KEY, training, workspaceMgr);
        INDArray u = getParamWithNoise(RecurrentParams.RECURRENT_WEIGHT_KEY, training, workspaceMgr);
        INDArray b = inputBias(training, workspaceMgr);
        long steps = x.size(0);
        long batch = x.size(1);
        long nOut = layerConf().getNOut();
        INDArray h0 = state == null ? null : state.get(STATE_KEY);
        checkBatch(h0, batch, "Srn");

        INDArray h = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {steps, batch, nOut}, 'c');
        INDArray h2d = h.reshape('c', steps * batch, nOut);
        // input projection of every step at once, plus the bias
        project(x, w, h2d, workspaceMgr);
        h2d.addiRowVector(b);
        INDArray prev = h0;
        boolean tanh = tanh();
        for (long t = 0; t < steps; t++) {
            INDArray ht = h.slice(t);
            if (prev != null) {
                Gemm.gemm(prev, u, ht, false, false, 1.0, 1.0);
            }
            if (tanh) {
                Transforms.tanh(ht, false);
            } else {
                Transforms.relu(ht, false);
            }
            prev = ht;
        }
        lastH = prev;
        if (training) {
            fwdInput = input;
            fwdH0 = h0;
            fwdH = h;
        }
        return fromTimeMajor(h);
    }

    @Override
    public Pair<Gradient, INDArray> tbpttBackpropGradient(INDArray epsilon, int tbpttBackLength,
            LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (fwdH == null || fwdInput != input) {
            // no cached training pass for this input: recompute it (from a zero state)
            forward(null, true, workspaceMgr);
        }
        INDArray u = getParamWithNoise(RecurrentParams.RECURRENT_WEIGHT_KEY, true, workspaceMgr);
        INDArray h = fwdH;
        long steps = h.size(0);
        long batch = h.size(1);
        long nOut = h.size(2);
        long end = tbpttBackLength > 0 ? Math.max(0, steps - tbpttBackLength) : 0;
        boolean tanh = tanh();

        // dz starts as dL/dH (a time-major copy of epsilon) and becomes dL/dZ step by step, in place
        INDArray dz = workspaceMgr.dup(ArrayType.BP_WORKING_MEM, toTimeMajor(epsilon.castTo(dataType)), 'c');
        INDArray next = null;
        for (long t = steps - 1; t >= end; t--) {
            INDArray dt = dz.slice(t);
            if (next != null) {
                Gemm.gemm(next, u, dt, false, true, 1.0, 1.0);
            }
            INDArray ht = h.slice(t);
            if (tanh) {
                dt.muli(ht.mul(ht).rsubi(1.0));
            } else {
                dt.muli(ht.gt(0.0).castTo(dataType));
            }
            next = dt;
        }
        if (end > 0) {
            dz.get(interval(0, end), all(), all()).assign(0.0);
        }
        INDArray h0 = end == 0 ? fwdH0 : null;
        INDArray dz2d = dz.reshape('c', steps * batch, nOut);
        Pair<Gradient, INDArray> result = gradients(dz2d, dz2d,
                h.reshape('c', steps * batch, nOut), h0, steps, batch, workspaceMgr);
        forgetForwardPass();
        return result;
    }

    private void forgetForwardPass() {
        fwdH = null;
        fwdH0 = null;
        fwdInput = null;
    }

    @Override
    public void clear() {
        super.clear();
        forgetForwardPass();
    }
}
