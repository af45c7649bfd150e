package rnnlab.train;

import java.io.IOException;

/**
 * One job's training as the job lifecycle ({@code rnnlab.jobs.JobRun}) drives it: an epoch at a time, with the
 * whole state written as a checkpoint after each epoch and restored from one into a fresh instance. The DigitSum
 * classifier ({@link ClassifierRunner}), the character language models ({@link LmTrainer}) and the word language
 * model ({@link WordLmTrainer}) are trained this way.
 */
public interface EpochTraining {
    /** Epochs the job trains in all. */
    int epochs();

    /** Epochs trained so far, by this instance or the run its checkpoint came from. */
    int epochsDone();

    /**
     * Restores a {@link #checkpoint} into this fresh instance; returns where training goes on, for the log
     * ({@code after epoch 3 of 10}).
     */
    String restore(byte[] checkpoint) throws IOException;

    /**
     * Trains the rest of epoch {@link #epochsDone} + 1 (all of it, or from where a checkpoint within it left off),
     * writing checkpoints within it through {@code within} where the training does; returns whether the epoch showed
     * something the pages report while the job trains (a prediction epoch).
     */
    boolean trainEpoch(Within within);

    /** The whole training state, for a checkpoint: the job goes on from it to the numbers of a run never stopped. */
    byte[] checkpoint();

    /** Checkpoints inside an epoch, for an epoch long enough to lose (the Penn Treebank models'). */
    interface Within {
        /** Whether {@code -Dcheckpoint_every} seconds have passed since the epoch began or the last checkpoint. */
        boolean due();

        /** Writes a checkpoint from inside the epoch. */
        void write(byte[] checkpoint);
    }
}
