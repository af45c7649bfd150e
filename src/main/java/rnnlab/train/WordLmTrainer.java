package rnnlab.train;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntToDoubleFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import rnnlab.checkpoints.Checkpoint;
import rnnlab.core.Markdown;
import rnnlab.data.CharLmIterator;
import rnnlab.data.WordCorpus;
import rnnlab.lm.NetLanguageModel;

/**
 * The Penn Treebank course's training loop, beside the character models' ({@link LmTrainer}): each epoch the
 * learning rate of the schedule, the state zeroed, the training columns walked {@code steps} rows at a time with the
 * state carried, one step per batch; then the perplexity on every split (exp of the mean of the batches' mean
 * losses) and the generated text. An epoch is long, so it writes checkpoints within it too ({@link Within}).
 */
public final class WordLmTrainer implements EpochTraining {
    private static final Logger log = LoggerFactory.getLogger(WordLmTrainer.class);

    /** One epoch's figures. */
    public record Epoch(int epoch, double lr, double train, double valid, double test, double tokensPerSecond,
            double elapsed) {
    }

    private final NetLanguageModel model;
    private final int[][] train;
    private final int[][] valid;
    private final int[][] test;
    private final List<Integer> starts;
    private final int steps;
    private final int epochCount;
    private final IntToDoubleFunction learningRate;
    private final Function<NetLanguageModel, List<String>> generate;
    private final String label;
    private final boolean testEveryEpoch;

    private final List<Epoch> epochs = new ArrayList<>();
    private List<String> samples = new ArrayList<>();
    /** Where a checkpoint left the run (all zeros for a fresh one). */
    private Resume at = new Resume(0, 0, 0, 0, 0, 0);
    private int epochsDone;
    private double trainSeconds;
    private long t0;
    private Progress progress;
    private long step;

    /**
     * Trains {@code model} for {@code epochs} on {@code train}'s columns from each of {@code starts}, at the
     * learning rate {@code learningRate} gives each epoch (from 1); after each epoch {@code generate} writes its text.
     */
    public WordLmTrainer(NetLanguageModel model, int[][] train, int[][] valid, int[][] test, List<Integer> starts,
            int steps, int epochs, IntToDoubleFunction learningRate, Function<NetLanguageModel, List<String>> generate,
            String label) {
        this(model, train, valid, test, starts, steps, epochs, learningRate, generate, label, true);
    }

    /** With {@code testEveryEpoch} false the test split is scored after the last epoch alone (NaN before). */
    public WordLmTrainer(NetLanguageModel model, int[][] train, int[][] valid, int[][] test, List<Integer> starts,
            int steps, int epochs, IntToDoubleFunction learningRate, Function<NetLanguageModel, List<String>> generate,
            String label, boolean testEveryEpoch) {
        this.testEveryEpoch = testEveryEpoch;
        this.model = model;
        this.train = train;
        this.valid = valid;
        this.test = test;
        this.starts = starts;
        this.steps = steps;
        this.epochCount = epochs;
        this.learningRate = learningRate;
        this.generate = generate;
        this.label = label;
    }

    public NetLanguageModel model() {
        return model;
    }

    /** The epochs trained so far, with their figures. */
    public List<Epoch> epochFigures() {
        return epochs;
    }

    /** The text generated after the last epoch. */
    public List<String> samples() {
        return samples;
    }

    /** Seconds spent in training steps, the checkpointed run's included. */
    public double trainSeconds() {
        return trainSeconds;
    }

    @Override
    public int epochs() {
        return epochCount;
    }

    @Override
    public int epochsDone() {
        return epochsDone;
    }

    @Override
    public boolean trainEpoch(Within within) {
        if (progress == null) {
            progress = new Progress(log, label, (long) epochCount * starts.size() - (long) at.epoch() * starts.size()
                    - at.batch(), 10);
            trainSeconds = at.trainSeconds();
            t0 = System.nanoTime() - (long) (at.elapsed() * 1e9);
        }
        int e = epochsDone;
        double lr = learningRate.applyAsDouble(e + 1);
        model.net().setLearningRate(lr);
        boolean resumed = e == at.epoch() && at.batch() > 0;
        if (!resumed) {
            model.resetState();
        }
        double sum = resumed ? at.sum() : 0;
        long te = System.nanoTime() - (resumed ? (long) (at.epochSeconds() * 1e9) : 0);
        for (int bi = resumed ? at.batch() : 0; bi < starts.size(); bi++) {
            CharLmIterator.Ids b = WordCorpus.batch(train, starts.get(bi), steps);
            double loss = model.fit(b.x(), b.y());
            sum += loss;
            progress.update(step++, e, epochCount, loss);
            if (within.due() && bi + 1 < starts.size()) {
                double inEpoch = (System.nanoTime() - te) / 1e9;
                within.write(new Resume(e, bi + 1, sum, trainSeconds, (System.nanoTime() - t0) / 1e9, inEpoch).write(
                        epochs, samples, model));
            }
        }
        double seconds = (System.nanoTime() - te) / 1e9;
        trainSeconds += seconds;
        double trainPpl = Math.exp(sum / starts.size());
        double validPpl = evaluate(model, valid, steps);
        boolean testNow = testEveryEpoch || e + 1 == epochCount;
        double testPpl = testNow ? evaluate(model, test, steps) : Double.NaN;
        Epoch ep = new Epoch(e + 1, lr, trainPpl, validPpl, testPpl,
                (double) starts.size() * steps * train[0].length / seconds, (System.nanoTime() - t0) / 1e9);
        epochs.add(ep);
        log.info("{} epoch= {}  time= {}  lr= {}  exp(loss)= {}  valid: {}  test: exp(loss) = {}", label, e,
                Markdown.f(ep.elapsed(), 1), Markdown.f(lr, 5), Markdown.f(trainPpl, 3), Markdown.f(validPpl, 3),
                testNow ? Markdown.f(testPpl, 3) : "(after the last epoch)");
        samples = generate.apply(model);
        epochsDone = e + 1;
        return true;
    }

    @Override
    public byte[] checkpoint() {
        double elapsed = progress == null ? at.elapsed() : (System.nanoTime() - t0) / 1e9;
        return new Resume(epochsDone, 0, 0, trainSeconds, elapsed, 0).write(epochs, samples, model);
    }

    @Override
    public String restore(byte[] checkpoint) throws IOException {
        at = Resume.read(checkpoint, epochs, samples, model);
        epochsDone = at.epoch();
        trainSeconds = at.trainSeconds();
        return "at epoch " + (at.epoch() + 1) + ", batch " + (at.batch() + 1) + " of " + starts.size();
    }

    /**
     * The course's {@code eval_on_test_set}: the split's columns walked {@code steps} rows at a time from a
     * zero state, carried; exp of the mean of the batches' mean losses. The training state is kept.
     */
    public static double evaluate(NetLanguageModel model, int[][] data, int steps) {
        Object saved = model.saveState();
        model.resetState();
        double sum = 0;
        int n = 0;
        for (int start : WordCorpus.starts(data.length, steps)) {
            CharLmIterator.Ids b = WordCorpus.batch(data, start, steps);
            sum += model.score(b.x(), b.y());
            n++;
        }
        model.restoreState(saved);
        return Math.exp(sum / n);
    }

    /**
     * Where a checkpoint left a run: {@code epoch} epochs done and, within the next, {@code batch} batches with their
     * loss sum and seconds; the training seconds and elapsed time so far. With it go the finished epochs' figures,
     * the last generated text and the model's training state.
     */
    record Resume(int epoch, int batch, double sum, double trainSeconds, double elapsed, double epochSeconds) {
        byte[] write(List<Epoch> epochs, List<String> samples, NetLanguageModel model) {
            return Checkpoint.bytes(out -> {
                out.writeInt(epoch);
                out.writeInt(batch);
                out.writeDouble(sum);
                out.writeDouble(trainSeconds);
                out.writeDouble(elapsed);
                out.writeDouble(epochSeconds);
                out.writeInt(epochs.size());
                for (Epoch e : epochs) {
                    out.writeInt(e.epoch());
                    for (double v : new double[] {e.lr(), e.train(), e.valid(), e.test(), e.tokensPerSecond(), e.elapsed()}) {
                        out.writeDouble(v);
                    }
                }
                out.writeInt(samples.size());
                for (String t : samples) {
                    out.writeUTF(t);
                }
                model.writeTraining(out);
            });
        }

        static Resume read(byte[] data, List<Epoch> epochs, List<String> samples, NetLanguageModel model)
                throws IOException {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            Resume r = new Resume(in.readInt(), in.readInt(), in.readDouble(), in.readDouble(), in.readDouble(),
                    in.readDouble());
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                epochs.add(new Epoch(in.readInt(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(),
                        in.readDouble(), in.readDouble()));
            }
            int k = in.readInt();
            for (int i = 0; i < k; i++) {
                samples.add(in.readUTF());
            }
            model.readTraining(in);
            return r;
        }
    }
}
