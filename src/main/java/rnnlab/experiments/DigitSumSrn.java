package rnnlab.experiments;

import rnnlab.model.SequenceClassifier.Cell;

/** NNDL 6.1 as the tutorial runs it: the hand-written SRN, H_t = tanh(X_t W + H_{t-1} U + b). */
public final class DigitSumSrn extends DigitSumExperiment {
    public DigitSumSrn() {
        super(Cell.SRN);
    }

    @Override
    String tutorialNote() {
        return "The tutorial shows its results only as plots (figures 6.6 and 6.7, no printed numbers): dev and test "
                + "accuracy fall as the length grows while the training loss still approaches 0, which is what this "
                + "table shows too.";
    }

    @Override
    String modelNote() {
        return "The table shows the hand-written SRN (`rnnlab.model.Srn`: H_t = tanh(X_t W + H_{t-1} U + b), "
                + "forward and backward written out by hand, its time steps on raw buffers), which the tutorial trains; "
                + "DL4J's SimpleRnn computes "
                + "the same function and is compared below.";
    }
}
