package rnnlab.experiments;

import rnnlab.core.Config;
import rnnlab.core.UserError;
import rnnlab.data.CharLmIterator;
import rnnlab.lm.ScratchRnn;
import rnnlab.model.TorchStart;

/**
 * d2l v2 section 8.5: a recurrent network from scratch on The Time Machine (hidden 512, SGD lr 1,
 * clipping at 1, 500 epochs), with sequential partitioning and with the state reset every batch.
 */
public final class TimeMachineRnnScratch extends CharLmExperiment {
    public TimeMachineRnnScratch() {
        super(Corpus.TIME_MACHINE);
    }

    @Override
    Plan plan(Config c, Common p) {
        CharLmIterator.Sampling randomRun = c.choice("random_run_batches", "sequential", "random").equals("random")
                ? CharLmIterator.Sampling.RANDOM : CharLmIterator.Sampling.SEQUENTIAL;
        if (c.choice("start", "own", "tutorial").equals("tutorial")) {
            if (randomRun == CharLmIterator.Sampling.RANDOM && c.choices("samplings", "random", "sequential")
                    .contains("random")) {
                throw new UserError("start=tutorial hands over the order of the tutorial's batches, which its sequential "
                        + "iterator draws: drop -Drandom_run_batches=random");
            }
            if (c.overrides().containsKey("num_steps")) { // its offsets are drawn from 0..num_steps
                throw new UserError("start=tutorial hands over the order of the tutorial's batches, drawn for its own "
                        + "num_steps: drop -Dnum_steps");
            }
        }
        Plan scratch = scratchPlan(c, p, randomRun);
        // the tutorial's start: its five tensors as it keeps them ([in, out] weights, as ScratchRnn does) and the
        // offset of each epoch's batches, which its runs (both samplings: the random run reuses the sequential
        // iterator) draw from Python's random
        return new Plan(scratch.samplings(), scratch.model(), TorchStart.asIs(ScratchRnn.NAMES));
    }

    @Override
    String modelNote(Config c) {
        return "The tutorial's `RNNModelScratch`: parameters `W_xh, W_hh, b_h, W_hq, b_q` (normal times 0.01, "
                + "zero biases), `H = tanh(X W_xh + H W_hh + b_h)` over one-hot characters, a linear output at every "
                + "step, mean cross-entropy, `grad_clipping` over the global norm of all five gradients (theta "
                + c.string("clipping_theta") + ") and plain SGD, written in explicit ND4J (`rnnlab.lm.ScratchRnn`, with "
                + "backpropagation through time by hand where the tutorial uses autograd; a test checks the gradients "
                + "against finite differences). Sequential partitioning zeroes the state at each epoch's start and "
                + "carries it, detached, from batch to batch; the random run zeroes it every batch. The tutorial's "
                + "random run reuses the `train_iter` it built for sequential partitioning (`load_data_time_machine` "
                + "defaults to `use_random_iter=False`), so its batches are sequential ones with the state reset: "
                + "that is the default here (`random_run_batches=" + c.string("random_run_batches")
                + "`); `-Drandom_run_batches=random` uses d2l's `seq_data_iter_random` instead.";
    }

    @Override
    String tutorialFigure(String sampling) {
        return Printed.at(this, "sampling=" + sampling).quoted() + " (epoch 500)";
    }

    @Override
    String tutorialNote() {
        return "The tutorial printed perplexity " + Printed.at(this, "sampling=sequential").quoted()
                + " for sequential partitioning and " + Printed.at(this, "sampling=random").quoted()
                + " for the random run after 500 epochs, at about 28,000 tokens/s on its CPU. Its figures come from "
                + "one unseeded run each; re-running its PyTorch code here gave 1.16 / 1.04 / 1.15 (sequential) for "
                + "seeds 0 / 1 / 2, so the second decimal moves with the seed.";
    }
}
