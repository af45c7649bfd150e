package rnnlab.model;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import org.bytedeco.javacpp.DoublePointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

import rnnlab.kernels.NativeFloats;

/**
 * Adam as PyTorch's {@code torch.optim.Adam} computes it (1.13, {@code amsgrad=False}, no weight decay), for
 * every experiment whose tutorial trains with Adam. DL4J M2.1's {@code Adam} adds epsilon to sqrt(v) before
 * the bias correction, {@code lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)}, which is PyTorch's step
 * with an effective epsilon of {@code eps / sqrt(1 - b2^t)}: 31.6 times PyTorch's at step 1, 3.2 times at
 * step 100. PyTorch's step, with t counted from 1:
 *
 * <pre>
 * m = b1 m + (1 - b1) g;   v = b2 v + (1 - b2) g g
 * p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 *
 * The state (m, then v, each as long as the parameters) lives in DL4J's updater state view, as DL4J's Adam
 * keeps it, so {@code ModelSerializer} and the project's checkpoints save and restore it; t is DL4J's
 * iteration count plus one, which both save. The configuration is JSON like DL4J's own updaters, so saved
 * models and configurations name it and load it back.
 *
 * <p>Arithmetic is in the parameters' type (float for the float networks, double for double ones), in
 * PyTorch's order with its roundings: the scalars (b1, 1 - b1, b2, 1 - b2, sqrt(1 - b2^t), eps, the step
 * size) are computed in double and rounded to the type, as PyTorch does with Python floats on a float32
 * tensor, and the multiply-adds that PyTorch's CPU kernels fuse are fused here ({@link Math#fma}). On the
 * test's fixture it gives PyTorch 1.13's numbers bit for bit. What can differ: PyTorch built for another
 * CPU (no FMA, or a compiler that does not fuse) rounds those multiply-adds twice, a last-bit difference.
 * The step is a Java loop over the arrays' memory, not ND4J's native ops (which round every operation).
 */
public final class TorchAdam implements IUpdater {
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;
    public static final double DEFAULT_EPSILON = 1e-8;

    private double learningRate;
    private ISchedule learningRateSchedule;
    private double beta1;
    private double beta2;
    private double epsilon;

    /** For JSON deserialisation. */
    private TorchAdam() {
    }

    /** PyTorch's defaults but the learning rate: betas (0.9, 0.999), eps 1e-8. */
    public TorchAdam(double learningRate) {
        this(learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON);
    }

    public TorchAdam(double learningRate, double beta1, double beta2, double epsilon) {
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double epsilon() {
        return epsilon;
    }

    @Override
    public long stateSize(long numParams) {
        return 2 * numParams;
    }

    @Override
    public GradientUpdater<TorchAdam> instantiate(INDArray viewArray, boolean initializeViewArray) {
        // DL4J M2.1 hands the gradient of an updater block over as a vector of its length
        Updater u = new Updater(this);
        u.setStateViewArray(viewArray, new long[] {viewArray.length() / 2}, viewArray.ordering(), initializeViewArray);
        return u;
    }

    @Override
    public GradientUpdater<TorchAdam> instantiate(Map<String, INDArray> state, boolean initializeStateArrays) {
        Updater u = new Updater(this);
        u.setState(state, initializeStateArrays);
        return u;
    }

    @Override
    public TorchAdam clone() {
        TorchAdam c = new TorchAdam(learningRate, beta1, beta2, epsilon);
        c.learningRateSchedule = learningRateSchedule == null ? null : learningRateSchedule.clone();
        return c;
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRateSchedule != null ? learningRateSchedule.valueAt(iteration, epoch) : learningRate;
    }

    @Override
    public boolean hasLearningRate() {
        return true;
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        learningRate = lr;
        learningRateSchedule = lrSchedule;
    }

    // DL4J shares one updater block between layers whose configurations are equal
    @Override
    public boolean equals(Object o) {
        return o instanceof TorchAdam a && Double.compare(a.learningRate, learningRate) == 0
                && Objects.equals(a.learningRateSchedule, learningRateSchedule) && Double.compare(a.beta1, beta1) == 0
                && Double.compare(a.beta2, beta2) == 0 && Double.compare(a.epsilon, epsilon) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, learningRateSchedule, beta1, beta2, epsilon);
    }

    @Override
    public String toString() {
        return "TorchAdam(lr=" + learningRate + (learningRateSchedule == null ? "" : ", schedule=" + learningRateSchedule)
                + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + epsilon + ")";
    }

    /** The step itself; m and v are views of DL4J's updater state. */
    static final class Updater implements GradientUpdater<TorchAdam> {
        static final String M = "M";
        static final String V = "V";
        private final TorchAdam config;
        private INDArray m;
        private INDArray v;

        Updater(TorchAdam config) {
            this.config = config;
        }

        @Override
        public TorchAdam getConfig() {
            return config;
        }

        @Override
        public void setStateViewArray(INDArray view, long[] gradientShape, char gradientOrder, boolean initialize) {
            if (!view.isVectorOrScalar()) {
                throw new IllegalArgumentException("TorchAdam's state must be a vector, not " + Arrays.toString(view.shape()));
            }
            if (initialize) {
                view.assign(0);
            }
            INDArray flat = view.reshape(view.length());
            long half = flat.length() / 2;
            m = Shape.newShapeNoCopy(flat.get(NDArrayIndex.interval(0, half)), gradientShape, gradientOrder == 'f');
            v = Shape.newShapeNoCopy(flat.get(NDArrayIndex.interval(half, 2 * half)), gradientShape, gradientOrder == 'f');
            if (m == null || v == null) {
                throw new IllegalStateException("TorchAdam's state cannot take the gradient's shape " + Arrays.toString(gradientShape));
            }
        }

        @Override
        public void setState(Map<String, INDArray> state, boolean initialize) {
            if (state == null || !state.containsKey(M) || !state.containsKey(V)) {
                throw new IllegalStateException("TorchAdam's state needs arrays " + M + " and " + V + ", got "
                        + (state == null ? null : state.keySet()));
            }
            m = state.get(M);
            v = state.get(V);
            if (initialize) {
                m.assign(0);
                v.assign(0);
            }
        }

        @Override
        public Map<String, INDArray> getState() {
            Map<String, INDArray> state = new HashMap<>();
            state.put(M, m);
            state.put(V, v);
            return state;
        }

        /** Replaces {@code gradient} by the step DL4J then subtracts from the parameters. */
        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            if (m == null) {
                throw new IllegalStateException("TorchAdam has no state view");
            }
            int t = iteration + 1;
            double stepSize = config.getLearningRate(iteration, epoch) / (1 - Math.pow(config.beta1, t));
            double correction2Sqrt = Math.sqrt(1 - Math.pow(config.beta2, t));
            INDArray g = contiguous(gradient);
            INDArray mm = contiguous(m);
            INDArray vv = contiguous(v);
            if (gradient.dataType() == DataType.FLOAT && m.dataType() == DataType.FLOAT) {
                stepFloat(NativeFloats.buffer(g), NativeFloats.buffer(mm), NativeFloats.buffer(vv), (int) g.length(), (float) config.beta1,
                        (float) (1 - config.beta1), (float) config.beta2, (float) (1 - config.beta2),
                        (float) correction2Sqrt, (float) config.epsilon, (float) stepSize);
            } else if (gradient.dataType() == DataType.DOUBLE && m.dataType() == DataType.DOUBLE) {
                stepDouble(doubles(g), doubles(mm), doubles(vv), (int) g.length(), config.beta1, 1 - config.beta1,
                        config.beta2, 1 - config.beta2, correction2Sqrt, config.epsilon, stepSize);
            } else {
                throw new IllegalArgumentException("TorchAdam steps float or double parameters, not "
                        + gradient.dataType() + " with a " + m.dataType() + " state");
            }
            copyBack(g, gradient);
            copyBack(mm, m);
            copyBack(vv, v);
        }

        /*
         * Element by element as PyTorch 1.13's CPU kernels compute it (AVX2 build, whose compiler fuses a
         * multiply and an add into one rounding where the expression allows it, vector lanes and tail alike):
         *   exp_avg.mul_(b1).add_(g, alpha=1-b1)          m = fma(g, 1-b1, m*b1)
         *   exp_avg_sq.mul_(b2).addcmul_(g, g, value=1-b2) v = fma((1-b2)*g, g, v*b2)
         *   denom = (exp_avg_sq.sqrt() / bc2_sqrt).add_(eps)
         *   p.addcdiv_(exp_avg, denom, value=-step_size)  p = p + (-step*m)/denom; DL4J subtracts (step*m)/denom
         */
        private static void stepFloat(FloatBuffer g, FloatBuffer m, FloatBuffer v, int n, float b1, float c1, float b2,
                float c2, float correction2Sqrt, float eps, float step) {
            for (int i = 0; i < n; i++) {
                float gi = g.get(i);
                float mi = Math.fma(gi, c1, m.get(i) * b1);
                float vi = Math.fma(c2 * gi, gi, v.get(i) * b2);
                float denom = (float) Math.sqrt(vi) / correction2Sqrt + eps;
                m.put(i, mi);
                v.put(i, vi);
                g.put(i, step * mi / denom);
            }
        }

        private static void stepDouble(DoubleBuffer g, DoubleBuffer m, DoubleBuffer v, int n, double b1, double c1,
                double b2, double c2, double correction2Sqrt, double eps, double step) {
            for (int i = 0; i < n; i++) {
                double gi = g.get(i);
                double mi = Math.fma(gi, c1, m.get(i) * b1);
                double vi = Math.fma(c2 * gi, gi, v.get(i) * b2);
                double denom = Math.sqrt(vi) / correction2Sqrt + eps;
                m.put(i, mi);
                v.put(i, vi);
                g.put(i, step * mi / denom);
            }
        }

        /*
         * The loops read and write the arrays' memory in place (copies of a million floats cost more than the
         * step): an array whose elements lie in one run, as DL4J's gradient and state views do, is used as it
         * is, any other through a copy written back. Element-wise, so any one order of the elements does.
         */
        private static INDArray contiguous(INDArray a) {
            boolean oneRun = a.elementWiseStride() == 1 && (a.isVectorOrScalar() || a.ordering() == 'c');
            return oneRun ? a : a.dup('c');
        }

        private static void copyBack(INDArray work, INDArray into) {
            if (work != into) {
                into.assign(work);
            }
        }

        // as NativeFloats.buffer: a view's data buffer starts at the view's first element
        private static DoubleBuffer doubles(INDArray a) {
            long n = a.length();
            return new DoublePointer(a.data().addressPointer()).position(0).limit(n).capacity(n).asBuffer();
        }
    }
}
