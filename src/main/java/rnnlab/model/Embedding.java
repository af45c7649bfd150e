package rnnlab.model;

import java.util.Arrays;
import java.util.Collection;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import rnnlab.kernels.NativeFloats;
import rnnlab.kernels.RowLookup;

/**
 * DL4J's {@code EmbeddingSequenceLayer} with its lookup and its weight gradient in Java. DL4J's backward pass
 * looks every token up again (its forward lookup, only to pass it to the identity activation) and adds each
 * token's gradient row through ND4J's {@code scatterUpdate}, which builds two native sub-arrays per token: 42%
 * of the native time of Bench's DigitSum training loop on a Zen 5 EPYC. {@link RecurrentImpl#scatterAddRows} adds the same rows in the same token order in
 * float, as ND4J does, and the forward pass copies W's rows through {@link RowLookup} where ND4J's
 * {@code pullRows} gathered the Fortran-ordered W element by element, so the numbers are the same bit for bit (a
 * test compares the two layers). Without a bias and on FLOAT (the backward pass also with the identity activation
 * and no mask); anything else, and every input DL4J would refuse, takes DL4J's own pass. Build it with {@link #of};
 * it is saved and loaded as DL4J's layer is.
 */
public class Embedding extends EmbeddingSequenceLayer {

    /** For JSON deserialisation (ModelSerializer); use {@link #of}. */
    public Embedding() {
    }

    /** The layer DL4J's {@code builder} describes (whose constructor from its builder is private). */
    public static Embedding of(EmbeddingSequenceLayer.Builder builder) {
        return LayerConfigs.copy(builder.build(), new Embedding(), EmbeddingSequenceLayer.class);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
            INDArray paramsView, boolean initializeParams, DataType dataType) {
        return LayerConfigs.wire(new Impl(conf, dataType), this, conf, listeners, index, paramsView, initializeParams);
    }

    /** The layer: DL4J's, but for the lookup and the backward pass described above. */
    public static class Impl extends org.deeplearning4j.nn.layers.feedforward.embedding.EmbeddingSequenceLayer {

        private final RowLookup lookup = new RowLookup();
        private float[] rows;

        public Impl(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        /** The token ids of a [batch, length] or [batch, 1, length] input, batch-major, or null for any other input. */
        private int[] tokenIds() {
            boolean ids = input.rank() == 2 || input.rank() == 3 && input.size(1) == 1;
            if (!ids || input.size(0) == 0) {
                return null;
            }
            long batch = input.size(0);
            return RecurrentImpl.ids(input.reshape('c', batch, input.length() / batch, 1));
        }

        @Override
        protected INDArray preOutput(boolean training, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(false);
            EmbeddingSequenceLayer c = layerConf();
            int[] ids = c.hasBias() || dataType != DataType.FLOAT ? null : tokenIds();
            long nIn = c.getNIn();
            long length = ids == null ? 0 : input.length() / input.size(0);
            if (ids == null || length != c.getInputLength() && !c.isInferInputLength()
                    || Arrays.stream(ids).anyMatch(id -> id < 0 || id >= nIn)) {
                return super.preOutput(training, workspaceMgr); // DL4J's own pass, and its own errors
            }
            if (c.isInferInputLength()) {
                c.setInputLength((int) length);
            }
            int nOut = (int) c.getNOut();
            rows = NativeFloats.scratch(rows, ids.length * nOut);
            lookup.of(getParam(DefaultParamInitializer.WEIGHT_KEY), ids.length);
            for (int r = 0; r < ids.length; r++) {
                lookup.row(ids[r], rows, r * nOut);
            }
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                    new long[] {input.size(0), length, nOut}, 'c');
            NativeFloats.buffer(out).put(rows, 0, ids.length * nOut);
            return c.getOutputFormat() == RNNFormat.NCW ? out.permute(0, 2, 1) : out;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            EmbeddingSequenceLayer c = layerConf();
            assertInputSet(true);
            int[] ids = !c.hasBias() && c.getActivationFn() instanceof ActivationIdentity && maskArray == null
                    && dataType == DataType.FLOAT && epsilon.rank() == 3 ? tokenIds() : null;
            if (ids == null) {
                return super.backpropGradient(epsilon, workspaceMgr);
            }
            // token rows in the order DL4J reads the ids: b * length + t
            INDArray delta = c.getOutputFormat() == RNNFormat.NCW ? epsilon.permute(0, 2, 1) : epsilon;
            delta = NativeFloats.dense(delta).reshape('c', ids.length, c.getNOut());
            INDArray wg = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
            RecurrentImpl.scatterAddRows(ids, delta, wg);
            Gradient g = new DefaultGradient();
            g.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, wg);
            return new Pair<>(g, null);
        }
    }
}
