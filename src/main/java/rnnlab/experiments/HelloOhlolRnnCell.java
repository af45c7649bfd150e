package rnnlab.experiments;

import java.util.ArrayList;
import java.util.List;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import rnnlab.model.TorchRnnCell;
import rnnlab.stats.Seeds;

/** The tutorial's RNNCell model: a loop over the 5 steps carrying the hidden state, loss summed. */
public final class HelloOhlolRnnCell extends HelloOhlol {
    @Override
    boolean hasBiasesKey() {
        return true;
    }

    @Override
    List<EpochResult> train(Params p, long seed) {
        TorchRnnCell cell = new TorchRnnCell(4, 4, p.twoBiases(), p.lr(), seed);
        List<EpochResult> out = new ArrayList<>();
        for (int epoch = 1; epoch <= p.epochs(); epoch++) {
            double loss = 0;
            StringBuilder predicted = new StringBuilder();
            List<INDArray> dh = new ArrayList<>();
            INDArray hidden = cell.initHidden(1);
            for (int t = 0; t < X.length; t++) {
                hidden = cell.step(oneHot(X[t]), hidden);
                INDArray prob = Transforms.softmax(hidden, true);
                loss -= Math.log(prob.getDouble(0, Y[t])); // criterion(hidden, label), summed over the steps
                predicted.append(IDX2CHAR.charAt(hidden.argMax(1).getInt(0)));
                dh.add(prob.sub(oneHot(Y[t])));
            }
            cell.backward(dh);
            out.add(new EpochResult(epoch, predicted.toString(), loss));
        }
        return out;
    }

    static INDArray oneHot(int id) {
        INDArray v = Nd4j.zeros(DataType.DOUBLE, 1, 4);
        v.putScalar(0, id, 1.0);
        return v;
    }

    @Override
    int tutorialFirstEpoch() {
        return 9;
    }

    @Override
    double tutorialFinalLoss() {
        return Printed.at(this, Seeds.ALL).printed();
    }

    @Override
    String modelNote(Params p) {
        return "The model is PyTorch's `nn.RNNCell(4, 4)` in explicit ND4J (`rnnlab.model.TorchRnnCell`: "
                + "`h = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`, PyTorch's shapes and uniform(+-0.5) start, "
                + (p.twoBiases() ? "its two biases" : "one bias (`biases=one`), as DL4J's layers have")
                + "), called in a loop over the five characters that carries the hidden state, as the tutorial "
                + "writes it; the loss is the sum of the five steps' cross-entropies (five times the layer version's "
                + "mean), and the gradient is backpropagated through the loop by hand. The prediction and loss "
                + "printed for an epoch are those before its update, as the tutorial prints them.";
    }
}
