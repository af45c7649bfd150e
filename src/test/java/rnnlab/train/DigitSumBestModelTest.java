package rnnlab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import rnnlab.Main;
import rnnlab.core.Cli;
import rnnlab.core.ResultsCsv;
import rnnlab.data.DigitSumData;
import rnnlab.model.SequenceClassifier;

/**
 * DigitSum keeps the model with the best dev accuracy and reports its test figures from that model, not the last
 * one; a job resumed from its checkpoint restores that best model (the checkpoint holds the best model's file).
 */
class DigitSumBestModelTest {
    static final int LENGTH = 10;
    static final int BATCH = 8;
    /** A step at which the dev accuracy rises and falls, so the best model is neither the first nor the last. */
    static final double LR = 0.01;
    static final int HIDDEN = 64;
    static final int EPOCHS = 20;
    static final int EVAL_STEPS = 19;

    static List<DataSet> split(String name) {
        return DigitSumData.load(Path.of("datasets/digitsum").resolve(String.valueOf(LENGTH)).resolve(name + ".txt"),
                LENGTH, BATCH);
    }

    static MultiLayerNetwork net(long seed) {
        return SequenceClassifier.build(SequenceClassifier.Cell.SRN, 10, LENGTH, 32, HIDDEN, DigitSumData.NUM_CLASSES, LR,
                seed);
    }

    @Test
    void theReportedTestFiguresAreThoseOfTheSavedBestDevModel(@TempDir Path tmp) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("lengths", String.valueOf(LENGTH));
        o.put("seeds", "0");
        o.put("epochs", String.valueOf(EPOCHS));
        o.put("eval_steps", String.valueOf(EVAL_STEPS));
        o.put("lr", String.valueOf(LR));
        o.put("hidden_size", String.valueOf(HIDDEN));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new Cli("DigitSumSrn", "quick", tmp.toString(), o), Path.of("").toAbsolutePath(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        String setting = "length=10;seed=0";
        ResultsCsv csv = ResultsCsv.read(tmp.resolve("DigitSumSrn.csv"));

        // the dev figures in the order they were taken, and the best one: the first highest
        List<ResultsCsv.Row> dev = csv.rows().stream()
                .filter(r -> r.setting().equals(setting) && r.metric().equals("dev_accuracy")).toList();
        assertTrue(dev.size() > 5, "several dev evaluations: " + dev);
        int argmax = 0;
        for (int i = 1; i < dev.size(); i++) {
            if (dev.get(i).value() > dev.get(argmax).value()) {
                argmax = i;
            }
        }
        double bestDev = csv.get(setting, "final", "best_dev_accuracy").orElseThrow();
        assertEquals(dev.get(argmax).value(), bestDev, 1e-12, "the best dev accuracy is the highest dev figure");
        assertTrue(dev.get(dev.size() - 1).value() < bestDev,
                "the last model is not the best, so the test tells them apart: " + dev);
        long bestStep = csv.get(setting, "final", "best_step").orElseThrow().longValue();
        int perEpoch = split("train").size();
        assertEquals(dev.get(argmax).epoch(), ResultsCsv.number((bestStep + 1) / (double) perEpoch),
                "the best step is where the first highest dev figure was taken");

        // the saved model is the best-dev one, and the CSV's test figures are its own
        Path saved = tmp.resolve("models/DigitSumSrn_length-10_seed-0.zip");
        MultiLayerNetwork best = ModelSerializer.restoreMultiLayerNetwork(saved.toFile(), false);
        assertEquals(bestDev, ClassifierRunner.evaluate(best, split("dev")).accuracy(), 1e-12);
        ClassifierRunner.Eval test = ClassifierRunner.evaluate(best, split("test"));
        assertEquals(csv.get(setting, "final", "test_accuracy").orElseThrow(), test.accuracy(), 1e-12);
        double loss = csv.get(setting, "final", "test_loss").orElseThrow();
        assertEquals(loss, test.loss(), Math.abs(loss) * 1e-5);
    }

    /** Thrown from the end-of-epoch hook: the job stops there, as a killed one would after its checkpoint. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("stopped after the checkpoint", null, false, false);
        }
    }

    @Test
    void aJobResumedFromItsCheckpointRestoresTheBestModel(@TempDir Path tmp) throws Exception {
        List<DataSet> train = split("train");
        List<DataSet> dev = split("dev");
        List<DataSet> test = split("test");
        int epochs = EPOCHS;
        int evalSteps = EVAL_STEPS;

        // the run never stopped
        MultiLayerNetwork wholeNet = net(0);
        Path wholeFile = tmp.resolve("whole.zip");
        ClassifierRunner whole = new ClassifierRunner(wholeNet, train, dev, epochs, evalSteps, 0, wholeFile, "whole");
        train(whole, r -> { });
        int bestEpoch = (int) (whole.bestStep() / train.size()) + 1; // the epoch whose end follows the best model
        assertTrue(whole.bestStep() >= 0 && bestEpoch < epochs,
                "the best model comes before the last epoch, so nothing after the checkpoint saves it again: "
                        + whole.devScores);
        MultiLayerNetwork wholeBest = whole.loadBest();
        ClassifierRunner.Eval expected = ClassifierRunner.evaluate(wholeBest, test);

        // the same job stopped at the end of that epoch, its checkpoint kept
        Path file = tmp.resolve("resumed.zip");
        byte[][] kept = new byte[1][];
        ClassifierRunner first = new ClassifierRunner(net(0), train, dev, epochs, evalSteps, 0, file, "first");
        assertThrows(Stopped.class, () -> train(first, r -> {
            if (r.epochsDone() == bestEpoch) {
                kept[0] = r.checkpoint();
                throw new Stopped();
            }
        }));
        // the best model's file no longer holds that model (another run's, a later moment's: here the last model)
        ModelSerializer.writeModel(wholeNet, file.toFile(), false);

        ClassifierRunner resumed = new ClassifierRunner(net(0), train, dev, epochs, evalSteps, 0, file, "resumed");
        resumed.restore(kept[0]);
        assertEquals(bestEpoch, resumed.epochsDone());
        train(resumed, r -> { });
        assertEquals(whole.bestStep(), resumed.bestStep());
        assertEquals(whole.bestScore(), resumed.bestScore());
        assertEquals(whole.devScores, resumed.devScores);
        MultiLayerNetwork resumedBest = resumed.loadBest();
        assertNotEquals(wholeNet.params(), resumedBest.params(), "the last model was put in the file, not kept");
        assertArrayEquals(wholeBest.params().toFloatVector(), resumedBest.params().toFloatVector(),
                "the resumed job's best model is the uninterrupted job's");
        ClassifierRunner.Eval got = ClassifierRunner.evaluate(resumedBest, test);
        assertEquals(expected.accuracy(), got.accuracy());
        assertEquals(expected.loss(), got.loss());
        assertTrue(Files.size(file) > 0);
    }

    /** Trains {@code r}'s remaining epochs as the job lifecycle does, handing it to {@code afterEpoch} after each. */
    private static void train(ClassifierRunner r, Consumer<ClassifierRunner> afterEpoch) {
        while (r.epochsDone() < r.epochs()) {
            r.trainEpoch(null);
            afterEpoch.accept(r);
        }
    }
}
