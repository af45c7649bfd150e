package rnnlab.model;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.ops.transforms.Transforms;

import rnnlab.core.RandomStreams;

/**
 * PyTorch's {@code nn.RNNCell} in explicit ND4J, {@code h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)},
 * with PyTorch's parameter shapes ({@code weight_ih [hidden, input]}, two biases) and initialisation
 * (uniform in +-1/sqrt(hidden)), a loop over the steps that the caller writes, backpropagation through
 * that loop by hand, and PyTorch's Adam ({@link TorchAdam}). With {@code twoBiases} false the cell has one bias, as DL4J's
 * recurrent layers do.
 */
public final class TorchRnnCell {
    private final int input;
    private final int hidden;
    private final boolean twoBiases;
    /** All parameters in one row: weight_ih, weight_hh, bias_ih (, bias_hh); the fields are views. */
    private final INDArray flat;
    private final INDArray gradFlat;
    public final INDArray weightIh;
    public final INDArray weightHh;
    public final INDArray biasIh;
    public final INDArray biasHh;
    private final GradientUpdater<?> adam;
    private int iteration;

    /** One step's record for backpropagation. */
    private record Step(INDArray x, INDArray hPrev, INDArray h) {
    }

    private final List<Step> tape = new ArrayList<>();

    public TorchRnnCell(int input, int hidden, boolean twoBiases, double lr, long seed) {
        this.input = input;
        this.hidden = hidden;
        this.twoBiases = twoBiases;
        int n = hidden * input + hidden * hidden + hidden * (twoBiases ? 2 : 1);
        flat = Nd4j.zeros(DataType.DOUBLE, 1, n);
        gradFlat = Nd4j.zeros(DataType.DOUBLE, 1, n);
        SplittableRandom random = RandomStreams.of(seed, "init");
        double bound = 1.0 / Math.sqrt(hidden);
        for (int i = 0; i < n; i++) {
            flat.putScalar(i, (random.nextDouble() * 2 - 1) * bound);
        }
        int o = 0;
        weightIh = view(flat, o, hidden, input);
        o += hidden * input;
        weightHh = view(flat, o, hidden, hidden);
        o += hidden * hidden;
        biasIh = view(flat, o, 1, hidden);
        o += hidden;
        biasHh = twoBiases ? view(flat, o, 1, hidden) : null;
        adam = new TorchAdam(lr).instantiate(Nd4j.zeros(DataType.DOUBLE, 1, 2L * n), true);
    }

    private static INDArray view(INDArray flat, int offset, int rows, int cols) {
        return flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(offset, offset + rows * cols)).reshape('c', rows, cols);
    }

    public int hidden() {
        return hidden;
    }

    /** Every parameter, flat: weight_ih, weight_hh, bias_ih and (with two biases) bias_hh. */
    public INDArray params() {
        return flat;
    }

    public boolean twoBiases() {
        return twoBiases;
    }

    /** A zero state [batch, hidden] (the tutorial's {@code init_hidden}). */
    public INDArray initHidden(int batch) {
        return Nd4j.zeros(DataType.DOUBLE, batch, hidden);
    }

    /** One step, {@code cell(input, hidden)}, recorded for {@link #backward}. */
    public INDArray step(INDArray x, INDArray h) {
        INDArray z = x.castTo(DataType.DOUBLE).mmul(weightIh.transpose()).addiRowVector(biasIh)
                .addi(h.mmul(weightHh.transpose()));
        if (twoBiases) {
            z.addiRowVector(biasHh);
        }
        INDArray out = Transforms.tanh(z, true);
        tape.add(new Step(x.castTo(DataType.DOUBLE), h, out));
        return out;
    }

    /**
     * Backpropagates {@code dL/dh_t} for every recorded step (the caller's loss) through the loop, then
     * takes one Adam step and clears the record.
     */
    public void backward(List<INDArray> dh) {
        gradFlat.assign(0);
        INDArray gIh = view(gradFlat, 0, hidden, input);
        INDArray gHh = view(gradFlat, hidden * input, hidden, hidden);
        INDArray gB = view(gradFlat, hidden * input + hidden * hidden, 1, hidden);
        INDArray next = null;
        for (int t = tape.size() - 1; t >= 0; t--) {
            Step s = tape.get(t);
            INDArray d = dh.get(t).dup();
            if (next != null) {
                d.addi(next);
            }
            INDArray dz = d.muli(s.h().mul(s.h()).rsubi(1.0)); // tanh'
            gIh.addi(dz.transpose().mmul(s.x()));
            gHh.addi(dz.transpose().mmul(s.hPrev()));
            gB.addi(dz.sum(true, 0));
            next = dz.mmul(weightHh);
        }
        if (twoBiases) {
            view(gradFlat, hidden * input + hidden * hidden + hidden, 1, hidden).assign(gB);
        }
        tape.clear();
        adam.applyUpdater(gradFlat, iteration++, 0);
        flat.subi(gradFlat);
    }

    /** The summed bias, for a one-bias layer to start from the same function. */
    public INDArray bias() {
        return twoBiases ? biasIh.add(biasHh) : biasIh.dup();
    }
}
