package rnnlab.experiments;

import rnnlab.lm.WordRnnModel;

/** The Penn Treebank course's RNN: Embedding(10000, 150), tanh RNN(150), Linear(150, 10000), 10 epochs. */
public final class PtbWordRnn extends PtbWordLm {
    public PtbWordRnn() {
        super(WordRnnModel.Cell.RNN);
    }

    @Override
    double[] printedTestPerplexity() {
        return Printed.perEpoch(this);
    }

    @Override
    String modelNote() {
        return "`three_layer_recurrent_net` with `nn.RNN`: a 150-wide embedding, a tanh recurrent layer of 150 (the "
                + "project's `rnnlab.model.Srn`, which carries its state across batches), a linear layer to the 10,000 "
                + "words at every step; SGD with lr 1, divided by 1.1 each epoch from the fifth, and the course's "
                + "`normalize_gradient` before every step: all gradients divided by their global norm, so every step "
                + "has length lr (clipping at 5 instead, as is common, ends near test perplexity 194, not 155).";
    }
}
