package rnnlab.experiments;

import rnnlab.lm.CharRnnModel;

/** d2l-zh's bidirectional GRU on the Jay Chou lyrics: 128 per direction, Adam lr 1e-2, 160 epochs (a flawed language model, kept as the tutorial has it). */
public final class JayChouBiGru extends JayChouConcise {
    public JayChouBiGru() {
        super(CharRnnModel.Cell.GRU, 1, true);
    }

    @Override
    String layerNote() {
        return "One `nn.GRU(vocab, 128, bidirectional=True)` layer: DL4J's `Bidirectional` wrapper (outputs concatenated, 256 "
                + "wide) around two of the project's `rnnlab.model.Gru` in `nn.GRU`'s form (reset gate after the recurrent "
                + "product, two biases). Each direction carries its own state as "
                + "PyTorch's does: the backward direction starts a batch from where it ended the previous one, that "
                + "batch's first step. **This is a flawed language model**, reproduced as the tutorial has it: the "
                + "backward direction reads the sequence from its end, so the output at step t has already seen "
                + "character t+1, the one it must predict. Training perplexity falls to about 1 by copying it, and "
                + "generation, which feeds one character at a time and so gives the backward direction nothing ahead "
                + "to read, degenerates into repeated fragments.";
    }

    @Override
    String tutorialFigure(String sampling) {
        return Printed.lastAtEpoch(this);
    }

    @Override
    String tutorialNote() {
        return "The tutorial printed " + Printed.series(this) + ", with text that repeats '开始开始...' and "
                + "'球我球我...'.";
    }
}
