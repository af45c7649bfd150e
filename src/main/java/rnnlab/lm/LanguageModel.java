package rnnlab.lm;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A character language model as the tutorials' training loops see it: it trains on a batch from its
 * current hidden state, which then stands at the batch's end (detached), and it can be reset to zeros
 * or set aside while it generates. Token ids at or above {@link #vocab} (a held-out character the
 * training text never had) are fed as all-zero vectors.
 */
public interface LanguageModel {
    /** Output classes (and one-hot input width). */
    int vocab();

    /** One update on {@code x -> y} ({@code [rows][steps]} ids); returns the mean cross-entropy per token before it. */
    double fit(int[][] x, int[][] y);

    /** Next-token probabilities {@code [rows, vocab, steps]} for {@code x}, advancing the state. */
    INDArray probabilities(int[][] x);

    /** Zero state (the tutorials' {@code begin_state}). */
    void resetState();

    /** The current state, for {@link #restoreState}. */
    Object saveState();

    void restoreState(Object state);

    long numParams();

    /**
     * Everything training has changed, for a checkpoint: parameters, the optimiser's state and step count, and the
     * carried hidden state ({@code rnnlab.checkpoints}).
     */
    void writeTraining(DataOutputStream out) throws IOException;

    /** Puts back what {@link #writeTraining} wrote, into a model built with the same settings. */
    void readTraining(DataInputStream in) throws IOException;
}
