package rnnlab.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import rnnlab.data.DigitSumData;
import rnnlab.model.SequenceClassifier;

/**
 * An investigation (results/investigations/digitsum-long-lengths/): DigitSumSrn's own start for each seed, as its jobs
 * draw it, written for the tutorial's PyTorch model (its parameter names and shapes; nn.Linear's weight transposed),
 * one JSON file a seed. The start does not depend on the length.
 *
 * <pre>java -cp ... rnnlab.train.DigitSumOwnStarts FIRST..LAST DIR</pre>
 */
public final class DigitSumOwnStarts {
    private DigitSumOwnStarts() {
    }

    public static void main(String[] args) throws IOException {
        String[] range = args[0].split("\\.\\.");
        Path dir = Files.createDirectories(Path.of(args[1]));
        for (int seed = Integer.parseInt(range[0]); seed <= Integer.parseInt(range[1]); seed++) {
            MultiLayerNetwork net = SequenceClassifier.build(SequenceClassifier.Cell.SRN, 10, 25, 32, 32,
                    DigitSumData.NUM_CLASSES, 0.001, seed);
            Map<String, Object> params = new LinkedHashMap<>();
            for (Map.Entry<String, Object[]> e : DigitSumStepsTest.PARAMS.entrySet()) {
                INDArray p = net.getLayer((int) e.getValue()[0]).getParam((String) e.getValue()[1]);
                if (e.getKey().equals("linear.weight")) {
                    params.put(e.getKey(), p.transpose().toDoubleMatrix());
                } else if (e.getKey().equals("linear.bias")) {
                    params.put(e.getKey(), p.toDoubleVector());
                } else {
                    params.put(e.getKey(), p.reshape(p.rank() == 1 ? new long[] {1, p.length()} : p.shape()).toDoubleMatrix());
                }
            }
            new ObjectMapper().writeValue(dir.resolve("seed-" + seed + ".json").toFile(), params);
        }
    }
}
