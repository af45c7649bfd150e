package rnnlab.experiments;

import rnnlab.lm.CharRnnModel;

/** d2l-zh's deep RNN on the Jay Chou lyrics: a 2-layer LSTM of 256, Adam lr 1e-2, 160 epochs. */
public final class JayChouDeepLstm extends JayChouConcise {
    public JayChouDeepLstm() {
        super(CharRnnModel.Cell.LSTM, 2, false);
    }

    @Override
    String layerNote() {
        return "Two stacked `nn.LSTM(vocab, 256, num_layers=2)` layers: the project's `rnnlab.model.Lstm` twice, with "
                + "PyTorch's two biases, each carrying its own state (h, c).";
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
