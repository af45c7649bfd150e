package rnnlab.experiments;

import rnnlab.model.SequenceClassifier.Cell;

/** The DigitSum memory task with an LSTM in place of the SRN, all else equal. */
public final class DigitSumLstm extends DigitSumExperiment {
    public DigitSumLstm() {
        super(Cell.LSTM);
    }

    @Override
    String tutorialNote() {
        return "The tutorial has no LSTM run; its point is that the SRN's accuracy falls as the length grows "
                + "(DigitSumSrn). DigitSum.md sets the two side by side.";
    }

    @Override
    String modelNote() {
        return "Beyond the tutorial: the same task and settings with an LSTM (hidden 32, tanh, sigmoid gates, "
                + "xavier-uniform weights, forget-gate bias 1) in place of the SRN, to show how the two memories "
                + "compare as the length grows. The layer is the project's `rnnlab.model.Lstm`: DL4J's LSTM equations, "
                + "parameter layout and initialisation, computed on raw buffers (a test checks it gives DL4J's LSTM "
                + "outputs and gradients; it trains about 4x faster). See DigitSum.md for both side by side.";
    }
}
