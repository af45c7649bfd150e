package rnnlab.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import rnnlab.checkpoints.Checkpoint;
import rnnlab.core.AtomicFiles;
import rnnlab.model.TrainingHooks;

/**
 * The tutorial's {@code RunnerV3} for sequence classification: one optimiser step per batch in order,
 * the loss of every step recorded, the dev set evaluated every {@code evalSteps} steps (and at the last
 * step) and the model with the best dev accuracy checkpointed with {@link ModelSerializer}.
 */
public final class ClassifierRunner implements EpochTraining {
    private static final Logger log = LoggerFactory.getLogger(ClassifierRunner.class);

    /** Accuracy and mean of the per-batch mean cross-entropy, as the tutorial's {@code evaluate}. */
    public record Eval(double accuracy, double loss) {
    }

    /** A value at a global step (0-based). */
    public record Point(long step, double value) {
    }

    private final MultiLayerNetwork net;
    private final List<DataSet> train;
    private final List<DataSet> dev;
    private final int epochs;
    private final int evalSteps;
    private final int logSteps;
    /** Where the model with the best dev accuracy is kept. */
    private final Path bestFile;
    private final String label;
    public final List<Point> trainStepLosses = new ArrayList<>();
    public final List<Point> devLosses = new ArrayList<>();
    public final List<Point> devScores = new ArrayList<>();
    public final List<Double> trainEpochLosses = new ArrayList<>();
    private double bestScore = 0;
    private long bestStep = -1;
    private final long stepsPerEpoch;
    private int epochsDone;
    private double trainSeconds;
    /** The best model as written to its file (ModelSerializer's bytes), or null before the first; kept for checkpoints. */
    private byte[] bestModel;
    /** Whether {@link #bestModel} is in its file: not yet when a checkpoint has just restored it. */
    private boolean bestWritten = true;
    private Progress progress;

    /**
     * Trains {@code net} for {@code epochs} on {@code train}'s batches in order, evaluating on {@code dev} every
     * {@code evalSteps} steps (and at the last) and keeping the model with the best dev accuracy in {@code bestFile}.
     */
    public ClassifierRunner(MultiLayerNetwork net, List<DataSet> train, List<DataSet> dev, int epochs, int evalSteps,
            int logSteps, Path bestFile, String label) {
        this.net = net;
        this.train = train;
        this.dev = dev;
        this.epochs = epochs;
        this.evalSteps = evalSteps;
        this.logSteps = logSteps;
        this.bestFile = bestFile;
        this.label = label;
        this.stepsPerEpoch = train.size();
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

    @Override
    public int epochs() {
        return epochs;
    }

    @Override
    public int epochsDone() {
        return epochsDone;
    }

    /** Seconds spent training, the checkpointed run's included. */
    public double trainSeconds() {
        return trainSeconds;
    }

    /**
     * Trains epoch {@link #epochsDone} + 1 (0, or where a {@link #restore} left it), keeping the model with the best
     * dev accuracy in its file; nothing is written within the epoch.
     */
    @Override
    public boolean trainEpoch(Within within) {
        long total = (long) epochs * train.size();
        if (progress == null) {
            progress = new Progress(log, label, total, 10);
        }
        writeBest();
        int epoch = epochsDone;
        long step = (long) epoch * train.size();
        long t0 = System.nanoTime();
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
                    save(bestFile);
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
        trainSeconds += (System.nanoTime() - t0) / 1e9;
        epochsDone = epoch + 1;
        return false;
    }

    /** Writes the best model a checkpoint restored to its file, once. */
    private void writeBest() {
        if (!bestWritten) {
            AtomicFiles.write(bestFile, bestModel);
            bestWritten = true;
        }
    }

    /**
     * The whole training state after {@link #epochsDone} epochs, for a checkpoint: the network's parameters, its
     * updater's state (Adam's moments) and iteration count, every loss and dev figure so far, the best score and
     * step, and the best model (its file's bytes, kept since it was saved). Training is deterministic from there
     * (the batches go in order and nothing is drawn), so a restored run ends with the numbers of an uninterrupted one.
     */
    @Override
    public byte[] checkpoint() {
        return Checkpoint.bytes(out -> {
            out.writeInt(epochsDone);
            out.writeDouble(trainSeconds);
            out.writeDouble(bestScore);
            out.writeLong(bestStep);
            writePoints(out, trainStepLosses);
            writePoints(out, devLosses);
            writePoints(out, devScores);
            out.writeInt(trainEpochLosses.size());
            for (double v : trainEpochLosses) {
                out.writeDouble(v);
            }
            out.writeInt(net.getIterationCount());
            out.writeInt(net.getEpochCount());
            Nd4j.write(net.params(), out);
            INDArray state = net.getUpdater().getStateViewArray();
            out.writeBoolean(state != null);
            if (state != null) {
                Nd4j.write(state, out);
            }
            byte[] best = bestModel == null ? new byte[0] : bestModel;
            out.writeInt(best.length);
            out.write(best);
        });
    }

    /** Restores a {@link #checkpoint} into this runner and its fresh network. */
    @Override
    public String restore(byte[] data) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
        int done = in.readInt();
        double seconds = in.readDouble();
        double score = in.readDouble();
        long best = in.readLong();
        List<Point> steps = readPoints(in);
        List<Point> devL = readPoints(in);
        List<Point> devS = readPoints(in);
        List<Double> epochLosses = new ArrayList<>();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            epochLosses.add(in.readDouble());
        }
        int iterations = in.readInt();
        int epochCount = in.readInt();
        INDArray params = Nd4j.read(in);
        INDArray state = in.readBoolean() ? Nd4j.read(in) : null;
        byte[] bestBytes = new byte[in.readInt()];
        in.readFully(bestBytes);
        if (params.length() != net.numParams() || (state == null) != (net.getUpdater().getStateViewArray() == null)
                || (state != null && state.length() != net.getUpdater().getStateViewArray().length())) {
            throw new IOException("the checkpoint's network has other sizes");
        }
        net.setParams(params);
        if (state != null) {
            net.getUpdater().getStateViewArray().assign(state);
        }
        net.setIterationCount(iterations);
        net.setEpochCount(epochCount);
        epochsDone = done;
        trainSeconds = seconds;
        bestScore = score;
        bestStep = best;
        trainStepLosses.addAll(steps);
        devLosses.addAll(devL);
        devScores.addAll(devS);
        trainEpochLosses.addAll(epochLosses);
        bestModel = best >= 0 ? bestBytes : null;
        bestWritten = bestModel == null;
        return "after epoch " + done + " of " + epochs + " (" + devScores.size() + " dev evaluations so far, the best at step "
                + bestStep + ")";
    }

    private static void writePoints(DataOutputStream out, List<Point> points) throws IOException {
        out.writeInt(points.size());
        for (Point p : points) {
            out.writeLong(p.step());
            out.writeDouble(p.value());
        }
    }

    private static List<Point> readPoints(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<Point> points = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            points.add(new Point(in.readLong(), in.readDouble()));
        }
        return points;
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
            correct += predicted.eq(actual).castTo(DataType.INT).sumNumber().longValue();
            count += labels.size(0);
            INDArray pTrue = probs.mul(labels).sum(1);
            lossSum += -Transforms.log(Transforms.max(pTrue, 1e-30), false).meanNumber().doubleValue();
        }
        return new Eval(count == 0 ? 0 : (double) correct / count, data.isEmpty() ? 0 : lossSum / data.size());
    }

    private void save(Path checkpoint) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ModelSerializer.writeModel(net, bytes, false);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the model", e);
        }
        bestModel = bytes.toByteArray();
        AtomicFiles.write(checkpoint, bestModel);
    }

    /** The best model of the run, restored from its file (or the current one if none was saved). */
    public MultiLayerNetwork loadBest() throws IOException {
        if (bestStep < 0) {
            return net;
        }
        writeBest();
        return ModelSerializer.restoreMultiLayerNetwork(bestFile.toFile(), false);
    }
}
