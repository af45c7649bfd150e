package rnnlab.experiments;

import rnnlab.lm.CharRnnModel;

/** d2l-zh's concise LSTM on the Jay Chou lyrics: one layer of 256, Adam lr 1e-2, 160 epochs. */
public final class JayChouLstm extends JayChouConcise {
    public JayChouLstm() {
        super(CharRnnModel.Cell.LSTM, 1, false);
    }

    @Override
    String layerNote() {
        return "One `nn.LSTM(vocab, 256)` layer: the project's `rnnlab.model.Lstm` (DL4J's LSTM equations and layout on raw "
                + "buffers) with PyTorch's two biases (a test checks it gives `nn.LSTM`'s outputs and gradients), every "
                + "bias drawn as PyTorch draws it, the forget gate's not set to 1.";
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
