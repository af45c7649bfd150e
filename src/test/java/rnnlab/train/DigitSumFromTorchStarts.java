package rnnlab.train;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import rnnlab.data.DigitSumData;
import rnnlab.model.SequenceClassifier;

/**
 * An investigation (results/investigations/digitsum-long-lengths/): DigitSumSrn's training, as its jobs run it, from the
 * tutorial's own starts (torch_starts.py there wrote them, one JSON file a seed) in place of the project's seeded
 * draws. Appends a row a finished seed to OUT (its epochs' training losses to a file beside it) and skips the seeds
 * OUT holds, so a stopped run goes on.
 *
 * <pre>java -cp ... rnnlab.train.DigitSumFromTorchStarts LENGTH FIRST..LAST STARTS_DIR OUT.csv DATASETS_DIR</pre>
 */
public final class DigitSumFromTorchStarts {
    private DigitSumFromTorchStarts() {
    }

    public static void main(String[] args) throws IOException {
        rnnlab.core.Threads.apply(1); // one thread, as each of the experiment's jobs runs
        int length = Integer.parseInt(args[0]);
        String[] range = args[1].split("\\.\\.");
        Path starts = Path.of(args[2]);
        Path out = Path.of(args[3]);
        Path dir = DigitSumData.ensure(Path.of(args[4]), DigitSumData.Spec.TUTORIAL).resolve(String.valueOf(length));
        List<DataSet> train = DigitSumData.load(dir.resolve("train.txt"), length, 8);
        List<DataSet> dev = DigitSumData.load(dir.resolve("dev.txt"), length, 8);
        List<DataSet> test = DigitSumData.load(dir.resolve("test.txt"), length, 8);
        if (!Files.exists(out)) {
            Files.writeString(out, "length,seed,best_dev_accuracy,test_accuracy,test_loss,best_step,train_seconds\n");
        }
        String done = Files.readString(out);
        for (int seed = Integer.parseInt(range[0]); seed <= Integer.parseInt(range[1]); seed++) {
            if (done.contains("\n" + length + "," + seed + ",")) {
                continue;
            }
            JsonNode start;
            try (InputStream in = Files.newInputStream(starts.resolve("seed-" + seed + ".json"))) {
                start = new ObjectMapper().readTree(in);
            }
            // the experiment's network (DigitSumExperiment's LengthJob), its parameters then set to the tutorial's
            MultiLayerNetwork net = SequenceClassifier.build(SequenceClassifier.Cell.SRN, 10, length, 32, 32,
                    DigitSumData.NUM_CLASSES, 0.001, seed);
            DigitSumStepsTest.loadTorchParams(net, start);
            Path best = Files.createTempFile("digitsum-best", ".zip");
            ClassifierRunner runner = new ClassifierRunner(net, train, dev, 500, 100, 0, best, "torch start " + seed);
            while (runner.epochsDone() < runner.epochs()) {
                runner.trainEpoch(null);
            }
            ClassifierRunner.Eval t = ClassifierRunner.evaluate(runner.loadBest(), test);
            Files.deleteIfExists(best);
            String row = length + "," + seed + "," + runner.bestScore() + "," + t.accuracy() + "," + t.loss() + ","
                    + runner.bestStep() + "," + String.format("%.1f", runner.trainSeconds()) + "\n";
            StringBuilder epochs = new StringBuilder("epoch,train_loss\n");
            for (int e = 0; e < runner.trainEpochLosses.size(); e++) {
                epochs.append(e + 1).append(',').append(runner.trainEpochLosses.get(e)).append('\n');
            }
            Files.writeString(out.resolveSibling("train-loss-length-" + length + "-seed-" + seed + ".csv"), epochs);
            Files.writeString(out, row, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            System.out.print(row);
        }
    }
}
