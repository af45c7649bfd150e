package rnnlab.experiments;

import rnnlab.lm.CharRnnModel;

/** d2l-zh's concise GRU on the Jay Chou lyrics: one layer of 256, Adam lr 1e-2, 160 epochs. */
public final class JayChouGru extends JayChouConcise {
    public JayChouGru() {
        super("JayChouGru", CharRnnModel.Cell.GRU, 1, false);
    }

    @Override
    String layerNote() {
        return "One `nn.GRU(vocab, 256)` layer: the project's `rnnlab.model.Gru` (DL4J has no GRU layer for networks), with "
                + "d2l's equations: the candidate is `tanh(X W_xh + (R * H) W_hh + b_h)`, where PyTorch's `nn.GRU` "
                + "applies the reset gate after the product, `R * (H W_hn + b_hn)`; a gradient check tests it.";
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
