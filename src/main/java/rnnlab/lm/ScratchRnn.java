package rnnlab.lm;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Random;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.ops.transforms.Transforms;

import rnnlab.core.RandomStreams;
import rnnlab.kernels.NdArrayCopies;
import rnnlab.kernels.Gemm;
import rnnlab.kernels.SrnSteps;
import rnnlab.model.Srn;

/**
 * The tutorials' recurrent network "from scratch", in explicit ND4J: the five parameters
 * {@code W_xh, W_hh, b_h, W_hq, b_q} (normal times 0.01, biases zero), the loop
 * <pre>
 *   for X in inputs:
 *       H = tanh(X W_xh + H W_hh + b_h)
 *       Y = H W_hq + b_q
 * </pre>
 * over one-hot inputs, the mean cross-entropy over all tokens, backpropagation through time written
 * out by hand (the tutorials let autograd do it), {@code grad_clipping} over the global norm of all five
 * gradients and plain SGD. Rows are time-major ({@code t * batch + b}), as {@code torch.cat(outputs)}.
 */
public final class ScratchRnn implements LanguageModel {
    /** The tutorial's parameters, by its names. */
    public final INDArray wXh;
    public final INDArray wHh;
    public final INDArray bH;
    public final INDArray wHq;
    public final INDArray bQ;

    private final int vocab;
    private final int hidden;
    private final double lr;
    private final double theta;
    private INDArray state;
    private double lastNorm = Double.NaN;

    /** Gradients of the last {@link #fit} (before clipping is applied they are unscaled), by parameter. */
    final INDArray[] grads;

    private final DataType dataType;

    /** FLOAT: the steps of the loops below run on raw memory ({@link SrnSteps}); other types use ND4J ops. */
    private final SrnSteps kernel;

    public ScratchRnn(int vocab, int hidden, double lr, double theta, long seed) {
        this(vocab, hidden, lr, theta, seed, DataType.FLOAT);
    }

    /** With {@code DataType.DOUBLE} for gradient checks. */
    public ScratchRnn(int vocab, int hidden, double lr, double theta, long seed, DataType dataType) {
        this.dataType = dataType;
        this.kernel = dataType == DataType.FLOAT ? new SrnSteps(true) : null;
        this.vocab = vocab;
        this.hidden = hidden;
        this.lr = lr;
        this.theta = theta;
        Random random = RandomStreams.random(seed, "init");
        wXh = normal(random, vocab, hidden).castTo(dataType);
        wHh = normal(random, hidden, hidden).castTo(dataType);
        bH = Nd4j.zeros(dataType, 1, hidden);
        wHq = normal(random, hidden, vocab).castTo(dataType);
        bQ = Nd4j.zeros(dataType, 1, vocab);
        grads = new INDArray[] {wXh.like(), wHh.like(), bH.like(), wHq.like(), bQ.like()};
    }

    /**
     * The same model as a DL4J network, to save with ModelSerializer and use later ({@code rnnlab.saved}): the
     * project's {@link rnnlab.model.Srn} looking token ids up in {@code W_xh} (the one-hot product), recurrent
     * weight {@code W_hh}, bias {@code b_h}, then {@link SequenceSoftmaxOutput} with {@code W_hq} and {@code b_q}.
     * Its probabilities are this model's (a test checks them).
     */
    public MultiLayerNetwork toNetwork(int steps) {
        Srn srn = new Srn.Builder().activation(Activation.TANH)
                .nIn(vocab).nOut(hidden).build();
        srn.setInputIds(true);
        MultiLayerNetwork net = new MultiLayerNetwork(
                new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                        .updater(new Sgd(lr)).list()
                        .layer(srn).layer(SequenceSoftmaxOutput.of(hidden, vocab, steps)).build());
        net.init();
        net.getLayer(0).setParam("W", wXh.castTo(DataType.FLOAT));
        net.getLayer(0).setParam("RW", wHh.castTo(DataType.FLOAT));
        net.getLayer(0).setParam("b", bH.castTo(DataType.FLOAT));
        net.getLayer(1).setParam("W", wHq.castTo(DataType.FLOAT));
        net.getLayer(1).setParam("b", bQ.castTo(DataType.FLOAT));
        return net;
    }

    /** The tutorial's {@code torch.randn(size=shape) * 0.01}, from a seeded Java stream. */
    private static INDArray normal(Random random, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * 0.01);
        }
        return Nd4j.create(v, new long[] {rows, cols}, 'c');
    }

    public INDArray[] params() {
        return new INDArray[] {wXh, wHh, bH, wHq, bQ};
    }

    /** The tutorial's names of {@link #params}, in their order. */
    public static final List<String> NAMES = List.of("W_xh", "W_hh", "b_h", "W_hq", "b_q");

    /** The parameter the tutorial names {@code name} ({@link #NAMES}). */
    public INDArray param(String name) {
        int i = NAMES.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no parameter " + name + "; the model's are " + NAMES);
        }
        return params()[i];
    }

    /** What a forward pass keeps for backpropagation. */
    record Pass(INDArray x, INDArray h0, INDArray h, INDArray logits, int steps, int batch) {
    }

    /** Time-major one-hot rows {@code [steps * batch, vocab]} for {@code ids[batch][steps]}. */
    INDArray inputs(int[][] ids) {
        int batch = ids.length;
        int steps = ids[0].length;
        float[] data = new float[steps * batch * vocab];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                int id = ids[b][t];
                if (id >= 0 && id < vocab) {
                    data[(t * batch + b) * vocab + id] = 1f;
                }
            }
        }
        return NdArrayCopies.floats(data, (long) steps * batch, vocab).castTo(dataType);
    }

    /** The tutorial's {@code rnn(inputs, state, params)}; {@code h0} null means zeros. */
    Pass forward(INDArray x, INDArray h0, int steps, int batch) {
        INDArray h = Nd4j.createUninitialized(dataType, steps, batch, hidden);
        INDArray h2d = h.reshape('c', (long) steps * batch, hidden);
        Gemm.gemm(x, wXh, h2d, false, false, 1.0, 0.0); // X W_xh for every step at once
        h2d.addiRowVector(bH);
        if (kernel != null) {
            kernel.forwardInPlace(h2d, h0, wHh, steps, batch); // the loop below, on raw memory
        } else {
            INDArray prev = h0;
            for (int t = 0; t < steps; t++) {
                INDArray ht = h.slice(t);
                if (prev != null) {
                    Gemm.gemm(prev, wHh, ht, false, false, 1.0, 1.0); // + H W_hh
                }
                Transforms.tanh(ht, false);
                prev = ht;
            }
        }
        INDArray logits = Nd4j.createUninitialized(h2d.dataType(), h2d.size(0), wHq.size(1));
        Gemm.gemm(h2d, wHq, logits, false, false, 1.0, 0.0);
        logits.addiRowVector(bQ);
        return new Pass(x, h0, h, logits, steps, batch);
    }

    @Override
    public int vocab() {
        return vocab;
    }

    /**
     * One batch's memory, used again by the next: a batch allocates some 10 MB of arrays (one-hot rows, H, the
     * logits and probabilities, dZ) that are garbage when it ends, and ND4J frees an array's memory only when the
     * garbage collector finds it, which this loop, allocating little on the Java heap, gives no reason to run
     * for seconds on end. Then every batch touched fresh pages and trained at half speed (Bench's
     * timemachine-rnn-h512 on a Zen 4 EPYC: windows of 45,000 tokens/s fell to 20,000 and stayed there, with
     * half the samples in ND4J's buffer allocation; the JVM's resident memory grew to 2.4 GB). Inside this
     * workspace the batch's arrays take the same memory each time. The numbers are those of plain allocation:
     * only where the arrays live changes.
     */
    private static final WorkspaceConfiguration BATCH = WorkspaceConfiguration.builder()
            .policyAllocation(AllocationPolicy.STRICT).policyLearning(LearningPolicy.FIRST_LOOP).build();

    @Override
    public double fit(int[][] x, int[][] y) {
        int batch = x.length;
        int steps = x[0].length;
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(BATCH, "rnnlab-scratch-rnn")) {
            Pass p = forward(inputs(x), state, steps, batch);
            double loss = backward(p, y);
            lastNorm = clip();
            for (int i = 0; i < grads.length; i++) {
                params()[i].subi(grads[i].mul(lr));
            }
            // detached, from the gradient and from the workspace: the next batch does not backpropagate into it
            try (MemoryWorkspace out = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                state = p.h().slice(steps - 1).dup('c');
            }
            return loss;
        }
    }

    /** Fills {@link #grads} with the gradients of the mean cross-entropy; returns that loss. */
    double backward(Pass p, int[][] y) {
        int steps = p.steps();
        int batch = p.batch();
        long rows = (long) steps * batch;
        INDArray prob = Transforms.softmax(p.logits(), true);
        double[] pr = dataType == DataType.FLOAT ? toDouble(NdArrayCopies.floats(prob)) : prob.dup('c').data().asDouble();
        double loss = 0;
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                int row = t * batch + b;
                int target = y[b][t];
                loss -= Math.log(Math.max(pr[row * vocab + target], Double.MIN_NORMAL));
                pr[row * vocab + target] -= 1;
            }
        }
        loss /= rows;
        INDArray dy = (dataType == DataType.FLOAT ? NdArrayCopies.floats(toFloat(pr), rows, vocab)
                : Nd4j.create(pr, new long[] {rows, vocab}, 'c').castTo(dataType)).divi(rows);
        INDArray h2d = p.h().reshape('c', rows, hidden);
        Gemm.gemm(h2d, dy, grads[3], true, false, 1.0, 0.0);
        NdArrayCopies.columnSums(dy, grads[4]);
        // dL/dH from the output layer, then back through the steps: dZ_t = (dH_t + dZ_{t+1} W_hh^T) * (1 - H_t^2)
        INDArray dz2 = Nd4j.createUninitialized(dy.dataType(), dy.size(0), hidden);
        Gemm.gemm(dy, wHq, dz2, false, true, 1.0, 0.0);
        INDArray dz = dz2.reshape('c', steps, batch, hidden);
        if (kernel != null) {
            kernel.backwardInPlace(dz.reshape('c', rows, hidden), h2d, wHh, steps, batch); // the loop below, raw
        } else {
            for (int t = steps - 1; t >= 0; t--) {
                INDArray dt = dz.slice(t);
                if (t < steps - 1) {
                    Gemm.gemm(dz.slice(t + 1), wHh, dt, false, true, 1.0, 1.0);
                }
                INDArray ht = p.h().slice(t);
                dt.muli(ht.mul(ht).rsubi(1.0));
            }
        }
        INDArray dz2d = dz.reshape('c', rows, hidden);
        Gemm.gemm(p.x(), dz2d, grads[0], true, false, 1.0, 0.0);
        grads[1].assign(0.0);
        if (steps > 1) {
            Gemm.gemm(h2d.get(interval(0, rows - batch),
                    all()),
                    dz2d.get(interval(batch, rows),
                            all()),
                    grads[1], true, false, 1.0, 0.0);
        }
        if (p.h0() != null) {
            Gemm.gemm(p.h0(), dz2d.get(interval(0, batch),
                    all()), grads[1], true, false, 1.0, 1.0);
        }
        NdArrayCopies.columnSums(dz2d, grads[2]);
        return loss;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    /** Rounded to float, as {@code castTo(FLOAT)} rounds. */
    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    /** The tutorials' {@code grad_clipping}: {@code g <- min(1, theta/||g||) g} over all five; returns ||g||. */
    double clip() {
        double sq = 0;
        for (INDArray g : grads) {
            double n = g.norm2Number().doubleValue();
            sq += n * n;
        }
        double norm = Math.sqrt(sq);
        if (norm > theta) {
            for (INDArray g : grads) {
                g.muli(theta / norm);
            }
        }
        return norm;
    }

    /** The global gradient norm of the last {@link #fit}, before clipping. */
    public double lastNorm() {
        return lastNorm;
    }

    @Override
    public INDArray probabilities(int[][] x) {
        int batch = x.length;
        int steps = x[0].length;
        Pass p = forward(inputs(x), state, steps, batch);
        state = p.h().slice(steps - 1).dup('c');
        INDArray prob = Transforms.softmax(p.logits(), true);
        return prob.reshape('c', steps, batch, vocab).permute(1, 2, 0).dup('c');
    }

    @Override
    public void resetState() {
        state = null;
    }

    @Override
    public Object saveState() {
        return state;
    }

    @Override
    public void restoreState(Object s) {
        state = (INDArray) s;
    }

    @Override
    public void writeTraining(DataOutputStream out) throws IOException {
        for (INDArray p : params()) {
            Nd4j.write(p, out);
        }
        out.writeBoolean(state != null);
        if (state != null) {
            Nd4j.write(state, out);
        }
    }

    @Override
    public void readTraining(DataInputStream in) throws IOException {
        for (INDArray p : params()) {
            p.assign(Nd4j.read(in));
        }
        state = in.readBoolean() ? Nd4j.read(in) : null;
    }

    @Override
    public long numParams() {
        long n = 0;
        for (INDArray a : params()) {
            n += a.length();
        }
        return n;
    }
}
