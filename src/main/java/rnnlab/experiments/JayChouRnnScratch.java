package rnnlab.experiments;

import java.util.List;

import rnnlab.core.Catalog;
import rnnlab.core.Config;
import rnnlab.data.CharLmIterator;
import rnnlab.core.Markdown;

/**
 * d2l-zh v1's {@code train_and_predict_rnn}: the recurrent network from scratch on the Jay Chou lyrics
 * (hidden 256, SGD lr 100, clipping at 0.01, 250 epochs), with random sampling and with consecutive
 * sampling.
 */
public final class JayChouRnnScratch extends CharLmExperiment {
    public JayChouRnnScratch() {
        super(Corpus.JAY_CHOU);
    }

    @Override
    Plan plan(Config c, Common p) {
        return scratchPlan(c, p, CharLmIterator.Sampling.RANDOM);
    }

    @Override
    String modelNote(Config c) {
        return "d2l-zh's from-scratch `rnn` with `get_params` (normal(0, 0.01) weights, zero biases) over one-hot "
                + "characters, mean cross-entropy, `grad_clipping` over the global norm of all parameters (theta "
                + c.string("clipping_theta") + ") and `sgd(params, lr, 1)`, written in explicit ND4J "
                + "(`rnnlab.lm.ScratchRnn`, backpropagation through time by hand). Random sampling "
                + "(`data_iter_random`) zeroes the state every batch; consecutive sampling (`data_iter_consecutive`) "
                + "zeroes it at each epoch's start and carries it, detached, across batches. The vocabulary is the "
                + "1,027 distinct characters of the first 10,000 in order of first appearance (the tutorial's "
                + "`list(set(...))` has no fixed order).";
    }

    @Override
    String tutorialFigure(String sampling) {
        return "not printed";
    }

    @Override
    String tutorialNote() {
        List<Catalog.Figure> concise = Printed.figures("JayChouRnn");
        Catalog.Figure last = concise.get(concise.size() - 1);
        return "The tutorial shows `train_and_predict_rnn` but prints no output for it, so there is no figure to "
                + "set beside ours; its concise RNN (JayChouRnn) reached perplexity " + Markdown.f(last.printed(), 2)
                + " after " + last.epoch() + " epochs.";
    }
}
