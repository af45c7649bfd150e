package rnnlab.experiments;

/** Zaremba et al.'s non-regularised small LSTM: 2 x 200, init +-0.1, 20 steps, lr 1 halved after epoch 4, 13 epochs. */
public final class PtbZarembaSmall extends PtbZaremba {
    public PtbZarembaSmall() {
        super("small", 115.91);
    }

    @Override
    String modelShape() {
        return "A 200-wide embedding, two stacked LSTMs of 200 (the project's `rnnlab.model.Lstm`), a linear softmax "
                + "over the 10,000 words; weights in +-0.1; batches of 20 columns unrolled 20 steps; lr 1, halved at each "
                + "epoch after the 4th, 13 epochs; no dropout.";
    }
}
