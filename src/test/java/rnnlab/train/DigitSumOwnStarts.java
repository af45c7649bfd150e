package rnnlab.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
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
            new ObjectMapper().writeValue(dir.resolve("seed-" + seed + ".json").toFile(),
                    DigitSumStepsTest.torchParams(net));
        }
    }
}
