package rnnlab.experiments;

import rnnlab.lm.CharRnnModel;

/** d2l-zh's concise RNN on the Jay Chou lyrics: one tanh layer of 256, Adam lr 1e-3, 250 epochs. */
public final class JayChouRnn extends JayChouConcise {
    public JayChouRnn() {
        super(CharRnnModel.Cell.RNN, 1, false);
    }

    @Override
    String layerNote() {
        return "One tanh `nn.RNN(vocab, 256)` layer: the project's `rnnlab.model.Srn` with PyTorch's two biases (a test checks "
                + "it gives `nn.RNN`'s outputs and gradients), which can carry its state from one batch to the "
                + "next while training (DL4J's own layers clear it at every `fit`).";
    }

    @Override
    String tutorialFigure(String sampling) {
        return Printed.lastAtEpoch(this);
    }

    @Override
    String tutorialNote() {
        return "The tutorial printed " + Printed.series(this) + ".";
    }
}
