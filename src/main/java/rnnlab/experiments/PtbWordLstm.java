package rnnlab.experiments;

import java.util.List;

import rnnlab.core.Catalog;
import rnnlab.lm.WordRnnModel;

/** The Penn Treebank course's LSTM: Embedding(10000, 300), LSTM(300), Linear(300, 10000), 8 epochs. */
public final class PtbWordLstm extends PtbWordLm {
    public PtbWordLstm() {
        super(WordRnnModel.Cell.LSTM);
    }

    @Override
    double[] printedTestPerplexity() {
        return Printed.perEpoch(this); // the course printed only the last
    }

    @Override
    String modelNote() {
        List<Catalog.Figure> printed = Printed.figures(this);
        Catalog.Figure last = printed.get(printed.size() - 1);
        return "`three_layer_recurrent_net` with `nn.LSTM`: a 300-wide embedding, an LSTM of 300 (the project's "
                + "`rnnlab.model.Lstm`, PyTorch's initialisation, state (h, c) carried across batches), a linear layer "
                + "to the 10,000 words at every step; SGD with lr 5, divided by 3 each epoch from the third, and the "
                + "course's gradient normalisation to norm 1 before every step. The course printed a final test "
                + "perplexity of " + last.quoted() + " after " + last.epoch() + " epochs.";
    }
}
