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
        return firstAppearance(chars, vocabChars);
    }

    /**
     * Characters as tokens, the vocabulary the order of first appearance in the first {@code vocabChars}; characters
     * after them that it lacks map to an extra {@code <unk>} at the end (the model does not predict it).
     */
    static CharCorpus firstAppearance(List<String> chars, int vocabChars) {
        List<String> vocab = new ArrayList<>(new LinkedHashSet<>(chars.subList(0, Math.min(vocabChars, chars.size()))));
        java.util.Set<String> known = new java.util.HashSet<>(vocab);
        boolean needsUnk = chars.stream().skip(Math.min(vocabChars, chars.size())).anyMatch(c -> !known.contains(c));
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

    /** The training characters of a user's text of {@code total} characters, {@code heldOutShare} held out at its end. */
    public static int trainLength(int total, double heldOutShare) {
        return total - (int) Math.floor(total * heldOutShare);
    }

    /**
     * A user's text as the character models read it ({@code -Dcorpus}; Generate and Evaluate read a text for such a
     * model the same way): a leading byte-order mark dropped, every line break (CRLF, CR or LF) one space.
     */
    public static String userChars(String text) {
        String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
        return t.replace("\r\n", "\n").replace('\r', '\n').replace('\n', ' ');
    }

    /**
     * A user's own file ({@code -Dcorpus=FILE}) as it is, checked: a missing, unreadable, binary or non-UTF-8 file is a
     * UserError (an empty one is the caller's to judge).
     */
    public static String readUserFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("Invalid value for 'corpus': no file " + file + (Files.isDirectory(file) ? " (a folder)" : "")
                    + "; give a UTF-8 text file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserError("Invalid value for 'corpus': cannot read " + file + " (" + e.getMessage() + ")");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UserError("Invalid value for 'corpus': " + file + " is not UTF-8 text (a binary file, or another "
                    + "encoding: convert it to UTF-8)");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' || c == 0x7f) {
                throw new UserError("Invalid value for 'corpus': " + file + " is binary, not text (control character U+"
                        + String.format("%04X", (int) c) + " at character " + i + ")");
            }
        }
        return text;
    }

    /**
     * A user's own text ({@code -Dcorpus=FILE}): UTF-8, read by {@link #userChars}, one token per character; the
     * vocabulary is the training part's characters in order of first appearance (the first
     * {@link #trainLength} characters), and a held-out character it lacks is an extra {@code <unk>}, as
     * {@link #jayChou}. A missing, empty, binary or non-UTF-8 file, or a held-out share that leaves fewer than two
     * characters (one target) held out, is a UserError.
     */
    public static CharCorpus userText(Path file, double heldOutShare) {
        String text = userChars(readUserFile(file));
        if (text.isBlank()) {
            throw new UserError("Invalid value for 'corpus': " + file + " is empty" + (text.isEmpty() ? "" : " (only white space)")
                    + "; give a text to train on");
        }
        List<String> chars = new ArrayList<>();
        text.codePoints().forEach(cp -> chars.add(new String(Character.toChars(cp))));
        int train = trainLength(chars.size(), heldOutShare);
        if (chars.size() - train < 2) {
            throw new UserError("Invalid value for 'heldout_share': " + heldOutShare + " of " + file + "'s "
                    + chars.size() + " characters leaves " + (chars.size() - train) + " held out; a held-out perplexity "
                    + "needs at least 2 (a larger -Dheldout_share or a longer text)");
        }
        return firstAppearance(chars, train);
    }
}
