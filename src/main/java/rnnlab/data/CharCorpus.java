package rnnlab.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import rnnlab.core.UserError;

/**
 * A character corpus for the language-model tutorials: the vocabulary ({@code idx_to_token}) and the
 * whole text as token ids. The tutorials train on the first 10,000 tokens; {@link #head} and
 * {@link #tail} split the text there, so the rest can serve as a held-out set.
 */
public final class CharCorpus {
    public static final String UNK = "<unk>";

    private final List<String> idxToToken;
    private final Map<String, Integer> tokenToIdx;
    private final int[] ids;

    private CharCorpus(List<String> idxToToken, int[] ids) {
        this.idxToToken = Collections.unmodifiableList(idxToToken);
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < idxToToken.size(); i++) {
            m.put(idxToToken.get(i), i);
        }
        this.tokenToIdx = Collections.unmodifiableMap(m);
        this.ids = ids;
    }

    public List<String> idxToToken() {
        return idxToToken;
    }

    public int vocabSize() {
        return idxToToken.size();
    }

    /**
     * The tokens a model predicts: the whole vocabulary, less the {@code <unk>} that {@link #jayChou}
     * appends for held-out characters (it is last, and the training text never has it).
     */
    public int modelVocabSize() {
        int n = idxToToken.size();
        return n > 1 && idxToToken.get(n - 1).equals(UNK) ? n - 1 : n;
    }

    /** The id of a token; {@code <unk>}'s (or -1 if the vocabulary has none) for an unknown one. */
    public int id(String token) {
        Integer i = tokenToIdx.get(token);
        return i != null ? i : tokenToIdx.getOrDefault(UNK, -1);
    }

    public String token(int id) {
        return idxToToken.get(id);
    }

    /** Every token of the text, as ids. */
    public int[] ids() {
        return ids.clone();
    }

    /** The first {@code n} tokens (all of them if fewer), as the tutorials' {@code corpus[:max_tokens]}. */
    public int[] head(int n) {
        return Arrays.copyOf(ids, Math.min(n, ids.length));
    }

    /** The tokens after the first {@code n}. */
    public int[] tail(int n) {
        return Arrays.copyOfRange(ids, Math.min(n, ids.length), ids.length);
    }

    /** Decodes ids to text (character tokens concatenate). */
    public String text(int[] sequence) {
        StringBuilder sb = new StringBuilder();
        for (int id : sequence) {
            sb.append(idxToToken.get(id));
        }
        return sb.toString();
    }

    private static final Pattern NON_LETTERS = Pattern.compile("[^A-Za-z]+");

    /**
     * The Time Machine as d2l v2 reads it ({@code read_time_machine}, {@code tokenize(lines, 'char')},
     * {@code Vocab}): each line with every run of non-letters replaced by one space, stripped and
     * lowercased; character tokens; vocabulary by descending frequency over the whole book (ties in order
     * of first appearance, as Python's stable sort of a Counter), {@code <unk>} first; the lines' tokens
     * concatenated without separators.
     */
    public static CharCorpus timeMachine(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError("Cannot read " + file + ": " + e.getMessage());
        }
        List<String> tokens = new ArrayList<>();
        for (String line : lines) {
            String clean = NON_LETTERS.matcher(line).replaceAll(" ").strip().toLowerCase(Locale.ROOT);
            clean.codePoints().forEach(cp -> tokens.add(new String(Character.toChars(cp))));
        }
        return byFrequency(tokens);
    }

    /** d2l's {@code Vocab(tokens)}: {@code <unk>}, then tokens by descending count, ties by first appearance. */
    static CharCorpus byFrequency(List<String> tokens) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String t : tokens) {
            counts.merge(t, 1, Integer::sum);
        }
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort((a, b) -> Integer.compare(b.getValue(), a.getValue())); // stable: ties keep first appearance
        List<String> vocab = new ArrayList<>();
        vocab.add(UNK);
        for (Map.Entry<String, Integer> e : sorted) {
            if (!e.getKey().equals(UNK)) {
                vocab.add(e.getKey());
            }
        }
        CharCorpus indexer = new CharCorpus(vocab, new int[0]);
        int[] ids = new int[tokens.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = indexer.id(tokens.get(i));
        }
        return new CharCorpus(vocab, ids);
    }

    /**
     * The Jay Chou lyrics as d2l-zh v1 reads them ({@code load_data_jay_lyrics}): {@code jaychou_lyrics.txt}
     * from the zip, newlines and carriage returns replaced by spaces, one token per character. The
     * tutorial's vocabulary is {@code list(set(corpus_chars[:10000]))}, whose order Python does not fix;
     * here it is the order of first appearance in those 10,000 characters (1,027 tokens). Characters
     * after them that the vocabulary lacks map to an extra {@code <unk>} token at the end, so the
     * held-out text can be encoded; the first 10,000 never contain it.
     */
    public static CharCorpus jayChou(Path zip, int vocabChars) {
        String text;
        try (ZipFile z = new ZipFile(zip.toFile())) {
            ZipEntry entry = z.getEntry("jaychou_lyrics.txt");
            if (entry == null) {
                throw new UserError(zip + " holds no jaychou_lyrics.txt");
            }
            try (InputStream in = z.getInputStream(entry)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UserError("Cannot read " + zip + ": " + e.getMessage());
        }
        text = text.replace('\n', ' ').replace('\r', ' ');
        List<String> chars = new ArrayList<>();
        text.codePoints().forEach(cp -> chars.add(new String(Character.toChars(cp))));
        List<String> vocab = new ArrayList<>(new LinkedHashSet<>(chars.subList(0, Math.min(vocabChars, chars.size()))));
        boolean needsUnk = chars.stream().skip(Math.min(vocabChars, chars.size())).anyMatch(c -> !vocab.contains(c));
        if (needsUnk) {
            vocab.add(UNK);
        }
        CharCorpus indexer = new CharCorpus(vocab, new int[0]);
        int[] ids = new int[chars.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = indexer.id(chars.get(i));
        }
        return new CharCorpus(vocab, ids);
    }
}
