package rnnlab.saved;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import rnnlab.Main;
import rnnlab.core.Cli;
import rnnlab.core.OneLine;
import rnnlab.core.ResultsCsv;
import rnnlab.data.DataHub;
import rnnlab.lm.NetLanguageModel;
import rnnlab.lm.ScratchRnn;

/** A model saved by a real (short) run, used by Generate and Evaluate as a user would; their bad inputs. */
class ModelCommandsTest {
    record Outcome(int code, String out, String err) {
    }

    @TempDir
    static Path dir;
    static Path model;
    static double heldOut;

    static Outcome run(String exp, String out, Map<String, String> options) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        // the model's run in the quick profile; the model commands take none (refused, as a test below checks)
        String profile = exp.equals("Generate") || exp.equals("Evaluate") ? "full" : "quick";
        int code = Main.run(new Cli(exp, profile, out, options), Path.of("").toAbsolutePath(),
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Outcome(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    static Map<String, String> kv(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    /** A two-epoch JayChouRnn run of a small network: it saves its model where -Dout says. */
    @BeforeAll
    static void train() throws Exception {
        Outcome r = run("JayChouRnn", dir.resolve("out").toString(), kv("epochs", "2", "hidden_size", "32",
                "pred_period", "2", "heldout_period", "2", "pred_len", "5"));
        assertEquals(0, r.code(), r.err());
        model = dir.resolve("out/models/JayChouRnn_sampling-sequential_seed-0.zip");
        assertTrue(Files.isRegularFile(model), "no model at " + model);
        heldOut = ResultsCsv.read(dir.resolve("out/JayChouRnn.csv")).rows().stream()
                .filter(row -> row.epoch().equals("final") && row.metric().equals("heldout_perplexity"))
                .mapToDouble(ResultsCsv.Row::value).findFirst().orElseThrow();
    }

    @Test
    void evaluateOnTheHeldOutTextGivesTheRunsHeldOutFigure() throws Exception {
        // the text after the first 10,000 characters, as the lyrics corpus reads it
        Path zip = DataHub.standard(Path.of("datasets")).fetch(DataHub.JAYCHOU_LYRICS);
        String text;
        try (ZipFile z = new ZipFile(zip.toFile())) {
            text = new String(z.getInputStream(z.getEntry("jaychou_lyrics.txt")).readAllBytes(), StandardCharsets.UTF_8);
        }
        int[] cps = text.codePoints().toArray();
        Path held = dir.resolve("heldout.txt");
        Files.writeString(held, new String(cps, 10000, cps.length - 10000));
        Outcome r = run("Evaluate", null, kv("model", model.toString(), "text", held.toString()));
        assertEquals(0, r.code(), r.err());
        double ppl = Double.parseDouble(r.out().replaceAll("(?s).*perplexity ([0-9.]+) on.*", "$1"));
        assertEquals(heldOut, ppl, 1e-3 * heldOut, r.out());
        assertTrue(r.out().contains("characters the training text lacked are left out"), r.out());
        // read as 128 equal rows: the targets past them, by hand, are said to be unread
        int targets = cps.length - 10000 - 1;
        assertTrue(r.out().contains("; the last " + (targets - 128 * (targets / 128)) + ", past 128 rows of equal "
                + "length, are not read"), r.out());
    }

    @Test
    void generateIsGreedyAtTemperatureZeroAndSeededAbove() {
        Map<String, String> greedy = kv("model", model.toString(), "prefix", "分开", "len", "12");
        Outcome a = run("Generate", null, greedy);
        assertEquals(0, a.code(), a.err());
        assertTrue(a.out().startsWith("分开"), a.out());
        assertEquals(2 + 12, a.out().strip().codePointCount(0, a.out().strip().length()), a.out());
        assertEquals(a.out(), run("Generate", null, greedy).out());
        Map<String, String> sampled = kv("model", model.toString(), "prefix", "分开", "len", "12", "temperature", "1",
                "samples", "3", "seed", "7");
        Outcome s = run("Generate", null, sampled);
        assertEquals(3, s.out().lines().count(), s.out());
        assertEquals(s.out(), run("Generate", null, sampled).out(), "the same seed draws the same samples");
    }

    @Test
    void badInputsEndInOneLineAndWriteNothing() throws Exception {
        Path csv = dir.resolve("out/JayChouRnn.csv");
        Path truncated = dir.resolve("truncated.zip");
        byte[] bytes = Files.readAllBytes(model);
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        Path foreign = dir.resolve("foreign.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(foreign))) {
            z.putNextEntry(new ZipEntry("hello.txt"));
            z.write("hi".getBytes(StandardCharsets.UTF_8));
        }
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "");
        List<String> before = listing(dir);
        String m = model.toString();
        assertOneLine(run("Generate", null, kv("model", dir.resolve("missing.zip").toString(), "prefix", "分开")),
                "No model file");
        assertOneLine(run("Generate", null, kv("model", csv.toString(), "prefix", "分开")), "not an rnnlab model");
        assertOneLine(run("Generate", null, kv("model", truncated.toString(), "prefix", "分开")), "truncated.zip");
        assertOneLine(run("Generate", null, kv("model", foreign.toString(), "prefix", "分开")), "not an rnnlab model");
        assertOneLine(run("Generate", null, kv("model", m, "prefix", "§¶")), "no token the model knows");
        assertOneLine(run("Generate", null, kv("model", m)), "-Dprefix=TEXT");
        assertOneLine(run("Generate", null, kv("model", m, "prefix", "分开", "len", "-1")), "-Dlen: '-1'");
        assertOneLine(run("Generate", null, kv("model", m, "prefix", "分开", "lenght", "5")), "Unknown option 'lenght'");
        assertOneLine(run("Evaluate", null, kv("model", m, "text", empty.toString())), "holds no token");
        assertOneLine(run("Evaluate", null, kv("model", m, "text", dir.resolve("nope.txt").toString())), "(no such file); "
                + "give a UTF-8 text file");
        assertOneLine(run("Evaluate", null, kv("text", empty.toString())), "-Dmodel=FILE");
        // the model file itself is not UTF-8 text: said, with what would be right
        assertOneLine(run("Evaluate", null, kv("model", m, "text", m)), "is not UTF-8 text (a binary file, or another "
                + "encoding: convert it to UTF-8)");
        // a text of none of the model's characters has no perplexity (not 1.0000, the mean over no target)
        Path foreignText = dir.resolve("foreign.txt");
        Files.writeString(foreignText, "§¶§¶§¶§¶");
        assertOneLine(run("Evaluate", null, kv("model", m, "text", foreignText.toString())), "'s 7 targets can be "
                + "scored (7 are characters the model's training text lacked)");
        // a profile is the experiments', which the model commands would ignore
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new Cli("Generate", "quick", null, kv("model", m, "prefix", "分开")),
                Path.of("").toAbsolutePath(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8)));
        assertTrue(e.toString(StandardCharsets.UTF_8).contains("-Dprofile chooses an experiment's settings; it does "
                + "not apply to -Dexp=Generate"), e.toString(StandardCharsets.UTF_8));
        Files.delete(foreignText);
        assertEquals(before, listing(dir), "nothing written");
    }

    @Test
    void aScratchRnnSavesAsANetworkWithItsProbabilities() {
        ScratchRnn rnn = new ScratchRnn(7, 5, 0.5, 1.0, 3);
        int[][] x = {{1, 2, 3, 0, 6}, {4, 4, 5, 1, 0}};
        int[][] y = {{2, 3, 0, 6, 1}, {4, 5, 1, 0, 2}};
        rnn.fit(x, y);
        rnn.resetState();
        NetLanguageModel net = new NetLanguageModel(rnn.toNetwork(5), 7, null);
        INDArray expected = rnn.probabilities(x);
        INDArray actual = net.probabilities(x);
        assertTrue(expected.equalsWithEps(actual, 1e-5), expected + "\n" + actual);
        // and the state carries on: the next batch from where this one ended
        assertTrue(rnn.probabilities(y).equalsWithEps(net.probabilities(y), 1e-5));
    }

    @Test
    void pennTreebankWordsMapToUnkAndEndLinesWithEos() {
        SavedModel m = new SavedModel(null, List.of("<unk>", "the", "cat", "<eos>"), props("ptb"));
        ModelCommands.Tokens t = new ModelCommands.Tokens(m);
        assertEquals(List.of(1, 2, 0, 3, 1, 3), Stream.of(t.encode("the cat sat\nthe\n")).flatMapToInt(
                Arrays::stream).boxed().toList());
        assertEquals(List.of(1, 2), Arrays.stream(t.encode("the cat")).boxed().toList(), "a prefix: no <eos>");
        assertFalse(t.known(0));
        assertEquals("the cat <unk>", t.decode(new int[] {1, 2, 0}));
    }

    @Test
    void tokensSurviveTheVocabularyFile() {
        for (String tok : List.of("a", "\n", "\\", "\\n", "<unk>", "分")) {
            assertEquals(tok, OneLine.unescape(OneLine.escape(tok)));
        }
    }

    private static Properties props(String text) {
        Properties p = new Properties();
        p.setProperty("text", text);
        p.setProperty("num_steps", "35");
        p.setProperty("batch_size", "20");
        return p;
    }

    private static List<String> listing(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> root.relativize(p) + ":" + p.toFile().length()).sorted().toList();
        }
    }

    private static void assertOneLine(Outcome r, String fragment) {
        assertEquals(2, r.code(), r.err() + r.out());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("rnnlab: ") && !r.err().contains("Exception"), r.err());
        assertTrue(r.err().contains(fragment), "'" + fragment + "' not in: " + r.err());
    }
}
