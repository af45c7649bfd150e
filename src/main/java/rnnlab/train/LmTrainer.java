package rnnlab.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import rnnlab.core.RandomStreams;
import rnnlab.checkpoints.Checkpoint;
import rnnlab.core.Markdown;
import rnnlab.data.CharCorpus;
import rnnlab.data.CharLmIterator;
import rnnlab.kernels.NdArrayCopies;
import rnnlab.lm.LanguageModel;

/**
 * The tutorials' language-model training loop ({@code train_ch8} / {@code train_and_predict_rnn}): per
 * epoch, every batch of the iterator, the state reset as the sampling demands, one update per batch,
 * perplexity = exp(mean cross-entropy over the epoch's tokens); every {@code predPeriod} epochs (and at
 * the end) the text generated from each prefix and, beyond the tutorials, the held-out perplexity.
 */
public final class LmTrainer implements EpochTraining {
    private static final Logger log = LoggerFactory.getLogger(LmTrainer.class);

    /** When the hidden state goes back to zeros. */
    public enum StateReset {
        /** Random sampling: batches are unrelated. */
        EVERY_BATCH,
        /** Sequential partitioning as d2l trains from scratch: carried across batches, zeroed per epoch. */
        EVERY_EPOCH,
        /** d2l-zh's concise training: {@code state = None} once, before the first epoch. */
        NEVER
    }

    /** {@code heldOutPeriod}: evaluate held-out perplexity every so many epochs (and at the end). */
    public record Spec(int epochs, int predPeriod, int heldOutPeriod, int predLen, List<String> prefixes,
            StateReset reset, double temperature, long seed) {
    }

    /** Perplexity of a held-out text, and how many of its targets counted (the rest were unknown). */
    public record HeldOut(double perplexity, long tokens, long skipped) {
    }

    /** What one prediction epoch showed. */
    public record Check(int epoch, double perplexity, HeldOut heldOut, Map<String, String> texts) {
    }

    /** Rows the held-out text is laid out in: wider than a training batch, so an evaluation is quick. */
    public static final int HELD_OUT_ROWS = 128;

    private final LanguageModel model;
    private final CharLmIterator train;
    private final CharCorpus corpus;
    private final int[] heldOut;
    private final Spec spec;
    private final String label;
    public final List<Double> perplexities = new ArrayList<>();
    public final List<Check> checks = new ArrayList<>();
    private long tokens;
    private double trainSeconds;
    private int epochsDone;
    /** Draws of the generated text's sampling (temperature above 0), from the run's seed. */
    private Random sampler;
    /** The first epoch this instance trains, and its progress, once it has begun. */
    private int first;
    private Progress progress;
    private long step;

    /**
     * Trains {@code model} on {@code train}'s batches as {@code spec} says, generating text from {@code corpus}'s
     * characters and measuring {@code heldOut}'s perplexity at the prediction epochs.
     */
    public LmTrainer(LanguageModel model, CharLmIterator train, CharCorpus corpus, int[] heldOut, Spec spec,
            String label) {
        this.model = model;
        this.train = train;
        this.corpus = corpus;
        this.heldOut = heldOut;
        this.spec = spec;
        this.label = label;
    }

    public LanguageModel model() {
        return model;
    }

    public long tokens() {
        return tokens;
    }

    /** Seconds spent in training steps (generation and held-out evaluation excluded). */
    public double trainSeconds() {
        return trainSeconds;
    }

    public double tokensPerSecond() {
        return trainSeconds > 0 ? tokens / trainSeconds : Double.NaN;
    }

    public Check last() {
        return checks.get(checks.size() - 1);
    }

    /**
     * Trains every epoch left, without checkpoints; {@code afterCheck} runs after each prediction epoch (to write
     * results as they come).
     */
    public void train(Consumer<LmTrainer> afterCheck) {
        while (epochsDone < spec.epochs()) {
            if (trainEpoch(null)) {
                afterCheck.accept(this);
            }
        }
    }

    @Override
    public int epochs() {
        return spec.epochs();
    }

    /**
     * Trains epoch {@link #epochsDone} + 1, going on from where {@link #restore} left the trainer, the model and the
     * iterator; returns whether it was a prediction epoch ({@link #checks} has its text and perplexities). Nothing is
     * written within the epoch.
     */
    @Override
    public boolean trainEpoch(Within within) {
        if (progress == null) {
            if (sampler == null) {
                sampler = RandomStreams.random(spec.seed(), "sampling");
            }
            first = epochsDone + 1;
            progress = new Progress(log, label, (long) (spec.epochs() - epochsDone) * train.batchesPerEpoch(), 10);
            if (first == 1) {
                model.resetState();
            }
        }
        int epoch = epochsDone + 1;
        if (epoch > 1) {
            train.reset();
        }
        if (spec.reset() == StateReset.EVERY_EPOCH) {
            model.resetState();
        }
        double sum = 0;
        long n = 0;
        long t0 = System.nanoTime();
        while (train.hasNext()) {
            CharLmIterator.Ids batch = train.nextIds();
            if (spec.reset() == StateReset.EVERY_BATCH) {
                model.resetState();
            }
            double loss = model.fit(batch.x(), batch.y());
            long count = (long) batch.y().length * batch.y()[0].length;
            sum += loss * count;
            n += count;
            progress.update(step++, epoch - first, spec.epochs() - first + 1, loss);
        }
        trainSeconds += (System.nanoTime() - t0) / 1e9;
        tokens += n;
        double perplexity = Math.exp(sum / n);
        long e0 = System.nanoTime();
        perplexities.add(perplexity);
        boolean check = epoch % spec.predPeriod() == 0 || epoch == spec.epochs();
        if (check) {
            boolean measure = heldOut.length > 1 && (epoch % spec.heldOutPeriod() == 0 || epoch == spec.epochs());
            HeldOut h = measure ? heldOutPerplexity(model, heldOut, HELD_OUT_ROWS, train.steps()) : null;
            Map<String, String> texts = new LinkedHashMap<>();
            for (String prefix : spec.prefixes()) {
                texts.put(prefix, predict(model, corpus, prefix, spec.predLen(), spec.temperature(), sampler));
            }
            checks.add(new Check(epoch, perplexity, h, texts));
            log.info("{} epoch {}, perplexity {}{}, {} tokens/s", label, epoch, Markdown.f(perplexity, 6),
                    h == null ? "" : ", held-out " + Markdown.f(h.perplexity(), 3), Markdown.f(tokensPerSecond(), 0));
            texts.values().forEach(t -> log.info(" - {}", t));
            log.debug("{} prediction epoch took {} s", label, Markdown.f((System.nanoTime() - e0) / 1e9, 2));
        }
        epochsDone = epoch;
        return check;
    }

    /** Epochs trained so far (by this trainer or the run its checkpoint came from). */
    @Override
    public int epochsDone() {
        return epochsDone;
    }

    /**
     * The trainer's, the model's and the sampler's state after {@link #epochsDone} epochs, for a checkpoint. With
     * the iterator's draws replayed ({@link #restore}), training goes on exactly as it would have.
     */
    @Override
    public byte[] checkpoint() {
        return Checkpoint.bytes(out -> {
            out.writeInt(epochsDone);
            out.writeLong(tokens);
            out.writeDouble(trainSeconds);
            out.writeInt(perplexities.size());
            for (double p : perplexities) {
                out.writeDouble(p);
            }
            out.writeInt(checks.size());
            for (Check c : checks) {
                out.writeInt(c.epoch());
                out.writeDouble(c.perplexity());
                out.writeBoolean(c.heldOut() != null);
                if (c.heldOut() != null) {
                    out.writeDouble(c.heldOut().perplexity());
                    out.writeLong(c.heldOut().tokens());
                    out.writeLong(c.heldOut().skipped());
                }
                out.writeInt(c.texts().size());
                for (Map.Entry<String, String> e : c.texts().entrySet()) {
                    out.writeUTF(e.getKey());
                    out.writeUTF(e.getValue());
                }
            }
            ByteArrayOutputStream random = new ByteArrayOutputStream();
            try (ObjectOutputStream o = new ObjectOutputStream(random)) {
                o.writeObject(sampler);
            }
            out.writeInt(random.size());
            random.writeTo(out);
            model.writeTraining(out);
        });
    }

    /**
     * Restores a {@link #checkpoint} into this fresh trainer and its model, and replays the iterator's draws up to
     * the epoch it had reached.
     */
    @Override
    public String restore(byte[] data) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
        epochsDone = in.readInt();
        tokens = in.readLong();
        trainSeconds = in.readDouble();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            perplexities.add(in.readDouble());
        }
        int checkCount = in.readInt();
        for (int i = 0; i < checkCount; i++) {
            int epoch = in.readInt();
            double ppl = in.readDouble();
            HeldOut h = in.readBoolean() ? new HeldOut(in.readDouble(), in.readLong(), in.readLong()) : null;
            Map<String, String> texts = new LinkedHashMap<>();
            int t = in.readInt();
            for (int k = 0; k < t; k++) {
                texts.put(in.readUTF(), in.readUTF());
            }
            checks.add(new Check(epoch, ppl, h, texts));
        }
        byte[] random = new byte[in.readInt()];
        in.readFully(random);
        try (ObjectInputStream o = new ObjectInputStream(new ByteArrayInputStream(random))) {
            sampler = (Random) o.readObject();
        } catch (ClassNotFoundException e) {
            throw new IOException(e);
        }
        model.readTraining(in);
        for (int e = 2; e <= epochsDone; e++) {
            train.reset(); // the draws of the epochs already trained
        }
        return "after epoch " + epochsDone + " of " + spec.epochs();
    }

    /**
     * Held-out perplexity: the text laid out in {@code rows} rows and read {@code steps} at a time with
     * the state carried (as sequential partitioning), from zeros; targets the model cannot predict (ids at
     * or above its vocabulary) are skipped and counted. The training state is restored afterwards.
     */
    public static HeldOut heldOutPerplexity(LanguageModel model, int[] ids, int rows, int steps) {
        int rowLength = (ids.length - 1) / rows;
        if (rowLength < 1) {
            rows = 1;
            rowLength = ids.length - 1;
        }
        Object saved = model.saveState();
        model.resetState();
        double nll = 0;
        long counted = 0;
        long skipped = 0;
        int vocab = model.vocab();
        for (int start = 0; start < rowLength; start += steps) {
            int len = Math.min(steps, rowLength - start);
            int[][] x = new int[rows][len];
            int[][] y = new int[rows][len];
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < len; j++) {
                    x[r][j] = ids[r * rowLength + start + j];
                    y[r][j] = ids[r * rowLength + start + j + 1];
                }
            }
            float[] p = NdArrayCopies.floats(model.probabilities(x)); // [rows, vocab, len]
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < len; j++) {
                    int target = y[r][j];
                    if (target >= vocab) {
                        skipped++;
                        continue;
                    }
                    nll -= Math.log(Math.max(p[(r * vocab + target) * len + j], Float.MIN_NORMAL));
                    counted++;
                }
            }
        }
        model.restoreState(saved);
        return new HeldOut(Math.exp(nll / Math.max(1, counted)), counted, skipped);
    }

    /**
     * The tutorials' {@code predict}: from a zero state, feed the prefix's characters one at a time
     * (warm-up: the state moves, nothing is predicted), then {@code n} times append the most likely next
     * character and feed it back. With a temperature above 0, sample from the probabilities raised to
     * 1/temperature instead. The training state is restored afterwards.
     */
    public static String predict(LanguageModel model, CharCorpus corpus, String prefix, int n, double temperature,
            Random random) {
        int[] ids = prefix.codePoints().map(cp -> corpus.id(new String(Character.toChars(cp)))).toArray();
        return corpus.text(continuation(model, ids, n, temperature, random));
    }

    /** {@link #predict} on token ids: the prefix followed by {@code n} generated tokens. */
    public static int[] continuation(LanguageModel model, int[] prefix, int n, double temperature, Random random) {
        List<Integer> out = new ArrayList<>();
        Object saved = model.saveState();
        model.resetState();
        out.add(prefix[0]);
        for (int i = 1; i < prefix.length; i++) { // warm-up
            model.probabilities(new int[][] {{out.get(out.size() - 1)}});
            out.add(prefix[i]);
        }
        for (int i = 0; i < n; i++) {
            INDArray p = model.probabilities(new int[][] {{out.get(out.size() - 1)}});
            out.add(pick(NdArrayCopies.floats(p), temperature, random));
        }
        model.restoreState(saved);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** argmax of {@code p}, or with temperature > 0 a draw from {@code p^(1/temperature)}, normalised. */
    static int pick(float[] p, double temperature, Random random) {
        if (temperature <= 0) {
            int best = 0;
            for (int i = 1; i < p.length; i++) {
                if (p[i] > p[best]) {
                    best = i;
                }
            }
            return best;
        }
        double[] w = new double[p.length];
        double total = 0;
        for (int i = 0; i < p.length; i++) {
            w[i] = Math.pow(Math.max(p[i], 0), 1.0 / temperature);
            total += w[i];
        }
        double u = random.nextDouble() * total;
        for (int i = 0; i < w.length; i++) {
            u -= w[i];
            if (u < 0) {
                return i;
            }
        }
        return w.length - 1;
    }
}
