package rnnlab.experiments;

import java.util.LinkedHashMap;
import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import rnnlab.model.SeededInit;
import rnnlab.model.Srn;

/**
 * The tutorial's speed comparison of its own SRN with the framework's: 100 forward passes, the first
 * 10 as warm-up, mean of the rest. Both layers get the same weights.
 */
final class SrnSpeed {
    private SrnSpeed() {
    }

    /** A network of one recurrent layer (hand-written SRN or DL4J's SimpleRnn), for forward passes. */
    static MultiLayerNetwork single(boolean handWritten, int nIn, int hidden, long seed) {
        Layer layer = handWritten
                ? new Srn.Builder().nIn(nIn).nOut(hidden).activation(Activation.TANH).weightInit(SeededInit.xavierUniform(seed, "recurrent")).build()
                : new SimpleRnn.Builder().nIn(nIn).nOut(hidden).activation(Activation.TANH)
                        .weightInit(SeededInit.xavierUniform(seed, "recurrent")).build();
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(seed)
                .dataType(DataType.FLOAT).list().layer(layer).build());
        net.init();
        return net;
    }

    static Map<String, Double> compare(long seed) {
        Map<String, Double> out = new LinkedHashMap<>();
        int[][] sizes = {{2, 5, 10, 10}, {8, 35, 32, 32}};
        for (int[] s : sizes) {
            MultiLayerNetwork mine = single(true, s[2], s[3], seed);
            MultiLayerNetwork theirs = single(false, s[2], s[3], seed);
            theirs.setParams(mine.params());
            INDArray x = Nd4j.randn(seed, new long[] {s[0], s[2], s[1]}).castTo(DataType.FLOAT);
            String size = s[0] + "x" + s[1] + "x" + s[2] + "x" + s[3];
            out.put("impl=srn;size=" + size, time(mine, x));
            out.put("impl=simplernn;size=" + size, time(theirs, x));
        }
        return out;
    }

    private static double time(MultiLayerNetwork net, INDArray x) {
        double total = 0;
        for (int i = 0; i < 100; i++) {
            long t0 = System.nanoTime();
            net.output(x, false);
            if (i >= 10) {
                total += (System.nanoTime() - t0) / 1e6;
            }
        }
        return total / 90;
    }
}
