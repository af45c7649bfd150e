package rnnlab.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import rnnlab.io.AtomicFiles;

/**
 * The tutorial's {@code RunnerV3} for sequence classification: one optimiser step per batch in order,
 * the loss of every step recorded, the dev set evaluated every {@code evalSteps} steps (and at the last
 * step) and the model with the best dev accuracy checkpointed with {@link ModelSerializer}.
 */
public final class ClassifierRunner {
    private static final Logger log = LoggerFactory.getLogger(ClassifierRunner.class);

    /** Accuracy and mean of the per-batch mean cross-entropy, as the tutorial's {@code evaluate}. */
    public record Eval(double accuracy, double loss) {
    }

    /** A value at a global step (0-based). */
    public record Point(long step, double value) {
    }

    private final MultiLayerNetwork net;
    public final List<Point> trainStepLosses = new ArrayList<>();
    public final List<Point> devLosses = new ArrayList<>();
    public final List<Point> devScores = new ArrayList<>();
    public final List<Double> trainEpochLosses = new ArrayList<>();
    private double bestScore = 0;
    private long bestStep = -1;
    private long stepsPerEpoch;

    public ClassifierRunner(MultiLayerNetwork net) {
        this.net = net;
        TrainingHooks.attach(net);
    }

    public double bestScore() {
        return bestScore;
    }

    public long bestStep() {
        return bestStep;
    }

    public long stepsPerEpoch() {
        return stepsPerEpoch;
    }

    public void train(List<DataSet> train, List<DataSet> dev, int epochs, int evalSteps, int logSteps,
            Path checkpoint, String label) {
        stepsPerEpoch = train.size();
        long total = (long) epochs * train.size();
        Progress progress = new Progress(log, label, total, 10);
        long step = 0;
        for (int epoch = 0; epoch < epochs; epoch++) {
            double epochLoss = 0;
            for (DataSet batch : train) {
                net.fit(batch);
                double loss = net.score();
                epochLoss += loss;
                trainStepLosses.add(new Point(step, loss));
                if (logSteps > 0 && step % logSteps == 0) {
                    log.debug("[Train] epoch: {}/{}, step: {}/{}, loss: {}", epoch, epochs, step, total,
                            String.format("%.5f", loss));
                }
                if (evalSteps > 0 && step > 0 && (step % evalSteps == 0 || step == total - 1)) {
                    Eval e = evaluate(dev);
                    devLosses.add(new Point(step, e.loss()));
                    devScores.add(new Point(step, e.accuracy()));
                    log.debug("[Evaluate] step {} dev score: {}, dev loss: {}", step, String.format("%.5f", e.accuracy()),
                            String.format("%.5f", e.loss()));
                    if (e.accuracy() > bestScore) {
                        save(checkpoint);
                        log.debug("[Evaluate] best accuracy performance has been updated: {} --> {}",
                                String.format("%.5f", bestScore), String.format("%.5f", e.accuracy()));
                        bestScore = e.accuracy();
                        bestStep = step;
                    }
                }
                progress.update(step, epoch, epochs, loss);
                step++;
            }
            trainEpochLosses.add(epochLoss / train.size());
        }
    }

    public Eval evaluate(List<DataSet> data) {
        return evaluate(net, data);
    }

    public static Eval evaluate(MultiLayerNetwork net, List<DataSet> data) {
        long correct = 0;
        long count = 0;
        double lossSum = 0;
        for (DataSet batch : data) {
            INDArray probs = net.output(batch.getFeatures(), false);
            INDArray labels = batch.getLabels();
            INDArray predicted = probs.argMax(1);
            INDArray actual = labels.argMax(1);
            correct += predicted.eq(actual).castTo(org.nd4j.linalg.api.buffer.DataType.INT).sumNumber().longValue();
            count += labels.size(0);
            INDArray pTrue = probs.mul(labels).sum(1);
            lossSum += -Transforms.log(Transforms.max(pTrue, 1e-30), false).meanNumber().doubleValue();
        }
        return new Eval(count == 0 ? 0 : (double) correct / count, data.isEmpty() ? 0 : lossSum / data.size());
    }

    private void save(Path checkpoint) {
        try {
            AtomicFiles.replace(checkpoint, tmp -> ModelSerializer.writeModel(net, tmp.toFile(), false));
        } catch (IOException e) {
            throw new rnnlab.core.UserError("Cannot write checkpoint " + checkpoint + ": " + e.getMessage());
        }
    }

    /** The best model of the run, restored from its checkpoint (or the current one if none was saved). */
    public MultiLayerNetwork loadBest(Path checkpoint) throws IOException {
        if (bestStep < 0) {
            return net;
        }
        return ModelSerializer.restoreMultiLayerNetwork(checkpoint.toFile(), false);
    }
}
