package rnnlab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

import rnnlab.core.Cli;
import rnnlab.core.Markdown;
import rnnlab.core.Modules;
import rnnlab.core.ResultsCsv;
import rnnlab.core.Threads;
import rnnlab.jobs.ChildJvm;
import rnnlab.jobs.Jobs;

/** The command line as a user meets it: exit codes, one-line errors, nothing half-written, a quick run's files. */
class MainTest {
    record Outcome(int code, String out, String err) {
    }

    static Outcome run(String exp, String profile, String out, Map<String, String> overrides) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.run(new Cli(exp, profile, out, overrides), Path.of("").toAbsolutePath(),
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Outcome(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    private static Map<String, String> kv(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static void assertOneLineError(Outcome r, String... fragments) {
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("rnnlab: "), r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "'" + f + "' not in: " + r.err());
        }
    }

    @Test
    void aNegativeControlRunsItsDeclaredSettingsAndAnExperimentWithoutOneSaysSo(@TempDir Path dir) throws Exception {
        System.setProperty("control", "true");
        try {
            Outcome ok = run("HelloOhlolRnnCell", "full", dir.toString(), kv("seeds", "0,1"));
            assertEquals(0, ok.code(), ok.err());
            // the control's lr=0.01 (about.control), and the user's seeds on top
            String page = Files.readString(dir.resolve("HelloOhlolRnnCell.md"));
            assertTrue(page.contains("lr=0.01") && page.contains("seeds=0,1"), page);
            assertEquals(2, Files.readAllLines(dir.resolve("HelloOhlolRnnCell.csv")).stream()
                    .filter(l -> l.startsWith("seed=") && l.contains(",final,final_loss,")).count());
            assertOneLineError(run("DigitSumLstm", "full", dir.resolve("x").toString(), Map.of()),
                    "DigitSumLstm has no negative control", "HelloOhlolRnnCell");
            assertFalse(Files.exists(dir.resolve("x")));
            System.setProperty("control", "maybe");
            assertOneLineError(run("HelloOhlolRnnCell", "full", dir.resolve("y").toString(), Map.of()),
                    "'control': 'maybe'", "true or false");
        } finally {
            System.clearProperty("control");
        }
    }

    @Test
    void pagesOnlyWritesThePagesFromTheFinishedJobsAndTrainsNone(@TempDir Path dir) throws Exception {
        Map<String, String> small = kv("seeds", "0..2", "epochs", "1", "max_train_tokens", "3000", "max_eval_tokens", "1500",
                "gen_len", "3");
        Outcome ok = run("PtbZarembaSmall", "quick", dir.toString(), small);
        assertEquals(0, ok.code(), ok.err());
        Path runs = dir.resolve("runs/PtbZarembaSmall");
        Files.delete(runs.resolve("model=small;seed=1.txt")); // as if seed 1 were still training elsewhere
        Files.delete(dir.resolve("PtbZarembaSmall.csv"));
        System.setProperty("pages_only", "true");
        try {
            Outcome pages = run("PtbZarembaSmall", "quick", dir.toString(), small);
            assertEquals(0, pages.code(), pages.err());
            assertEquals(List.of("model=small;seed=0", "model=small;seed=2"),
                    Files.readAllLines(dir.resolve("PtbZarembaSmall.csv")).stream()
                            .filter(l -> l.contains(",final,test_perplexity,")).map(l -> l.split(",")[0]).toList());
            assertFalse(Files.exists(runs.resolve("model=small;seed=1.txt")), "seed 1 was not trained");
            // a record it cannot use is named and left off
            Path seed2 = runs.resolve("model=small;seed=2.txt");
            Files.writeString(seed2, Files.readString(seed2).replace("rows ", "rows  "));
            Outcome altered = run("PtbZarembaSmall", "quick", dir.toString(), small);
            assertEquals(0, altered.code(), altered.err());
            assertTrue(altered.out().contains("model=small;seed=2: kept result " + seed2 + " fails its checksum; left off "
                    + "the pages"), altered.out());
            assertEquals(List.of("model=small;seed=0"), Files.readAllLines(dir.resolve("PtbZarembaSmall.csv")).stream()
                    .filter(l -> l.contains(",final,test_perplexity,")).map(l -> l.split(",")[0]).toList());
            assertOneLineError(run("settle", "full", dir.toString(), Map.of()), "does not apply to -Dexp=settle");
            // none finished: one line, nothing written
            assertOneLineError(run("PtbZarembaSmall", "quick", dir.resolve("none").toString(), small),
                    "no job of PtbZarembaSmall", "without -Dpages_only first");
            assertFalse(Files.exists(dir.resolve("none/PtbZarembaSmall.md")));
            System.setProperty("pages_only", "maybe");
            assertOneLineError(run("PtbZarembaSmall", "quick", dir.toString(), small), "'pages_only': 'maybe'",
                    "true or false");
        } finally {
            System.clearProperty("pages_only");
        }
    }

    @Test
    void whatACommandWouldIgnoreIsRefusedInOneLineAndWritesNothing(@TempDir Path tmp) throws Exception {
        // a misspelt option, a profile or a search option where no experiment's settings run
        assertOneLineError(run("list", "full", null, kv("foo", "1")), "-Dexp=list takes no experiment settings, and "
                + "-Dfoo is none of its options");
        assertOneLineError(run("settle", "full", tmp.toString(), kv("settle_dyr", "true")), "-Dsettle_dyr");
        assertOneLineError(run("StockLayers", "full", tmp.toString(), kv("foo", "1")), "-Dexp=StockLayers takes no");
        assertOneLineError(run("scoreboard", "quick", tmp.toString(), Map.of()), "-Dprofile chooses an experiment's "
                + "settings; it does not apply to -Dexp=scoreboard");
        assertOneLineError(run("help", "fast", null, Map.of()), "Unknown profile 'fast'");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new Cli("scoreboard", "full", tmp.toString(), Map.of(), Map.of("search", "random")),
                Path.of("").toAbsolutePath(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("-Dsearch searches an experiment's settings; it does "
                + "not apply to -Dexp=scoreboard"), err.toString(StandardCharsets.UTF_8));
        // an empty path (an unset shell variable) is not the working folder; a file is not a folder
        assertOneLineError(run("HelloOhlolRnn", "full", "", Map.of()), "'out': empty");
        Path file = Files.createTempFile("rnnlab-out", ".txt");
        try {
            assertOneLineError(run("HelloOhlolRnn", "full", file.toString(), Map.of()), file + " is a file, not a folder); "
                    + "choose a writable folder with -Dout=DIR");
        } finally {
            Files.delete(file);
        }
        // a misspelt experiment is named, whatever its case
        assertOneLineError(run("DigitSumSrm", "full", tmp.toString(), Map.of()), "(did you mean -Dexp=DigitSumSrn?)");
        assertOneLineError(run("digitsumsrn", "full", tmp.toString(), Map.of()), "(did you mean -Dexp=DigitSumSrn?)");
        for (String[] option : new String[][] {{"settle_dry", "true", "-Dsettle_dry applies with -Dexp=settle only, not "
                + "with -Dexp=HelloOhlolRnn"}, {"corpus", " ", "'corpus': empty"}, {"checkpoints", "", "'checkpoints': "
                + "empty"}, {"help", "yes", "'help': 'yes'; expected true or false"}}) {
            System.setProperty(option[0], option[1]);
            try {
                assertOneLineError(run("HelloOhlolRnn", "full", tmp.toString(), Map.of()), option[2]);
            } finally {
                System.clearProperty(option[0]);
            }
        }
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(), files.toList(), "nothing written");
        }
        // -Dhelp=false runs the command, as no -Dhelp does
        String list = run("list", "full", null, Map.of()).out();
        System.setProperty("help", "false");
        try {
            Outcome r = run("list", "full", null, Map.of());
            assertEquals(0, r.code(), r.err());
            assertEquals(list, r.out());
        } finally {
            System.clearProperty("help");
        }
    }

    @Test
    void listPrintsEveryExperimentWithADescription() {
        Outcome r = run("list", "full", null, Map.of());
        assertEquals(0, r.code());
        assertTrue(r.out().contains("DigitSumSrn ") && r.out().contains("DigitSumLstm "), r.out());
    }

    @Test
    void scoreboardRebuildsTheReadmeFromTheCsvsAlone(@TempDir Path tmp) throws Exception {
        Files.copy(Path.of("results/HelloOhlolRnn.csv"), tmp.resolve("HelloOhlolRnn.csv"));
        Outcome r = run("scoreboard", "full", tmp.toString(), Map.of());
        assertEquals(0, r.code(), r.err());
        String board = Files.readString(tmp.resolve("README.md"));
        // the committed CSV's own mean over its seeds and their count, as the page writes them
        ResultsCsv committed = ResultsCsv.read(tmp.resolve("HelloOhlolRnn.csv"));
        double mean = committed.get("all", "final", "final_loss_mean").orElseThrow();
        long seeds = Math.round(committed.get("all", "final", "final_loss_n").orElseThrow());
        assertTrue(board.contains("\n| [HelloOhlolRnn](HelloOhlolRnn.md) | final loss | - | " + Markdown.f(mean, 3)
                + " | " + seeds + " | 20 | final loss 0.398 (one run) |\n"), board);
        assertFalse(board.contains("[DigitSumSrn]"), "only experiments with a CSV there: " + board);
    }

    @Test
    void badRunTimeSettingsEndInOneLine(@TempDir Path tmp) throws Exception {
        for (String[] bad : new String[][] {{"checkpoint_every", "soon", "'checkpoint_every'"}, {"jobs", "0", "'jobs'"},
                {"runner", "yarn", "'runner'"}}) {
            System.setProperty(bad[0], bad[1]);
            try {
                assertOneLineError(run("HelloOhlolRnn,HelloOhlolRnnCell", "quick", tmp.resolve("out").toString(), Map.of()),
                        bad[2]);
            } finally {
                System.clearProperty(bad[0]);
            }
        }
        assertFalse(Files.exists(tmp.resolve("out/HelloOhlolRnn.csv")), "nothing written");
    }

    @Test
    void theTrainingUiOutsideItsProfileSaysHowToGetIt() {
        Assumptions.assumeTrue(!classExists(Modules.UI.className()), "built with the ui profile");
        System.setProperty("ui", "9000");
        try {
            assertOneLineError(run("HelloOhlolRnn", "quick", null, Map.of()), "mvn -Pui", "-Dexp=HelloOhlolRnn -Dui=9000");
        } finally {
            System.clearProperty("ui");
        }
    }

    private static boolean classExists(String name) {
        try {
            Class.forName(name);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    @Test
    void noExperimentAndUnknownExperiment() {
        assertOneLineError(run(null, "full", null, Map.of()), "-Dexp=NAME", "DigitSumSrn");
        assertOneLineError(run("DigitSum", "full", null, Map.of()), "Unknown experiment 'DigitSum'",
                "DigitSumSrn, DigitSumLstm, TimeMachineRnnScratch", "ShapesTour, Bench (-Dexp=help lists the commands too)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "profile|fast|Unknown profile 'fast'; valid profiles: full, quick",
        "foo|1|Unknown key 'foo' for experiment DigitSumSrn; valid keys: batch_size",
        "lengths|2|'lengths'",
        "lengths|12|12 is not generated",
        "data.lengths|2,5|'data.lengths'",
        "data.train_k|0|'data.train_k'",
        "data.eval_k|0|'data.eval_k'",
        "epochs|abc|'epochs' in DigitSumSrn (full profile): 'abc'; expected a whole number",
        "lr|-0.1|'lr'",
        "hidden_size|-4|'hidden_size'",
        "batch_size|8.5|'batch_size'",
        "seed|-1|'seed'"})
    void badInputIsOneLineAndWritesNothing(String key, String value, String message, @TempDir Path tmp) {
        Path out = tmp.resolve("results");
        Outcome r = key.equals("profile") ? run("DigitSumSrn", value, out.toString(), Map.of())
                : run("DigitSumSrn", "full", out.toString(), kv(key, value));
        assertOneLineError(r, message);
        assertFalse(Files.exists(out), "nothing is written on bad input");
    }

    @Test
    void unwritableResultsFolder(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-folder"), "x");
        Outcome r = run("DigitSumSrn", "quick", file.resolve("results").toString(), Map.of());
        assertOneLineError(r, "Cannot write results to", "-Dout=DIR");
        assertEquals("x", Files.readString(file));
    }

    @Test
    void allValidatesEveryExperimentBeforeRunningAny(@TempDir Path tmp) {
        Outcome r = run("all", "quick", tmp.toString(), kv("epochs", "0"));
        assertOneLineError(r, "'epochs'");
        assertEquals(0, tmp.toFile().list().length);
    }

    @Test
    void quickRunsWriteTheirTablesAndPlots(@TempDir Path tmp) throws Exception {
        for (String exp : List.of("DigitSumSrn", "DigitSumLstm")) {
            Outcome r = run(exp, "quick", tmp.toString(), kv("lengths", "5,10", "epochs", "2"));
            assertEquals(0, r.code(), r.err());
            List<String> lines = Files.readAllLines(tmp.resolve(exp + ".csv"));
            assertEquals("setting,epoch,metric,value", lines.get(0));
            ResultsCsv csv = ResultsCsv.read(tmp.resolve(exp + ".csv"));
            for (String length : List.of("length=5;seed=0", "length=5;seed=1", "length=10;seed=0", "length=10;seed=1")) {
                for (String metric : List.of("best_dev_accuracy", "test_accuracy")) {
                    double v = csv.get(length, "final", metric).orElseThrow();
                    assertTrue(v >= 0 && v <= 1, metric + " " + v);
                }
                assertTrue(csv.get(length, "final", "train_seconds").orElseThrow() > 0);
                assertEquals(2, csv.rows().stream()
                        .filter(x -> x.setting().equals(length) && x.metric().equals("train_loss")).count());
            }
            for (ResultsCsv.Row row : csv.rows()) {
                assertTrue(row.epoch().equals("final") || Double.parseDouble(row.epoch()) > 0, row.toString());
                assertTrue(Double.isFinite(row.value()), row.toString());
            }
            // the quick profile's two seeds, summarised per length
            for (String length : List.of("length=5", "length=10")) {
                assertEquals(2, csv.get(length, "final", "test_accuracy_n").orElseThrow());
                double[] v = {csv.get(length + ";seed=0", "final", "test_accuracy").orElseThrow(),
                    csv.get(length + ";seed=1", "final", "test_accuracy").orElseThrow()};
                assertEquals((v[0] + v[1]) / 2, csv.get(length, "final", "test_accuracy_mean").orElseThrow(), 1e-5);
            }
            String md = Files.readString(tmp.resolve(exp + ".md"));
            assertTrue(md.contains("| length | seed | best dev accuracy |"), md);
            assertTrue(md.contains("| length | seeds | best dev accuracy: mean ± sd"), md);
            for (String png : List.of(exp + "-accuracy.png", exp + "-loss-L5.png", exp + "-loss-L10.png")) {
                byte[] head = Arrays.copyOf(Files.readAllBytes(tmp.resolve(png)), 8);
                assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head, png);
            }
        }
        String both = Files.readString(tmp.resolve("DigitSum.md"));
        assertTrue(both.contains("| 10 |"), both);
        assertTrue(Files.isRegularFile(tmp.resolve("DigitSum-accuracy.png")));
        try (Stream<Path> s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
        ResultsCsv srn = ResultsCsv.read(tmp.resolve("DigitSumSrn.csv"));
        assertTrue(srn.get("impl=srn;size=8x35x32x32", "final", "forward_ms").orElseThrow() > 0);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "JayChouLstm|prefixes|分开,☃|'☃' in '☃' is not in the model's vocabulary",
        "JayChouLstm|clipping|yes|'clipping'",
        "JayChouGru|heldout_period|15|a multiple of pred_period (10)",
        "TimeMachineRnnScratch|samplings|random,shuffled|'samplings'",
        "TimeMachineRnnScratch|random_run_batches|maybe|'random_run_batches'",
        "JayChouRnnScratch|temperature|-1|'temperature'"})
    void badLanguageModelSettingsAreOneLine(String exp, String key, String value, String message, @TempDir Path tmp) {
        Path out = tmp.resolve("results");
        assertOneLineError(run(exp, "quick", out.toString(), kv(key, value, "epochs", "1")), message);
        assertFalse(Files.exists(out.resolve(exp + ".csv")), "nothing is written on bad input");
    }

    @ParameterizedTest
    @CsvSource({"TimeMachineRnnScratch", "JayChouRnnScratch", "JayChouRnn", "JayChouGru", "JayChouLstm",
        "JayChouDeepLstm", "JayChouBiGru"})
    void languageModelRunsWriteTheirTablesAndPlots(String exp, @TempDir Path tmp) throws Exception {
        Outcome r = run(exp, "quick", tmp.toString(),
                kv("epochs", "2", "pred_period", "1", "heldout_period", "2", "pred_len", "5"));
        assertEquals(0, r.code(), r.err());
        ResultsCsv csv = ResultsCsv.read(tmp.resolve(exp + ".csv"));
        List<String> settings = exp.endsWith("Scratch") ? List.of("sampling=random;seed=0", "sampling=sequential;seed=0")
                : List.of("sampling=sequential;seed=0");
        for (String setting : settings) {
            for (String metric : List.of("perplexity", "heldout_perplexity", "tokens_per_second", "train_seconds")) {
                double v = csv.get(setting, "final", metric).orElseThrow(() -> new AssertionError(setting + " " + metric));
                assertTrue(Double.isFinite(v) && v > 0, metric + " " + v);
            }
            assertTrue(csv.get(setting, "final", "perplexity").orElseThrow() >= 1);
            assertEquals(2, csv.rows().stream()
                    .filter(x -> x.setting().equals(setting) && x.metric().equals("perplexity") && !x.epoch().equals("final"))
                    .count());
        }
        String md = Files.readString(tmp.resolve(exp + ".md"));
        assertTrue(md.contains("| setting | epoch | training perplexity | held-out perplexity |"), md);
        assertTrue(md.contains("epoch 2, perplexity"), md);
        byte[] head = Arrays.copyOf(Files.readAllBytes(tmp.resolve(exp + "-perplexity.png")), 8);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "PtbWordRnn|gen_prefixes|the zyzzyva|'zyzzyva' is not in the Penn Treebank vocabulary",
        "PtbWordRnn|max_train_tokens|100|leaves no batch",
        "PtbWordLstm|lr_divisor|0.5|'lr_divisor'",
        "HelloOhlolRnnCell|biases|three|'biases'",
        "HelloOhlolRnn|seeds|1,1|'seeds'"})
    void badWordAndHelloSettingsAreOneLine(String exp, String key, String value, String message, @TempDir Path tmp) {
        Path out = tmp.resolve("results");
        assertOneLineError(run(exp, "quick", out.toString(), kv(key, value)), message);
        assertFalse(Files.exists(out.resolve(exp + ".csv")), "nothing is written on bad input");
    }

    @ParameterizedTest
    @CsvSource({"PtbWordRnn, model=rnn;seed=0", "PtbWordLstm, model=lstm;seed=0", "PtbZarembaSmall, model=small;seed=0"})
    void wordModelRunsWriteTheirTablesAndPlots(String exp, String setting, @TempDir Path tmp) throws Exception {
        // the baseline on one thread, said outright: without -Dthreads a PTB run here gets every core (Threads.forJob)
        List<String> oneThread = new ArrayList<>();
        Outcome r = withThreads("1", oneThread, () -> run(exp, "quick", tmp.toString(),
                kv("epochs", "2", "max_train_tokens", "3000", "max_eval_tokens", "1500", "gen_len", "3")));
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(THREADS_1), oneThread, "the baseline trained on one thread");
        ResultsCsv csv = ResultsCsv.read(tmp.resolve(exp + ".csv"));
        for (String metric : List.of("perplexity", "heldout_perplexity", "tokens_per_second", "train_seconds")) {
            double v = csv.get(setting, "final", metric).orElseThrow(() -> new AssertionError(metric));
            assertTrue(Double.isFinite(v) && v > 0, metric + " " + v);
        }
        for (String metric : List.of("lr", "valid_perplexity", "test_perplexity")) {
            assertTrue(csv.get(setting, "2", metric).isPresent(), metric);
        }
        assertEquals(10_000, csv.get(setting, "final", "vocabulary").orElseThrow(), 0, "the vocabulary size row");
        String md = Files.readString(tmp.resolve(exp + ".md"));
        assertTrue(md.contains("| seed | epoch | lr | training perplexity |") && md.contains("greedy: the company said"), md);
        // the course scores the test split every epoch, Zaremba's models after the last one alone: "-" before it
        boolean testEveryEpoch = !exp.startsWith("PtbZaremba");
        assertEquals(testEveryEpoch, csv.get(setting, "1", "test_perplexity").filter(v -> !Double.isNaN(v)).isPresent());
        String firstEpochRow = md.lines().filter(l -> l.startsWith("| 0 | 1 | ")).findFirst().orElseThrow();
        assertEquals(testEveryEpoch, !firstEpochRow.split(" \\| ")[5].equals("-"), firstEpochRow);
        assertTrue(Files.size(tmp.resolve(exp + "-perplexity.png")) > 1000);
    }

    @ParameterizedTest
    @CsvSource({"PtbWordRnn", "PtbWordLstm", "PtbZarembaMedium"}) // the small model: the medium one without dropout
    void theSplitExperimentsGiveTheSameBitsOnTwoThreads(String exp, @TempDir Path tmp) throws Exception {
        // two threads (what a job of the experiments Threads.SPLIT names gets where a core is free: Threads.forJob)
        // give the same bits as one, the medium model's dropout masks included. Both in JVMs of their own started as
        // a user's run is, without Surefire's OMP_NUM_THREADS=1: with it libnd4j keeps one master thread whatever
        // is set, and its numbers differ in the last digits from a JVM started without it
        assertTrue(Threads.SPLIT.contains(exp), exp);
        Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "one core");
        Path one = tmp.resolve("one-thread");
        Path two = tmp.resolve("two-threads");
        assertEquals(THREADS_1, runOnThreads(exp, one, "1"), "the baseline trained on one thread");
        assertEquals("OpenMP 2 thread(s) (libnd4j, oneDNN), 2 libnd4j master, BLAS 2", runOnThreads(exp, two, "2"),
                "the other run trained on two threads");
        List<String> numbers = withoutTimings(one.resolve(exp + ".csv"));
        assertTrue(numbers.stream().anyMatch(l -> l.contains(",final,test_perplexity,")), numbers.toString());
        assertEquals(numbers, withoutTimings(two.resolve(exp + ".csv")));
    }

    /**
     * The quick word model {@code exp}, two short epochs, under {@code -Dthreads=N} in a child JVM without the thread
     * variables Surefire sets; returns the thread settings in force as it started ({@link AtStart}).
     */
    private static String runOnThreads(String exp, Path out, String n) throws Exception {
        Map<String, String> props = new LinkedHashMap<>(ChildJvm.passedProperties());
        props.putAll(kv("exp", exp, "profile", "quick", "out", out.toString(), "threads", n, "epochs", "2",
                "max_train_tokens", "3000", "max_eval_tokens", "1500", "gen_len", "3"));
        ProcessBuilder pb = ChildJvm.builder(AtStart.class.getName(), props, List.of("-Xmx2g"))
                .redirectErrorStream(true);
        pb.environment().remove("OMP_NUM_THREADS");
        pb.environment().remove("OPENBLAS_NUM_THREADS");
        Process child = pb.start();
        String log = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(5, TimeUnit.MINUTES), log);
        assertEquals(0, child.exitValue(), log);
        List<String> said = log.lines().filter(l -> l.startsWith(AtStart.SAYS)).toList();
        assertEquals(1, said.size(), log);
        return said.get(0).substring(AtStart.SAYS.length());
    }

    /** What {@link rnnlab.core.Threads#describe} says of one thread everywhere. */
    static final String THREADS_1 = "OpenMP 1 thread(s) (libnd4j, oneDNN), 1 libnd4j master, BLAS 1";

    /**
     * {@code body} under {@code -Dthreads=N}; {@code seen} gets the thread settings in force ({@link
     * rnnlab.core.Threads#describe}) on the training thread as each experiment starts (its "=== NAME" line).
     */
    static <T> T withThreads(String n, List<String> seen, Callable<T> body) throws Exception {
        AutoCloseable watch = threadsAtStart(seen::add);
        System.setProperty("threads", n);
        try {
            return body.call();
        } finally {
            watch.close();
            System.clearProperty("threads");
            Threads.apply(1);
        }
    }

    /** Hands {@code seen} the thread settings in force as each experiment starts, until closed. */
    static AutoCloseable threadsAtStart(Consumer<String> seen) {
        Logger main = (Logger) LoggerFactory.getLogger(Jobs.class);
        AppenderBase<ILoggingEvent> atStart =
                new AppenderBase<>() {
                    @Override
                    protected void append(ILoggingEvent e) {
                        if (e.getFormattedMessage().startsWith("=== ")) {
                            seen.accept(Threads.describe()); // on the thread that logs it, which trains next
                        }
                    }
                };
        atStart.start();
        main.addAppender(atStart);
        return () -> main.detachAppender(atStart);
    }

    /** {@code rnnlab.Main}'s work in a child JVM, saying the thread settings in force as each experiment starts. */
    static final class AtStart {
        static final String SAYS = "threads at the start: ";

        public static void main(String[] args) throws Exception {
            ChildJvm.watchParent();
            threadsAtStart(t -> System.out.println(SAYS + t));
            int code = Main.run(Cli.fromEnvironment(), Path.of("").toAbsolutePath(), System.out, System.err);
            System.out.flush();
            System.exit(code);
        }
    }

    /** A CSV's rows but its timings and memory, which differ run to run. */
    private static List<String> withoutTimings(Path csv) throws IOException {
        return Files.readAllLines(csv).stream()
                .filter(l -> !l.contains("seconds") && !l.contains("tokens_per_second") && !l.contains("_rss") && !l.contains("_ms,"))
                .toList();
    }

    @Test
    void helloAndShapesWriteTheirPages(@TempDir Path tmp) throws Exception {
        for (String exp : List.of("HelloOhlolRnnCell", "HelloOhlolRnn")) {
            Outcome r = run(exp, "full", tmp.toString(), kv("seeds", "0,1"));
            assertEquals(0, r.code(), r.err());
            ResultsCsv csv = ResultsCsv.read(tmp.resolve(exp + ".csv"));
            assertEquals(20, csv.rows().stream().filter(x -> x.setting().equals("seed=1") && x.metric().equals("loss")).count());
            assertTrue(csv.get("seed=0", "final", "final_loss").orElseThrow() > 0);
            assertTrue(Files.readString(tmp.resolve(exp + ".md")).contains("first epoch predicting 'ohlol'"));
            assertTrue(Files.size(tmp.resolve(exp + "-loss.png")) > 1000);
        }
        Outcome r = run("ShapesTour", "full", tmp.toString(), Map.of());
        assertEquals(0, r.code(), r.err());
        String md = Files.readString(tmp.resolve("ShapesTour.md"));
        assertTrue(md.contains("| `input` | [21, 8, 5] | `input` | [8, 5, 21] |"), md);
        assertTrue(md.contains("`nn.RNN`'s arguments in DL4J"), md);
        // the scoreboard is rebuilt from the CSVs after every run
        String board = Files.readString(tmp.resolve("README.md"));
        ResultsCsv cell = ResultsCsv.read(tmp.resolve("HelloOhlolRnnCell.csv"));
        double meanLoss = (cell.get("seed=0", "final", "final_loss").orElseThrow()
                + cell.get("seed=1", "final", "final_loss").orElseThrow()) / 2;
        assertTrue(board.contains("| [HelloOhlolRnnCell](HelloOhlolRnnCell.md) |"), board);
        assertTrue(board.contains("| [HelloOhlolRnnCell](HelloOhlolRnnCell.md) | final loss | - | " + Markdown.f(meanLoss, 3)
                + " | 2 | 20 | final loss 1.946 (one run) |\n"), board);
        assertTrue(board.contains("[loss](HelloOhlolRnnCell-loss.png)"), board);
    }

    @Test
    void aPeerCsvThatIsNotThereEndsInOneLineBeforeAnythingIsMeasured(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        Outcome r = run("Bench", "quick", out.toString(), kv("bench.only", "digitsum-srn-h32-len35", "peer",
                "no/such/peer.csv"));
        assertOneLineError(r, "'peer': no/such/peer.csv is not a file", "torch_peer.py");
        assertFalse(Files.exists(out.resolve("Bench.csv")), "nothing written");
    }

    @Test
    void benchMeasuresAListOfModelsAndReadsThePeer(@TempDir Path tmp) throws Exception {
        Path peer = Files.writeString(tmp.resolve("peer.csv"), "digitsum-srn-h32-len35,1000\nptb-rnn-h150,5\n");
        Outcome r = run("Bench", "quick", tmp.toString(), kv("bench.only", "ptb-lstm2-h200,digitsum-srn-h32-len35",
                "bench.seconds", "0.3", "bench.repeats", "3", "peer", peer.toString()));
        assertEquals(0, r.code(), r.err());
        ResultsCsv csv = ResultsCsv.read(tmp.resolve("Bench.csv"));
        assertEquals(List.of("ptb-lstm2-h200", "digitsum-srn-h32-len35", "sgemm-2048", "product-0", "product-1", "product-2",
                "product-3", "product-4", "product-5", "product-6", "product-7"),
                csv.rows().stream().map(ResultsCsv.Row::setting).distinct().toList(),
                "the models in the list's order, the peak's yardstick and the products through both libraries");
        assertTrue(csv.get("sgemm-2048", "final", "gflops").orElseThrow() > 1);
        // the yardstick is the 2048^3 product through the library in use (oneDNN by default)
        assertEquals(csv.get("product-0", "final", "gflops_onednn").orElseThrow(),
                csv.get("sgemm-2048", "final", "gflops").orElseThrow(), 1e-9);
        for (int i = 0; i < 8; i++) {
            assertTrue(csv.get("product-" + i, "final", "gflops_openblas").orElseThrow() > 0.1);
            assertTrue(csv.get("product-" + i, "final", "gflops_onednn").orElseThrow() > 0.1);
        }
        double tps = csv.get("digitsum-srn-h32-len35", "final", "tokens_per_second").orElseThrow();
        assertTrue(tps > 0);
        assertEquals(tps / 1000, csv.get("digitsum-srn-h32-len35", "final", "ratio_vs_peer").orElseThrow(), 1e-6 * tps);
        assertTrue(csv.get("digitsum-srn-h32-len35", "final", "peak_rss_mb").orElseThrow() > 0);
        String md = Files.readString(tmp.resolve("Bench.md"));
        assertTrue(md.contains("| model | tokens/s (median) | range | PyTorch tokens/s | x PyTorch | DJL tokens/s | x DJL | "
                + "MFLOP/token | GFLOP/s | of peak | peak RSS MB |"), md);
        // 3 x (2 (E H + H H) + 2 H V) with E = H = 32, V = 10: the products' count per token
        assertEquals(3 * (2 * (32 * 32 + 32 * 32) + 2 * 32 * 10) / 1e6,
                csv.get("digitsum-srn-h32-len35", "final", "mflop_per_token").orElseThrow(), 1e-9);
        // Zaremba et al.'s small model: 3 x (2 x 2 x 4 (E H + H H) + 2 H V) with E = H = 200, V = 10,000
        assertEquals(3 * (2 * 2 * 4 * (200 * 200 + 200 * 200) + 2 * 200 * 10000) / 1e6,
                csv.get("ptb-lstm2-h200", "final", "mflop_per_token").orElseThrow(), 1e-9);
        assertTrue(csv.get("ptb-lstm2-h200", "final", "tokens_per_second").orElseThrow() > 0);
        assertTrue(csv.get("ptb-lstm2-h200", "final", "ratio_vs_peer").isEmpty(), "the peer's CSV has no figure for it");
        assertTrue(md.contains("then 3 timed windows of 0.3 s per model"), md);
        assertTrue(md.contains("on the same machine (this run's: " + rnnlab.kernels.BlasCore.machine() + "): "), md);
        assertTrue(md.contains("## The products, by library") && md.contains("| product | shape | OpenBLAS GFLOP/s | "
                + "oneDNN GFLOP/s | x |") && md.contains("through oneDNN 2.5.2"), md);
        String[] range = md.lines().filter(l -> l.startsWith("| digitsum")).findFirst().orElseThrow().split("\\|")[3]
                .trim().split("-");
        assertTrue(Double.parseDouble(range[0]) <= Math.round(tps) && Math.round(tps) <= Double.parseDouble(range[1]),
                md);
        assertOneLineError(run("Bench", "quick", tmp.resolve("x").toString(), kv("bench.only", "gpt2")),
                "'bench.only'", "ptb-rnn-h150");
    }
}
