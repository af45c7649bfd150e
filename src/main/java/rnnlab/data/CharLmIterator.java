package rnnlab.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import rnnlab.core.RandomStreams;
import rnnlab.kernels.NdArrayCopies;

/**
 * Minibatches of a token sequence for language models, as the tutorials sample them, each epoch
 * ({@link #reset}) drawn afresh from one seeded random stream. Features and labels are one-hot
 * {@code [batch, vocab, steps]}; the labels are the inputs shifted by one token. {@link #ids} gives a
 * batch as token ids for other encodings.
 *
 * <ul>
 * <li>{@link Sampling#RANDOM}: disjoint subsequences of {@code steps} tokens from shuffled positions; in
 * consecutive batches nothing is adjacent, so a model resets its state every batch. d2l v2's
 * {@code seq_data_iter_random} first drops a random 0..steps-1 tokens; d2l-zh v1's {@code data_iter_random}
 * does not.</li>
 * <li>{@link Sampling#SEQUENTIAL}: the sequence cut into {@code batch} rows laid side by side, walked
 * {@code steps} columns at a time, so row r of one batch continues row r of the previous one and a model
 * carries its state across batches. d2l v2's {@code seq_data_iter_sequential} first drops a random
 * 0..steps tokens; d2l-zh v1's {@code data_iter_consecutive} does not (and keeps one column less).</li>
 * </ul>
 */
public final class CharLmIterator implements DataSetIterator {
    public enum Sampling {
        RANDOM, SEQUENTIAL
    }

    /** Which tutorial's sampler: d2l v2 (random offset per epoch) or d2l-zh v1 (none). */
    public enum Flavour {
        D2L_V2, D2L_ZH_V1
    }

    /** One batch as token ids: x[row][step], y[row][step]. */
    public record Ids(int[][] x, int[][] y) {
    }

    private final int[] corpus;
    private final int vocab;
    private final int batchSize;
    private final int steps;
    private final Sampling sampling;
    private final Flavour flavour;
    private final Random random;
    /** Handed-over offsets of d2l v2's sequential epochs (null: drawn from {@link #random}), and the next one's index. */
    private final int[] offsets;
    private int epochsDrawn;
    private List<Ids> epoch;
    private int cursor;
    private DataSetPreProcessor preProcessor;

    public CharLmIterator(int[] corpus, int vocab, int batchSize, int steps, Sampling sampling, Flavour flavour, long seed) {
        this(corpus, vocab, batchSize, steps, sampling, flavour, seed, null);
    }

    /**
     * With {@code offsets} (not null): d2l v2's sequential batches, each epoch's offset the next of {@code offsets}
     * (each in 0..steps) instead of a draw: the order of a run of the tutorial's code, handed over.
     */
    public CharLmIterator(int[] corpus, int vocab, int batchSize, int steps, Sampling sampling, Flavour flavour, long seed,
            int[] offsets) {
        if (batchSize < 1 || steps < 1) {
            throw new IllegalArgumentException("batch size and steps must be positive");
        }
        if (offsets != null && (sampling != Sampling.SEQUENTIAL || flavour != Flavour.D2L_V2)) {
            throw new IllegalArgumentException("offsets are d2l v2's sequential sampler's draws");
        }
        if (offsets != null && java.util.Arrays.stream(offsets).anyMatch(o -> o < 0 || o > steps)) {
            throw new IllegalArgumentException("an offset outside 0.." + steps);
        }
        this.offsets = offsets == null ? null : offsets.clone();
        this.corpus = corpus.clone();
        this.vocab = vocab;
        this.batchSize = batchSize;
        this.steps = steps;
        this.sampling = sampling;
        this.flavour = flavour;
        this.random = RandomStreams.random(seed, "batches");
        reset();
    }

    public Sampling sampling() {
        return sampling;
    }

    /** Time steps per batch. */
    public int steps() {
        return steps;
    }

    /** Batches in the current epoch. */
    public int batchesPerEpoch() {
        return epoch.size();
    }

    @Override
    public void reset() {
        epoch = sampling == Sampling.RANDOM ? randomEpoch() : sequentialEpoch();
        cursor = 0;
    }

    private List<Ids> randomEpoch() {
        int start = flavour == Flavour.D2L_V2 ? random.nextInt(steps) : 0;
        int subseqs = (corpus.length - start - 1) / steps;
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < subseqs; i++) {
            starts.add(start + i * steps);
        }
        Collections.shuffle(starts, random);
        List<Ids> out = new ArrayList<>();
        for (int b = 0; b + batchSize <= subseqs; b += batchSize) {
            int[][] x = new int[batchSize][steps];
            int[][] y = new int[batchSize][steps];
            for (int r = 0; r < batchSize; r++) {
                int p = starts.get(b + r);
                System.arraycopy(corpus, p, x[r], 0, steps);
                System.arraycopy(corpus, p + 1, y[r], 0, steps);
            }
            out.add(new Ids(x, y));
        }
        return out;
    }

    private List<Ids> sequentialEpoch() {
        int offset;
        int rowLength;
        int batches;
        if (flavour == Flavour.D2L_V2) {
            if (offsets == null) {
                offset = random.nextInt(steps + 1);
            } else if (epochsDrawn < offsets.length) {
                offset = offsets[epochsDrawn++];
            } else {
                throw new IllegalStateException("the " + offsets.length + " epochs' handed-over offsets are used up");
            }
            rowLength = (corpus.length - offset - 1) / batchSize;
            batches = rowLength / steps;
        } else {
            offset = 0;
            rowLength = corpus.length / batchSize;
            batches = (rowLength - 1) / steps;
        }
        List<Ids> out = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            int[][] x = new int[batchSize][steps];
            int[][] y = new int[batchSize][steps];
            for (int r = 0; r < batchSize; r++) {
                int p = offset + r * rowLength + b * steps;
                System.arraycopy(corpus, p, x[r], 0, steps);
                System.arraycopy(corpus, p + 1, y[r], 0, steps);
            }
            out.add(new Ids(x, y));
        }
        return out;
    }

    /** The next batch as ids (advances the iterator). */
    public Ids nextIds() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return epoch.get(cursor++);
    }

    /** One-hot [rows, vocab, steps]; an id outside [0, vocab) (a held-out unknown) gives an all-zero vector. */
    public static INDArray oneHot(int[][] ids, int vocab) {
        int rows = ids.length;
        int steps = ids[0].length;
        float[] data = new float[rows * vocab * steps];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < steps; t++) {
                int id = ids[r][t];
                if (id >= 0 && id < vocab) {
                    data[(r * vocab + id) * steps + t] = 1f;
                }
            }
        }
        return NdArrayCopies.floats(data, rows, vocab, steps);
    }

    @Override
    public DataSet next() {
        Ids ids = nextIds();
        DataSet ds = new DataSet(oneHot(ids.x(), vocab), oneHot(ids.y(), vocab));
        if (preProcessor != null) {
            preProcessor.preProcess(ds);
        }
        return ds;
    }

    @Override
    public DataSet next(int num) {
        throw new UnsupportedOperationException("batches have a fixed size: " + batchSize);
    }

    @Override
    public boolean hasNext() {
        return cursor < epoch.size();
    }

    @Override
    public int inputColumns() {
        return vocab;
    }

    @Override
    public int totalOutcomes() {
        return vocab;
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return null;
    }
}
