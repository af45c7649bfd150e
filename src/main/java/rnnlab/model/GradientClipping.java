package rnnlab.model;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Gradient rescaling over the global L2 norm of all parameters together, which DL4J's per-layer
 * gradient normalisation cannot do. DL4J calls {@link #onGradientCalculation} after computing the
 * gradient and before the updater, so the rescaled gradient is what the optimiser sees. At that point
 * DL4J's gradient view holds the gradient summed over the minibatch; the updater divides it by the
 * minibatch size afterwards. The norm here is that of the divided gradient, the one the update uses.
 * (For losses over every time step, DL4J's score, and so this gradient, is the mean over sequences of
 * the sum over steps: {@code steps} times PyTorch's mean over all tokens.)
 *
 * <ul>
 * <li>{@link Mode#NONE}: unchanged.</li>
 * <li>{@link Mode#CLIP}: the tutorials' {@code grad_clipping}, {@code g <- min(1, theta/||g||) g}; with a
 * {@code scale} s, the gradient of s times the loss clipped, {@code g <- min(1, theta/||s g||) s g} (Zaremba et al.
 * clip the gradient of the loss summed over the unrolled steps: s = steps times the per-token mean's).</li>
 * <li>{@link Mode#NORMALIZE}: the Penn Treebank course's normalisation, {@code g <- theta g/||g||}
 * (every step has length lr * theta), and {@code g <- 0} when {@code ||g|| < minNorm}.</li>
 * </ul>
 */
public final class GradientClipping extends BaseTrainingListener {
    public enum Mode {
        NONE, CLIP, NORMALIZE
    }

    private final Mode mode;
    private final double theta;
    private final double minNorm;
    private final double scale;
    private double lastNorm = Double.NaN;

    public GradientClipping(Mode mode, double theta, double minNorm) {
        this(mode, theta, minNorm, 1);
    }

    private GradientClipping(Mode mode, double theta, double minNorm, double scale) {
        if (mode != Mode.NONE && !(theta > 0)) {
            throw new IllegalArgumentException("clipping threshold must be positive, got " + theta);
        }
        if (!(scale > 0)) {
            throw new IllegalArgumentException("gradient scale must be positive, got " + scale);
        }
        this.mode = mode;
        this.theta = theta;
        this.minNorm = minNorm;
        this.scale = scale;
    }

    public static GradientClipping clip(double theta) {
        return new GradientClipping(Mode.CLIP, theta, 0);
    }

    /** The gradient of {@code scale} times the loss, clipped to norm {@code theta}. */
    public static GradientClipping clipScaled(double theta, double scale) {
        return new GradientClipping(Mode.CLIP, theta, 0, scale);
    }

    public static GradientClipping normalize(double theta, double minNorm) {
        return new GradientClipping(Mode.NORMALIZE, theta, minNorm);
    }

    /** The global norm of the last gradient the update was to use, before rescaling. */
    public double lastNorm() {
        return lastNorm;
    }

    @Override
    public void onGradientCalculation(Model model) {
        INDArray g = model.getGradientsViewArray();
        lastNorm = g.norm2Number().doubleValue() / Math.max(1, model.batchSize());
        apply(g, lastNorm);
    }

    /** Rescales {@code g} in place given the norm of the gradient it stands for (any positive multiple of it). */
    void apply(INDArray g, double norm) {
        switch (mode) {
            case NONE -> {
            }
            case CLIP -> {
                double scaled = norm * scale;
                double factor = scale * (scaled > theta ? theta / scaled : 1);
                if (factor != 1) {
                    g.muli(factor);
                }
            }
            case NORMALIZE -> {
                if (norm < minNorm || norm == 0) {
                    g.assign(0.0);
                } else {
                    g.muli(theta / norm);
                }
            }
        }
    }
}
