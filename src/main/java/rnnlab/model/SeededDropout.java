package rnnlab.model;

import java.util.SplittableRandom;

import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonIgnore;

import rnnlab.core.RandomStreams;

/**
 * Inverted dropout (each unit zeroed with probability {@code p}, the rest scaled by {@code 1/(1-p)}, as PyTorch's
 * {@code nn.Dropout}) whose mask is a function of (seed, layer, iteration) alone: drawn from
 * {@link RandomStreams#of}{@code (seed, "dropout/LAYER/ITERATION")}. DL4J's own dropout draws from ND4J's random
 * ops, which do not repeat; this one does, so a job resumed from a checkpoint (which restores the iteration count)
 * draws the masks an uninterrupted one draws. Used in DL4J's {@code DropoutLayer}; the mask is kept from the forward
 * pass for the backward one.
 */
public final class SeededDropout implements IDropout {
    private double p;
    private long seed;
    private String layer;
    @JsonIgnore
    private transient INDArray mask;

    /** For JSON deserialisation. */
    public SeededDropout() {
    }

    /** Drops with probability {@code p} (0 <= p < 1); {@code layer} names this dropout's streams within the seed. */
    public SeededDropout(double p, long seed, String layer) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        this.p = p;
        this.seed = seed;
        this.layer = layer;
    }

    /** The mask of {@code iteration} for {@code length} units: 0 or 1/(1-p). */
    public float[] mask(int iteration, int length) {
        SplittableRandom random = RandomStreams.of(seed, "dropout/" + layer + "/" + iteration);
        float keep = (float) (1 / (1 - p));
        float[] m = new float[length];
        for (int i = 0; i < length; i++) {
            m[i] = random.nextDouble() < p ? 0f : keep;
        }
        return m;
    }

    @Override
    public INDArray applyDropout(INDArray input, INDArray result, int iteration, int epoch,
            LayerWorkspaceMgr workspaceMgr) {
        // the mask in the arrays' logical (c-order) element order, whatever their storage order
        // outside the forward pass's workspace, which is closed before the backward pass needs the mask
        try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            mask = Nd4j.create(mask(iteration, (int) input.length()), input.shape(), 'c').castTo(input.dataType());
        }
        return result.assign(input).muli(mask);
    }

    @Override
    public INDArray backprop(INDArray gradAtOutput, INDArray gradAtInput, int iteration, int epoch) {
        if (mask == null) {
            throw new IllegalStateException("backprop before applyDropout");
        }
        return gradAtInput.assign(gradAtOutput.mul(mask.castTo(gradAtOutput.dataType())));
    }

    @Override
    public void clear() {
        mask = null;
    }

    @Override
    public SeededDropout clone() {
        return new SeededDropout(p, seed, layer);
    }

    public double getP() {
        return p;
    }

    public void setP(double p) {
        this.p = p;
    }

    public long getSeed() {
        return seed;
    }

    public void setSeed(long seed) {
        this.seed = seed;
    }

    public String getLayer() {
        return layer;
    }

    public void setLayer(String layer) {
        this.layer = layer;
    }
}
