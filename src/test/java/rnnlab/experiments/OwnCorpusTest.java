package rnnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rnnlab.Main;
import rnnlab.core.Catalog;
import rnnlab.core.Cli;
import rnnlab.core.Config;
import rnnlab.core.ResultsCsv;
import rnnlab.core.Run;

/** -Dcorpus=FILE: a character model trained on a text of one's own, Generate and Evaluate on it; its bad inputs. */
class OwnCorpusTest {
    record Outcome(int code, String out, String err) {
    }

    /** Runs {@code exp} in the quick profile with {@code -Dcorpus} (and {@code -Dheldout_share}) set while it runs. */
    static Outcome run(String exp, String out, String corpus, String share, Map<String, String> overrides) {
        return run(exp, out, corpus, share, null, overrides);
    }

    /** {@link #run} with {@code -Dmin_count} too (null for none). */
    static Outcome run(String exp, String out, String corpus, String share, String minCount, Map<String, String> overrides) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        if (corpus != null) {
            System.setProperty("corpus", corpus);
        }
        if (share != null) {
            System.setProperty("heldout_share", share);
        }
        if (minCount != null) {
            System.setProperty("min_count", minCount);
        }
        try {
            // the experiments in the quick profile; the saved-model commands take no profile
            String profile = exp.equals("Generate") || exp.equals("Evaluate") ? "full" : "quick";
            int code = Main.run(new Cli(exp, profile, out, overrides), Path.of("").toAbsolutePath(),
                    new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
            return new Outcome(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.clearProperty("corpus");
            System.clearProperty("heldout_share");
            System.clearProperty("min_count");
        }
    }

    static Map<String, String> kv(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    /** A few thousand characters of a small made-up language, in lines. */
    static String text(int words) {
        String[] vocab = {"sun", "rain", "hill", "river", "stone", "wind", "the", "a", "over", "under", "falls", "sings"};
        Random r = new Random(7);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            sb.append(vocab[r.nextInt(vocab.length)]).append(i % 9 == 8 ? ".\n" : " ");
        }
        return sb.toString();
    }

    static final Map<String, String> SMALL = kv("epochs", "2", "hidden_size", "16", "batch_size", "4", "num_steps", "10",
            "pred_period", "2", "heldout_period", "2", "pred_len", "8");

    @Test
    void aQuickRunTrainsOnTheFileAndGenerateAndEvaluateUseItsModel(@TempDir Path tmp) throws Exception {
        Path corpus = tmp.resolve("mine.txt");
        String text = text(700);
        Files.writeString(corpus, text, StandardCharsets.UTF_8);
        Path out = tmp.resolve("out");
        Outcome r = run("JayChouLstm", out.toString(), corpus.toString(), "0.2", SMALL);
        assertEquals(0, r.code(), r.err());
        String page = Files.readString(out.resolve("JayChouLstm.md"));
        assertTrue(page.contains("Trained on a text of your own") && page.contains(corpus.toString()), page);
        assertTrue(page.contains("heldout_share=0.2"), page);
        assertTrue(Files.size(out.resolve("JayChouLstm-perplexity.png")) > 0);
        assertTrue(ResultsCsv.read(out.resolve("JayChouLstm.csv")).rows().stream()
                .anyMatch(row -> row.epoch().equals("final") && row.metric().equals("heldout_perplexity")));
        Path model = out.resolve("models/JayChouLstm_sampling-sequential_seed-0.zip");
        assertTrue(Files.isRegularFile(model), "no model at " + model);

        Outcome g = run("Generate", null, null, null, kv("model", model.toString(), "prefix", "the river", "len", "20"));
        assertEquals(0, g.code(), g.err());
        String line = g.out().strip();
        assertTrue(line.startsWith("the river") && line.length() == "the river".length() + 20, line);
        String alphabet = text.replace('\n', ' ');
        line.chars().forEach(ch -> assertTrue(alphabet.indexOf(ch) >= 0, "'" + (char) ch + "' is not the file's"));

        Path tail = tmp.resolve("tail.txt");
        Files.writeString(tail, text.substring(text.length() - 400), StandardCharsets.UTF_8);
        Outcome e = run("Evaluate", null, null, null, kv("model", model.toString(), "text", tail.toString()));
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().startsWith("perplexity "), e.out());
    }

    @Test
    void aRunOnItsOwnTextGoesToResultsCustom() {
        Config c = Config.of("X", "quick", Map.of("a", "1"), Map.of());
        assertEquals(Path.of("/p/results/quick"), Run.defaultOutDir(Path.of("/p"), c));
        System.setProperty("corpus", "any.txt");
        try {
            assertEquals(Path.of("/p/results/custom"), Run.defaultOutDir(Path.of("/p"), c));
        } finally {
            System.clearProperty("corpus");
        }
    }

    @Test
    void badTextsEndInOneLineAndWriteNothing(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        Path empty = Files.writeString(tmp.resolve("empty.txt"), "");
        Path binary = Files.write(tmp.resolve("data.bin"), new byte[] {0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x14, 0x00});
        Path latin1 = Files.write(tmp.resolve("latin1.txt"), "caf\u00e9 au lait".repeat(400).getBytes(StandardCharsets.ISO_8859_1));
        Path shortText = Files.writeString(tmp.resolve("short.txt"), text(40));
        Path tiny = Files.writeString(tmp.resolve("tiny.txt"), "abcdefghijklmno");
        Path fine = Files.writeString(tmp.resolve("fine.txt"), text(700));
        String[][] cases = {
            {tmp.resolve("absent.txt").toString(), null, "JayChouLstm", "no file"},
            {empty.toString(), null, "JayChouLstm", "is empty"},
            {binary.toString(), null, "JayChouLstm", "binary"},
            {latin1.toString(), null, "JayChouLstm", "not UTF-8"},
            {shortText.toString(), null, "JayChouLstm", "too short"},
            {tiny.toString(), null, "JayChouLstm", "'heldout_share'"},
            {fine.toString(), "0", "JayChouLstm", "'heldout_share'"},
            {fine.toString(), "1", "JayChouLstm", "'heldout_share'"},
            {null, "0.2", "JayChouLstm", "-Dcorpus=FILE"},
            {fine.toString(), null, "DigitSumSrn", "word language models"},
        };
        for (String[] c : cases) {
            Outcome r = run(c[2], out.toString(), c[0], c[1], Map.of());
            assertEquals(2, r.code(), c[0] + ": " + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("rnnlab: ") && r.err().contains(c[3]), "'" + c[3] + "' not in: " + r.err());
            assertFalse(r.err().contains("Exception"), r.err());
            try (Stream<Path> files = Files.exists(out) ? Files.walk(out) : Stream.empty()) {
                assertEquals(0, files.filter(Files::isRegularFile).count(), "nothing written for " + c[0]);
            }
        }
    }

    /** The refusal names exactly the experiments that read a text of one's own, no more and no fewer. */
    @Test
    void theRefusalNamesEveryExperimentThatTakesACorpus(@TempDir Path tmp) throws Exception {
        Path fine = Files.writeString(tmp.resolve("fine.txt"), text(700));
        Outcome r = run("DigitSumSrn", tmp.resolve("out").toString(), fine.toString(), null, Map.of());
        assertEquals(2, r.code(), r.err());
        String named = r.err().substring(0, r.err().indexOf("; DigitSumSrn trains on its own data")); // the list
        int readers = 0;
        for (String name : Catalog.project().all().keySet()) {
            boolean reads = Experiments.create(name).readsCorpus();
            readers += reads ? 1 : 0;
            assertEquals(reads, Pattern.compile("\\b" + name + "\\b").matcher(named).find(),
                    name + (reads ? " takes -Dcorpus but is not named in: " : " is named but refuses it: ") + r.err());
        }
        assertEquals(11, readers, "the seven character and four word models take -Dcorpus");
    }

    /** A word model's tiny settings: a run of seconds. */
    static final Map<String, String> WORDS_SMALL = kv("epochs", "1", "hidden_size", "8", "batch_size", "2", "num_steps",
            "5", "gen_len", "4", "gen_samples", "1", "max_train_tokens", "0", "max_eval_tokens", "0");

    @Test
    void aWordModelTrainsOnTheFileAndGenerateContinuesItsWords(@TempDir Path tmp) throws Exception {
        Path corpus = tmp.resolve("words.txt");
        String text = text(700) + "zyzzyva once\n"; // two words seen once, in the held-out part: <unk>
        Files.writeString(corpus, text, StandardCharsets.UTF_8);
        Path out = tmp.resolve("out");
        Outcome r = run("PtbWordRnn", out.toString(), corpus.toString(), "0.2", WORDS_SMALL);
        assertEquals(0, r.code(), r.err());
        String page = Files.readString(out.resolve("PtbWordRnn.md"));
        assertTrue(page.contains("Trained on a text of your own") && page.contains(corpus.toString()), page);
        assertTrue(page.contains("min_count=2") && page.contains("heldout_share=0.2"), page);
        assertTrue(Files.size(out.resolve("PtbWordRnn-perplexity.png")) > 0);
        ResultsCsv csv = ResultsCsv.read(out.resolve("PtbWordRnn.csv"));
        // the made-up language's 12 words (two with a full stop), <eos> and <unk>
        double vocabulary = csv.get("model=rnn;seed=0", "final", "vocabulary").orElseThrow();
        assertTrue(vocabulary > 3 && vocabulary < 30, "vocabulary " + vocabulary);
        assertTrue(csv.get("model=rnn;seed=0", "final", "test_perplexity").isPresent());
        Path model = out.resolve("models/PtbWordRnn_model-rnn_seed-0.zip");
        assertTrue(Files.isRegularFile(model), "no model at " + model);
        assertEquals("words", rnnlab.saved.SavedModel.read(model).info().getProperty("text"));

        Outcome g = run("Generate", null, null, null, kv("model", model.toString(), "prefix", "the river", "len", "5"));
        assertEquals(0, g.code(), g.err());
        String[] words = g.out().strip().split(" ");
        assertEquals(7, words.length, g.out());
        assertTrue(g.out().startsWith("the river "), g.out());
        for (String w : words) {
            assertTrue(w.equals("<eos>") || w.equals("<unk>") || text.contains(w), "'" + w + "' is not the file's");
        }
        Path tail = tmp.resolve("tail.txt");
        Files.writeString(tail, text.substring(text.length() - 600), StandardCharsets.UTF_8);
        Outcome e = run("Evaluate", null, null, null, kv("model", model.toString(), "text", tail.toString()));
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().startsWith("perplexity "), e.out());
    }

    @Test
    void badWordTextsEndInOneLineAndWriteNothing(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        Path empty = Files.writeString(tmp.resolve("empty.txt"), "\n \n");
        Path latin1 = Files.write(tmp.resolve("latin1.txt"), "caf\u00e9 au lait\n".repeat(400).getBytes(StandardCharsets.ISO_8859_1));
        Path shortText = Files.writeString(tmp.resolve("short.txt"), text(60));
        Path fine = Files.writeString(tmp.resolve("fine.txt"), text(700));
        String[][] cases = { // file, share, min_count, the message's fragment
            {tmp.resolve("absent.txt").toString(), null, null, "no file"},
            {empty.toString(), null, null, "is empty"},
            {latin1.toString(), null, null, "not UTF-8"},
            {shortText.toString(), null, null, "too short"},
            {fine.toString(), "0.01", null, "too short"},
            {fine.toString(), null, "0", "'min_count'"},
            {fine.toString(), null, "x", "'min_count'"},
            {null, null, "3", "-Dcorpus=FILE"},
        };
        for (String[] c : cases) {
            Outcome r = run("PtbWordRnn", out.toString(), c[0], c[1], c[2], WORDS_SMALL);
            assertEquals(2, r.code(), c[0] + ": " + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("rnnlab: ") && r.err().contains(c[3]), "'" + c[3] + "' not in: " + r.err());
            assertFalse(r.err().contains("Exception"), r.err());
            try (Stream<Path> files = Files.exists(out) ? Files.walk(out) : Stream.empty()) {
                assertEquals(0, files.filter(Files::isRegularFile).count(), "nothing written for " + c[0]);
            }
        }
        Outcome r = run("JayChouLstm", out.toString(), fine.toString(), null, "3", SMALL);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("-Dmin_count applies to the word models"), r.err());
    }
}
