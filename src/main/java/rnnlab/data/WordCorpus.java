package rnnlab.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.datavec.api.records.reader.impl.LineRecordReader;
import org.datavec.api.split.InputStreamInputSplit;
import org.datavec.api.writable.Writable;

import rnnlab.core.UserError;

/**
 * Penn Treebank as the word-level tutorial reads it: each line of {@code ptb/ptb.{train,valid,test}.txt}
 * split on whitespace, followed by {@code <eos>}; the vocabulary is the training split's words in order
 * of first appearance (10,000 of them, {@code <unk>} included, as the corpus is distributed). Lines are
 * read with DataVec's {@link LineRecordReader}.
 */
public final class WordCorpus {
    public static final String EOS = "<eos>";

    private final List<String> idxToWord;
    private final Map<String, Integer> wordToIdx;
    private final int[] train;
    private final int[] valid;
    private final int[] test;

    private WordCorpus(List<String> idxToWord, Map<String, Integer> wordToIdx, int[] train, int[] valid, int[] test) {
        this.idxToWord = Collections.unmodifiableList(idxToWord);
        this.wordToIdx = Collections.unmodifiableMap(wordToIdx);
        this.train = train;
        this.valid = valid;
        this.test = test;
    }

    public int vocabSize() {
        return idxToWord.size();
    }

    public String word(int id) {
        return idxToWord.get(id);
    }

    /** The id of a word, or -1 if the vocabulary lacks it. */
    public int id(String word) {
        return wordToIdx.getOrDefault(word, -1);
    }

    public int[] train() {
        return train.clone();
    }

    public int[] valid() {
        return valid.clone();
    }

    public int[] test() {
        return test.clone();
    }

    /** Decodes ids to words separated by spaces. */
    public String text(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append(sb.length() == 0 ? "" : " ").append(idxToWord.get(id));
        }
        return sb.toString();
    }

    /** Reads {@code ptb.zip}. */
    public static WordCorpus ptb(Path zip) {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            List<List<String>> splits = new ArrayList<>();
            for (String name : List.of("train", "valid", "test")) {
                ZipEntry e = z.getEntry("ptb/ptb." + name + ".txt");
                if (e == null) {
                    throw new UserError(zip + " holds no ptb/ptb." + name + ".txt; expected d2l's ptb.zip");
                }
                try (InputStream in = z.getInputStream(e)) {
                    splits.add(words(in));
                }
            }
            return of(splits.get(0), splits.get(1), splits.get(2));
        } catch (IOException e) {
            throw new UserError("Cannot read " + zip + ": " + e.getMessage());
        }
    }

    public static final String UNK = "<unk>";

    /**
     * A user's own text for the word models ({@code -Dcorpus=FILE}): UTF-8 ({@link CharCorpus#readUserFile}), each
     * non-blank line's whitespace-separated words followed by {@code <eos>}, as {@link #ptb} reads the Penn Treebank
     * (blank lines add nothing, as {@code -Dexp=Evaluate} reads a text). The first {@link CharCorpus#trainLength} words
     * train; the held-out rest is cut in two, its first half the validation split and its second the test split.
     * The vocabulary is the training part's words seen at least {@code minCount} times there, in order of first
     * appearance, then {@code <unk>} if the training part has none; every other word, in any split, is {@code <unk>}.
     * A missing, empty, binary or non-UTF-8 file is a UserError.
     */
    public static WordCorpus userText(Path file, double heldOutShare, int minCount) {
        String text = CharCorpus.readUserFile(file);
        text = text.startsWith("\uFEFF") ? text.substring(1) : text;
        List<String> all = new ArrayList<>();
        text.lines().forEach(line -> {
            if (!line.isBlank()) {
                for (String w : line.trim().split("\\s+")) {
                    all.add(w);
                }
                all.add(EOS);
            }
        });
        if (all.isEmpty()) {
            throw new UserError("Invalid value for 'corpus': " + file + " is empty" + (text.isEmpty() ? "" : " (only white space)")
                    + "; give a text to train on");
        }
        int trainLength = CharCorpus.trainLength(all.size(), heldOutShare);
        int validEnd = trainLength + (all.size() - trainLength) / 2;
        List<String> train = all.subList(0, trainLength);
        Map<String, Integer> counts = new java.util.HashMap<>();
        for (String w : train) {
            counts.merge(w, 1, Integer::sum);
        }
        Map<String, Integer> index = new LinkedHashMap<>();
        List<String> words = new ArrayList<>();
        for (String w : train) {
            String t = counts.get(w) >= minCount || w.equals(EOS) ? w : UNK;
            if (!index.containsKey(t)) {
                index.put(t, words.size());
                words.add(t);
            }
        }
        if (!index.containsKey(UNK)) {
            index.put(UNK, words.size());
            words.add(UNK);
        }
        return new WordCorpus(words, index, unk(train, index), unk(all.subList(trainLength, validEnd), index),
                unk(all.subList(validEnd, all.size()), index));
    }

    private static int[] unk(List<String> words, Map<String, Integer> index) {
        int unk = index.get(UNK);
        return words.stream().mapToInt(w -> index.getOrDefault(w, unk)).toArray();
    }

    /** Each line's whitespace-separated words, then {@code <eos>}, read through DataVec. */
    static List<String> words(InputStream in) throws IOException {
        List<String> out = new ArrayList<>();
        try (LineRecordReader reader = new LineRecordReader()) {
            reader.initialize(new InputStreamInputSplit(in));
            while (reader.hasNext()) {
                List<Writable> record = reader.next();
                for (String w : record.get(0).toString().trim().split("\\s+")) {
                    if (!w.isEmpty()) {
                        out.add(w);
                    }
                }
                out.add(EOS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return out;
    }

    /** The vocabulary from {@code train} (first appearance); words of the other splits must be in it. */
    static WordCorpus of(List<String> train, List<String> valid, List<String> test) {
        Map<String, Integer> index = new LinkedHashMap<>();
        List<String> words = new ArrayList<>();
        for (String w : train) {
            if (!index.containsKey(w)) {
                index.put(w, words.size());
                words.add(w);
            }
        }
        return new WordCorpus(words, index, ids(train, index, "train"), ids(valid, index, "valid"),
                ids(test, index, "test"));
    }

    private static int[] ids(List<String> words, Map<String, Integer> index, String split) {
        int[] out = new int[words.size()];
        for (int i = 0; i < out.length; i++) {
            Integer id = index.get(words.get(i));
            if (id == null) {
                throw new UserError("ptb." + split + ".txt has a word the training split lacks: '" + words.get(i)
                        + "'; expected the preprocessed Penn Treebank, where rare words are <unk>");
            }
            out[i] = id;
        }
        return out;
    }

    /**
     * The tutorial's layout: the first {@code rows * columns} tokens cut into {@code columns} contiguous
     * segments side by side, {@code data[row][column]} (PyTorch's {@code view(columns, -1).t()}).
     */
    public static int[][] columns(int[] tokens, int columns) {
        int rows = tokens.length / columns;
        int[][] data = new int[rows][columns];
        for (int c = 0; c < columns; c++) {
            for (int r = 0; r < rows; r++) {
                data[r][c] = tokens[c * rows + r];
            }
        }
        return data;
    }

    /**
     * The minibatch at row {@code start}: inputs rows {@code start..start+steps-1}, labels one row on, as
     * {@code [column][step]} (one sequence per column).
     */
    public static CharLmIterator.Ids batch(int[][] data, int start, int steps) {
        int columns = data[0].length;
        int[][] x = new int[columns][steps];
        int[][] y = new int[columns][steps];
        for (int c = 0; c < columns; c++) {
            for (int t = 0; t < steps; t++) {
                x[c][t] = data[start + t][c];
                y[c][t] = data[start + t + 1][c];
            }
        }
        return new CharLmIterator.Ids(x, y);
    }

    /** The tutorial's batch starts: {@code range(0, rows - 1 - steps, steps)} (its loop bound is rows - 1). */
    public static List<Integer> starts(int rows, int steps) {
        List<Integer> out = new ArrayList<>();
        for (int s = 0; s < rows - 1 - steps; s += steps) {
            out.add(s);
        }
        return out;
    }
}
