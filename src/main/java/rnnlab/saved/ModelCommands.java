package rnnlab.saved;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

import rnnlab.core.Command;
import rnnlab.core.Options;
import rnnlab.core.RandomStreams;
import rnnlab.core.UserError;
import rnnlab.data.CharCorpus;
import rnnlab.data.CharLmIterator;
import rnnlab.data.WordCorpus;
import rnnlab.lm.NetLanguageModel;
import rnnlab.train.LmTrainer;

/**
 * What a user does with a saved model ({@link SavedModel}), from the command line:
 * <pre>
 *   mvn -q exec:java -Dexp=Generate -Dmodel=FILE -Dprefix=TEXT [-Dlen=N] [-Dtemperature=T] [-Dsamples=K] [-Dseed=S]
 *   mvn -q exec:java -Dexp=Evaluate -Dmodel=FILE -Dtext=FILE
 * </pre>
 * Generate prints continuations of the prefix, greedy at temperature 0 as the tutorials' {@code predict}, else
 * sampled; Evaluate prints the model's perplexity on a text, read as the training page's held-out figure is
 * (the same layout and the same unknown-token policy). Both write nothing.
 */
public final class ModelCommands {
    public static final List<String> NAMES = List.of(Command.GENERATE.word(), Command.EVALUATE.word());
    private static final Map<String, List<String>> OPTIONS = Map.of(Command.GENERATE.word(),
            Options.keys(Options.GENERATE_OPTIONS), Command.EVALUATE.word(), Options.keys(Options.EVALUATE_OPTIONS));
    private static final Pattern NON_LETTERS = Pattern.compile("[^A-Za-z]+");

    private ModelCommands() {
    }

    /** Runs {@code name} (one of {@link #NAMES}) with the command line's {@code -D} options. */
    public static void run(String name, Map<String, String> options, PrintStream out) {
        List<String> allowed = OPTIONS.get(name);
        for (String key : options.keySet()) {
            if (!allowed.contains(key)) {
                throw new UserError("Unknown option '" + key + "' for " + name + "; expected " + String.join(", ", allowed));
            }
        }
        String model = options.get("model");
        if (model == null || model.isBlank()) {
            throw new UserError(name + " needs -Dmodel=FILE, a zip a language-model run saved under models/");
        }
        SavedModel saved = SavedModel.read(Path.of(model));
        if (name.equals(Command.GENERATE.word())) {
            generate(saved, options, out);
        } else {
            evaluate(saved, options, out);
        }
    }

    static void generate(SavedModel m, Map<String, String> o, PrintStream out) {
        String prefix = o.get("prefix");
        if (prefix == null || prefix.isEmpty()) {
            throw new UserError("Generate needs -Dprefix=TEXT, the text to continue");
        }
        int len = Options.LEN.integer(o, 0, 100_000);
        double temperature = Options.TEMPERATURE.real(o, 0, 100);
        int samples = Options.SAMPLES.integer(o, 1, 1000);
        long seed = Options.SEED.integer(o, 0, Integer.MAX_VALUE);
        Tokens t = new Tokens(m);
        int[] ids = t.encode(prefix);
        if (ids.length == 0 || Arrays.stream(ids).noneMatch(t::known)) {
            throw new UserError("Invalid value for 'prefix': '" + prefix + "' has no token the model knows; use "
                    + (m.text().words() ? "words" : "characters") + " of its training text");
        }
        NetLanguageModel lm = new NetLanguageModel(m.net(), m.tokens().size(), null);
        Random random = RandomStreams.random(seed, "sampling");
        for (int s = 0; s < samples; s++) {
            out.println(t.decode(LmTrainer.continuation(lm, ids, len, temperature, random)));
        }
    }

    static void evaluate(SavedModel m, Map<String, String> o, PrintStream out) {
        String file = o.get("text");
        if (file == null || file.isBlank()) {
            throw new UserError("Evaluate needs -Dtext=FILE, a UTF-8 text file");
        }
        String text;
        try {
            text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            throw new UserError("Invalid value for 'text': " + file + " is not UTF-8 text (a binary file, or another "
                    + "encoding: convert it to UTF-8)");
        } catch (IOException e) {
            throw new UserError("Invalid value for 'text': cannot read " + file + " (" + (e instanceof NoSuchFileException
                    ? "no such file" : e.getMessage()) + "); give a UTF-8 text file");
        }
        Tokens t = new Tokens(m);
        int[] ids = t.encode(text);
        if (ids.length < 2) {
            throw new UserError("Invalid value for 'text': " + file + " holds " + (ids.length == 0 ? "no token" : "one token")
                    + "; a perplexity needs at least two");
        }
        NetLanguageModel lm = new NetLanguageModel(m.net(), m.tokens().size(), null);
        long unknown = t.missing;
        if (m.text().words()) {
            Words w = Words.evaluate(lm, ids, m.batchSize(), m.steps());
            out.printf("perplexity %.4f on %s: %d words (%d not in the vocabulary, read as <unk>), in %d columns "
                    + "walked %d steps at a time from a zero state, as the training page's test figure%n", w.perplexity(),
                    file, ids.length, unknown, w.columns(), m.steps());
            return;
        }
        LmTrainer.HeldOut h = LmTrainer.heldOutPerplexity(lm, ids, LmTrainer.HELD_OUT_ROWS, m.steps());
        boolean ownCharacters = m.text() == SavedModel.Text.LYRICS || m.text() == SavedModel.Text.CHARS;
        if (h.tokens() == 0) { // a mean over no target: nothing to report, not a perplexity of 1
            throw new UserError("Invalid value for 'text': none of " + file + "'s " + (ids.length - 1) + " targets can "
                    + "be scored (" + h.skipped() + " are characters the model's training text lacked); give a text in "
                    + "the model's characters");
        }
        // the figure reads the text as equal rows (the held-out figure's 128): the tail beyond them is not read
        long unread = ids.length - 1 - h.tokens() - h.skipped();
        out.printf("perplexity %.4f on %s: %d of %d targets scored (%s%s), read in rows of %d steps with the state "
                + "carried, as the training page's held-out figure%n", h.perplexity(), file, h.tokens(), ids.length - 1,
                ownCharacters ? h.skipped() + " characters the training text lacked are left out"
                        : unknown + " unknown characters read as <unk>",
                unread > 0 ? "; the last " + unread + ", past " + LmTrainer.HELD_OUT_ROWS + " rows of equal length, "
                        + "are not read" : "",
                m.steps());
    }

    /** The course's test perplexity on word ids: columns of the batch size, exp of the mean batch loss. */
    record Words(double perplexity, int columns) {
        static Words evaluate(NetLanguageModel lm, int[] ids, int batch, int steps) {
            int columns = Math.max(1, Math.min(batch, (ids.length - 1) / 2));
            int[][] data = WordCorpus.columns(ids, columns);
            List<Integer> starts = WordCorpus.starts(data.length, steps);
            if (starts.isEmpty()) {
                throw new UserError("Invalid value for 'text': too short for one batch of " + columns + " columns");
            }
            lm.resetState();
            double sum = 0;
            for (int start : starts) {
                CharLmIterator.Ids b = WordCorpus.batch(data, start, steps);
                sum += lm.score(b.x(), b.y());
            }
            return new Words(Math.exp(sum / starts.size()), columns);
        }
    }

    /** A saved model's tokens: text to ids under its corpus's rules, and back. */
    static final class Tokens {
        private final SavedModel.Text kind;
        private final List<String> tokens;
        private final Map<String, Integer> index = new HashMap<>();
        private final int unk;
        /** Tokens of the last {@link #encode}d text that the vocabulary lacks. */
        long missing;

        Tokens(SavedModel m) {
            this.kind = m.text();
            this.tokens = m.tokens();
            for (int i = 0; i < tokens.size(); i++) {
                index.put(tokens.get(i), i);
            }
            // the Time Machine's and the Penn Treebank's <unk> is a token the model predicts; the lyrics' is not
            // (ids at or above the vocabulary are fed as zeros and never scored)
            this.unk = notPredicted() ? tokens.size() : index.getOrDefault("<unk>", tokens.size());
        }

        /** The lyrics' and a user's text's unknown characters: fed as zeros, never predicted nor scored. */
        private boolean notPredicted() {
            return kind == SavedModel.Text.LYRICS || kind == SavedModel.Text.CHARS;
        }

        boolean known(int id) {
            return id < tokens.size() && !(id == unk && !notPredicted());
        }

        int[] encode(String text) {
            List<String> parts = new ArrayList<>();
            switch (kind) {
                case TIME_MACHINE -> text.lines().forEach(line -> NON_LETTERS.matcher(line).replaceAll(" ").strip()
                        .toLowerCase(Locale.ROOT).codePoints().forEach(cp -> parts.add(Character.toString(cp))));
                case LYRICS -> text.replace('\n', ' ').replace('\r', ' ').codePoints()
                        .forEach(cp -> parts.add(Character.toString(cp)));
                case CHARS -> CharCorpus.userChars(text).codePoints().forEach(cp -> parts.add(Character.toString(cp)));
                case PTB, WORDS -> text.lines().forEach(line -> {
                    for (String w : line.trim().split("\\s+")) {
                        if (!w.isEmpty()) {
                            parts.add(w);
                        }
                    }
                    if (!line.isBlank()) {
                        parts.add("<eos>");
                    }
                });
                default -> throw new IllegalStateException();
            }
            if (kind.words() && !text.contains("\n") && !parts.isEmpty()) {
                parts.remove(parts.size() - 1); // a prefix on one line is not a finished sentence: no <eos> after it
            }
            missing = parts.stream().filter(p -> !index.containsKey(p)).count();
            return parts.stream().mapToInt(p -> index.getOrDefault(p, unk)).toArray();
        }

        String decode(int[] ids) {
            StringBuilder sb = new StringBuilder();
            for (int id : ids) {
                String tok = id < tokens.size() ? tokens.get(id) : "<unk>";
                if (kind.words() && sb.length() > 0) {
                    sb.append(' ');
                }
                sb.append(tok);
            }
            return sb.toString();
        }
    }
}
