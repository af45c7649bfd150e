package rnnlab.lm;

import java.nio.FloatBuffer;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Cross-entropy as PyTorch's {@code nn.CrossEntropyLoss} takes it over a language model's output: the
 * mean over every token. DL4J's {@code RnnOutputLayer} sums its loss over the time steps and averages
 * over the sequences, {@code steps} times that; this divides by {@code steps}, so the score is the
 * tutorials' loss and the gradient (and anything that clips it or steps along it) is theirs too.
 *
 * <p>Labels may be one-hot ({@code [rows, classes]} after DL4J flattens the time steps; DL4J's
 * {@code LossMCXENT} does the work) or, cheaper for a large vocabulary, token ids ({@code [rows, 1]}, with
 * a softmax output), as {@link SequenceSoftmaxOutput} takes them.
 */
public final class TokenMeanXent implements ILossFunction {
    private final LossMCXENT inner = new LossMCXENT();
    private int steps;

    public TokenMeanXent(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be positive");
        }
        this.steps = steps;
    }

    /** For JSON deserialisation. */
    public TokenMeanXent() {
        this(1);
    }

    public int getSteps() {
        return steps;
    }

    public void setSteps(int steps) {
        this.steps = steps;
    }

    static boolean ids(INDArray labels, INDArray preOutput) {
        return labels.size(1) == 1 && preOutput.size(1) > 1;
    }

    /** Softmax probabilities of {@code preOutput}, a fresh c-order float array. */
    private static INDArray softmax(INDArray preOutput) {
        return Transforms.softmax(preOutput.castTo(DataType.FLOAT).dup('c'), false);
    }

    /** Sum over rows of -log p[row, label]; with {@code subtract} also p[row, label] -= 1 in place. */
    static double pickAndSubtract(INDArray p, INDArray labels, boolean subtract) {
        int rows = (int) p.size(0);
        int classes = (int) p.size(1);
        float[] ids = labels.castTo(DataType.FLOAT).dup('c').data().asFloat();
        FloatBuffer buf = new FloatPointer(p.data().addressPointer()).capacity(p.length()).limit(p.length()).asBuffer();
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            int i = r * classes + Math.round(ids[r]);
            float v = buf.get(i);
            sum -= Math.log(Math.max(v, 1e-10f)); // LossMCXENT's clipping of tiny probabilities
            if (subtract) {
                buf.put(i, v - 1f);
            }
        }
        return sum;
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
            boolean average) {
        if (ids(labels, preOutput)) {
            double sum = pickAndSubtract(softmax(preOutput), labels, false) / steps;
            return average ? sum / preOutput.size(0) : sum;
        }
        return inner.computeScore(labels, preOutput, activationFn, mask, average) / steps;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        if (ids(labels, preOutput)) {
            throw new UnsupportedOperationException("per-example scores need one-hot labels");
        }
        return inner.computeScoreArray(labels, preOutput, activationFn, mask).divi(steps);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        if (!ids(labels, preOutput)) {
            return inner.computeGradient(labels, preOutput, activationFn, mask).divi(steps);
        }
        if (mask != null) {
            throw new UnsupportedOperationException("TokenMeanXent does not support masks with id labels");
        }
        INDArray p = softmax(preOutput); // (softmax - onehot) / steps
        pickAndSubtract(p, labels, true);
        return p.divi(steps).castTo(preOutput.dataType());
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
            IActivation activationFn, INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String name() {
        return "TokenMeanXent";
    }

    @Override
    public String toString() {
        return "TokenMeanXent(steps=" + steps + ")";
    }
}
