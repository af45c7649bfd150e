package rnnlab.experiments;

/**
 * Zaremba et al.'s medium LSTM: 2 x 650, init +-0.05, 35 steps, dropout 0.5 on the non-recurrent connections, lr 1
 * divided by 1.2 after epoch 6, 39 epochs.
 */
public final class PtbZarembaMedium extends PtbZaremba {
    public PtbZarembaMedium() {
        super("medium", 82.07);
    }

    @Override
    String modelShape() {
        return "A 650-wide embedding, two stacked LSTMs of 650 (the project's `rnnlab.model.Lstm`), a linear softmax "
                + "over the 10,000 words; weights in +-0.05; batches of 20 columns unrolled 35 steps; lr 1, divided by "
                + "1.2 at each epoch after the 6th (the paper's; TensorFlow's MediumConfig multiplies by 0.8), 39 epochs; "
                + "dropout 0.5 on the embedding's output, between the layers and before the softmax, its masks drawn from "
                + "the seed's streams by iteration (`rnnlab.model.SeededDropout`), none on the recurrent state.";
    }
}
