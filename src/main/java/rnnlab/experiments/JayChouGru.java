package rnnlab.experiments;

import rnnlab.lm.CharRnnModel;

/** d2l-zh's concise GRU on the Jay Chou lyrics: one layer of 256, Adam lr 1e-2, 160 epochs. */
public final class JayChouGru extends JayChouConcise {
    public JayChouGru() {
        super(CharRnnModel.Cell.GRU, 1, false);
    }

    @Override
    String layerNote() {
        return "One `nn.GRU(vocab, 256)` layer: the project's `rnnlab.model.Gru` (DL4J has no GRU layer for networks), in "
                + "`nn.GRU`'s form: the candidate is `tanh(X W_in + b_in + R * (H W_hn + b_hn))`, the reset gate after "
                + "the product, with PyTorch's two biases; gradient checks and a test against outputs and gradients "
                + "PyTorch computed for the same weights cover it.";
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
