package rnnlab.experiments;

import java.util.Arrays;
import java.util.List;

import rnnlab.core.Catalog;
import rnnlab.lm.WordRnnModel;
import rnnlab.report.WordLmPages;

/**
 * Zaremba, Sutskever and Vinyals (2014), "Recurrent Neural Network Regularization" (arXiv 1409.2329), section 4.1:
 * the Penn Treebank LSTMs of its Table 1 on the course's pipeline ({@link PtbWordLm}): two stacked LSTMs, every
 * parameter uniform, SGD with the paper's decay, the summed loss's gradient clipped to norm 5, dropout on the
 * non-recurrent connections (medium), the test split scored at batch 1 after the last epoch. Their settings are in
 * {@code experiments/NAME.properties}; {@link PtbZarembaSmall} and {@link PtbZarembaMedium} name them.
 */
abstract class PtbZaremba extends PtbWordLm {
    /** TensorFlow's ptb_word_lm tutorial's test perplexities (its README), the de facto reproduction. */
    private final double tensorFlow;
    private final String size;

    PtbZaremba(String size, double tensorFlow) {
        super(WordRnnModel.Cell.LSTM, size);
        this.size = size;
        this.tensorFlow = tensorFlow;
    }

    /** The paper's test perplexity at the last epoch (NaN before), for the page's table and plot. */
    @Override
    double[] printedTestPerplexity() {
        List<Catalog.Figure> printed = Printed.figures(this);
        int epochs = printed.stream().filter(f -> !f.epoch().equals("final")).mapToInt(f -> Integer.parseInt(f.epoch()))
                .max().orElse(0);
        double[] out = new double[epochs];
        Arrays.fill(out, Double.NaN);
        printed.stream().filter(f -> f.metric().equals("test_perplexity")).forEach(f -> out[epochs - 1] = f.printed());
        return out;
    }

    @Override
    String source() {
        return "Reproduces the " + size + " LSTM of Zaremba, Sutskever and Vinyals (2014), \"Recurrent Neural Network "
                + "Regularization\" (arXiv 1409.2329, section 4.1, Table 1) on Deeplearning4j, on the pipeline of the "
                + "course's Penn Treebank model.";
    }

    @Override
    WordLmPages.Published published() {
        return new WordLmPages.Published("the paper (Table 1)", List.of(new WordLmPages.Reproduction(
                "TensorFlow's `ptb_word_lm` tutorial", tensorFlow)), "reference/pytorch/zaremba.py");
    }

    @Override
    String printedBy() {
        return "paper's";
    }

    @Override
    String modelNote() {
        List<Catalog.Figure> printed = Printed.figures(this);
        Catalog.Figure test = printed.get(0);
        Catalog.Figure valid = printed.get(printed.size() - 1);
        return modelShape() + " Every parameter is drawn uniformly, the LSTMs' two biases (b_ih, b_hh) each "
                + "on its own, as the paper's; plain SGD, the gradient of the loss summed over the unrolled steps and "
                + "averaged over the batch clipped to global norm 5; the state carried across batches and zeroed at each "
                + "epoch's start; the test split scored as one stream (batch 1) after the last epoch. The paper printed "
                + "test perplexity " + test.quoted() + " (validation " + valid.quoted() + "); TensorFlow's `ptb_word_lm` "
                + "tutorial, the usual reproduction, " + tensorFlow + ". The reference (`reference/pytorch/zaremba.py`) "
                + "is the same model written from the paper in PyTorch.";
    }

    /** The model's shape and schedule, in words. */
    abstract String modelShape();
}
