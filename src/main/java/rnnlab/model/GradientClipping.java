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
 * <li>{@link Mode#CLIP}: the tutorials' {@code grad_clipping}, {@code g <- min(1, theta/||g||) g}.</li>
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
    private double lastNorm = Double.NaN;

    public GradientClipping(Mode mode, double theta, double minNorm) {
        if (mode != Mode.NONE && !(theta > 0)) {
            throw new IllegalArgumentException("clipping threshold must be positive, got " + theta);
        }
        this.mode = mode;
        this.theta = theta;
        this.minNorm = minNorm;
    }

    public static GradientClipping clip(double theta) {
        return new GradientClipping(Mode.CLIP, theta, 0);
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
                if (norm > theta) {
                    g.muli(theta / norm);
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
