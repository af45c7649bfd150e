package rnnlab.lm;

import java.util.Collection;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import rnnlab.kernels.NdArrayCopies;
import rnnlab.kernels.Gemm;
import rnnlab.model.LayerConfigs;

/**
 * A language model's output: a dense layer at every step, softmax, and {@link TokenMeanXent}, with labels
 * as one-hot vectors or (for a large vocabulary, far cheaper) token ids {@code [batch, 1, time]}. DL4J's
 * {@code RnnOutputLayer} computes the dense layer and the softmax once for the gradient and again for the
 * score, through reshaped and copied views; this does one pass on contiguous arrays and keeps its score.
 */
public class SequenceSoftmaxOutput extends RnnOutputLayer {

    /** For JSON deserialisation; use {@link #of}. */
    public SequenceSoftmaxOutput() {
    }

    /**
     * The layer for {@code nIn} inputs, {@code nOut} classes and sequences of {@code steps}. DL4J's
     * {@code RnnOutputLayer} has only a private constructor from its builder, so this copies the fields
     * of one its builder made.
     */
    public static SequenceSoftmaxOutput of(int nIn, int nOut, int steps) {
        RnnOutputLayer built = new RnnOutputLayer.Builder(new TokenMeanXent(steps)).activation(Activation.SOFTMAX)
                .nIn(nIn).nOut(nOut).dataFormat(RNNFormat.NCW).build();
        return LayerConfigs.copy(built, new SequenceSoftmaxOutput(), RnnOutputLayer.class);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        Impl layer = new Impl(conf, networkDataType);
        return LayerConfigs.wire(layer, this, conf, trainingListeners, layerIndex, layerParamsView, initializeParams);
    }

    /**
     * The layer: DL4J's for inference and scoring; for training its own pass, one matrix product for the
     * logits, one softmax, the loss and its gradient from the same probabilities, the two gradient products,
     * all on contiguous arrays, and the score kept for {@link #computeScore}.
     */
    public static class Impl extends org.deeplearning4j.nn.layers.recurrent.RnnOutputLayer {
        private INDArray scoredLabels;
        private double pendingScore = Double.NaN;

        public Impl(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        private TokenMeanXent loss() {
            return (TokenMeanXent) layerConf().getLossFn();
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(true);
            if (input.rank() != 3 || labels == null || labels.rank() != 3 || labels.size(2) != input.size(2)) {
                throw new IllegalStateException("SequenceSoftmaxOutput needs input [batch, nIn, time] and labels "
                        + "[batch, 1 or nOut, time] of the same length; got " + input.shapeInfoToString() + " and "
                        + (labels == null ? "none" : labels.shapeInfoToString()));
            }
            long batch = input.size(0);
            long nIn = input.size(1);
            long steps = input.size(2);
            long rows = batch * steps;
            long nOut = layerConf().getNOut();
            INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
            INDArray b = getParam(DefaultParamInitializer.BIAS_KEY);
            // rows in order b * steps + t, as DL4J flattens a time series
            INDArray x = workspaceMgr.dup(ArrayType.BP_WORKING_MEM, input.castTo(dataType).permute(0, 2, 1), 'c')
                    .reshape('c', rows, nIn);
            INDArray p = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, new long[] {rows, nOut}, 'c');
            Gemm.gemm(x, w, p, false, false, 1.0, 0.0);
            p.addiRowVector(b);
            Transforms.softmax(p, false);
            double sum;
            if (labels.size(1) == 1) {
                sum = TokenMeanXent.pickAndSubtract(p, labels.reshape('c', rows, 1), true);
            } else {
                INDArray y = labels.castTo(dataType).permute(0, 2, 1).dup('c').reshape('c', rows, nOut);
                sum = -Transforms.log(Transforms.max(p, 1e-10, true), false).muli(y).sumNumber().doubleValue();
                p.subi(y);
            }
            int lossSteps = loss().getSteps();
            p.divi(lossSteps);
            INDArray wg = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
            INDArray bg = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
            Gemm.gemm(x, p, wg, true, false, 1.0, 0.0);
            NdArrayCopies.columnSums(p, bg);
            INDArray eps = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType,
                    new long[] {batch, steps, nIn}, 'c');
            Gemm.gemm(p, w, eps.reshape('c', rows, nIn), false, true, 1.0, 0.0);
            Gradient g = new DefaultGradient();
            g.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, wg);
            g.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, bg);
            pendingScore = sum / lossSteps;
            scoredLabels = labels;
            weightNoiseParams.clear();
            return new Pair<>(g, eps.permute(0, 2, 1));
        }

        @Override
        public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
            if (training && labels != null && labels == scoredLabels && !Double.isNaN(pendingScore)) {
                double s = pendingScore / getInputMiniBatchSize() + fullNetRegTerm;
                pendingScore = Double.NaN;
                scoredLabels = null;
                this.score = s;
                return s;
            }
            return super.computeScore(fullNetRegTerm, training, workspaceMgr);
        }
    }
}
