package rnnlab.experiments;

import java.util.List;

import rnnlab.core.Config;
import rnnlab.data.CharLmIterator;
import rnnlab.lm.CharRnnModel;
import rnnlab.lm.NetLanguageModel;
import rnnlab.model.Layers;
import rnnlab.model.GradientClipping;
import rnnlab.model.TorchAdam;
import rnnlab.model.TorchStart;
import rnnlab.train.LmTrainer.StateReset;

/**
 * d2l-zh v1's concise models ({@code RNNModel} trained by {@code train_and_predict_rnn_pytorch}): a
 * DL4J network, Adam, consecutive sampling with the state carried across batches and epochs. The
 * subclasses name the recurrent layer.
 */
abstract class JayChouConcise extends CharLmExperiment {
    private final CharRnnModel.Cell cell;
    private final int layers;
    private final boolean bidirectional;

    JayChouConcise(CharRnnModel.Cell cell, int layers, boolean bidirectional) {
        super(Corpus.JAY_CHOU);
        this.cell = cell;
        this.layers = layers;
        this.bidirectional = bidirectional;
    }

    @Override
    Plan plan(Config c, Common p) {
        boolean clip = c.choice("clipping", "none", "global").equals("global");
        double theta = c.real("clipping_theta", 1e-12, 1e12);
        if (p.layers() == Layers.DL4J && cell == CharRnnModel.Cell.GRU) {
            throw Layers.unsupported(c.experiment(), "DL4J has no GRU layer for networks (the project's rnnlab.model.Gru "
                    + "is one)");
        }
        return new Plan(List.of(new Sampling("sequential", CharLmIterator.Sampling.SEQUENTIAL, StateReset.NEVER)),
                (vocab, seed) -> new NetLanguageModel(
                        CharRnnModel.build(p.layers(), cell, vocab, p.hidden(), layers, bidirectional,
                                new TorchAdam(p.lr()), p.steps(), seed, true),
                        vocab, clip ? GradientClipping.clip(theta) : null),
                TorchStart.rnnModel(TorchStart.Gates.valueOf(cell.name()), layers, bidirectional));
    }

    /** The layer, for the results page. */
    abstract String layerNote();

    @Override
    String modelNote(Config c) {
        boolean clip = c.string("clipping").equals("global");
        return layerNote() + " The model is d2l-zh's `RNNModel`: one-hot characters into the recurrent layer, a "
                + "dense output over every step, mean cross-entropy, Adam (lr " + c.string("lr") + "), every parameter "
                + "drawn as PyTorch's defaults draw it. As the tutorial's `train_and_predict_rnn_pytorch`, batches "
                + "come by consecutive sampling and the state is set to zeros once, before the first epoch, then "
                + "carried (detached) across batches and epochs. "
                + (clip ? "Gradients are clipped to global norm " + c.string("clipping_theta")
                        + " (`clipping=global`), which the tutorial meant to do but did not."
                        : "**No gradient clipping** (`clipping=none`), which is what the tutorial's code effectively "
                                + "does: it hands `model.parameters()`, a generator, to `grad_clipping`, whose norm "
                                + "loop uses it up, so the rescaling loop sees no parameters. `-Dclipping=global` "
                                + "clips for real at `clipping_theta`.");
    }
}
