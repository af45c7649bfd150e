package rnnlab.lm;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Cross-entropy as PyTorch's {@code nn.CrossEntropyLoss} takes it over a language model's output: the
 * mean over every token. DL4J's {@code RnnOutputLayer} sums its loss over the time steps and averages
 * over the sequences, {@code steps} times that; this divides by {@code steps}, so the score is the
 * tutorials' loss and the gradient (and anything that clips it or steps along it) is theirs too.
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

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
            boolean average) {
        return inner.computeScore(labels, preOutput, activationFn, mask, average) / steps;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return inner.computeScoreArray(labels, preOutput, activationFn, mask).divi(steps);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return inner.computeGradient(labels, preOutput, activationFn, mask).divi(steps);
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
