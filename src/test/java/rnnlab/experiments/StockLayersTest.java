package rnnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.RecurrentLayer;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import rnnlab.Main;
import rnnlab.core.Catalog;
import rnnlab.core.Cli;
import rnnlab.core.ResultsCsv;
import rnnlab.core.UserError;
import rnnlab.model.Layers;

/**
 * {@code -Dlayers=dl4j} trains on DL4J's stock {@code SimpleRnn} and {@code LSTM}, into {@code results/custom/}, with a
 * page that says so; an experiment without a stock equivalent ends in one line and writes nothing; and
 * {@code -Dexp=StockLayers} runs exactly the experiments stock layers can express, on both kinds, and sets their
 * figures side by side.
 */
class StockLayersTest {
    record Outcome(int code, String out, String err) {
    }

    static Outcome run(Path projectDir, String exp, Map<String, String> overrides, String out) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        // the experiments in the quick profile; StockLayers runs theirs by itself and takes none
        String profile = exp.equals("StockLayers") ? "full" : "quick";
        int code = Main.run(new Cli(exp, profile, out, overrides), projectDir, new PrintStream(o, true,
                StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Outcome(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    /** A project folder in {@code tmp} with the experiments' properties and nothing else. */
    static Path project(Path tmp) throws Exception {
        Path project = tmp.resolve("project");
        Files.createDirectories(project.resolve("experiments"));
        try (Stream<Path> files = Files.list(Path.of("experiments"))) {
            for (Path f : files.toList()) {
                Files.copy(f, project.resolve("experiments").resolve(f.getFileName()));
            }
        }
        return project;
    }

    /** Every file under {@code dir}, relative to it. */
    static Set<String> tree(Path dir) throws Exception {
        Set<String> out = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).forEach(f -> out.add(dir.relativize(f).toString()));
        }
        return out;
    }

    /** The configuration class of each recurrent layer of {@code net}, unwrapped from LastTimeStep, in order. */
    static List<Class<?>> recurrentConfs(MultiLayerNetwork net) {
        List<Class<?>> out = new ArrayList<>();
        for (Layer l : net.getLayers()) {
            org.deeplearning4j.nn.conf.layers.Layer c = l.conf().getLayer();
            if (c instanceof LastTimeStep t) {
                c = t.getUnderlying();
            }
            if (c instanceof BaseRecurrentLayer) {
                out.add(c.getClass());
            }
        }
        return out;
    }

    /** The implementation class of each of {@code net}'s layers that computes a recurrence, unwrapped, in order. */
    static List<String> recurrentImpls(MultiLayerNetwork net) {
        List<String> out = new ArrayList<>();
        for (Layer l : net.getLayers()) {
            Layer impl = l instanceof BaseWrapperLayer w ? w.getUnderlying() : l;
            if (impl instanceof RecurrentLayer) {
                out.add(impl.getClass().getName());
            }
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "DigitSumSrn|lengths=10,seeds=0,epochs=3,eval_steps=40|SimpleRnn|1",
        "DigitSumLstm|lengths=10,seeds=0,epochs=3,eval_steps=40|LSTM|1",
        "JayChouDeepLstm|epochs=2,hidden_size=16,pred_period=2,heldout_period=2,pred_len=5|LSTM|2",
    })
    void dl4jLayersTrainDl4jsStockLayersIntoResultsCustomWithAPageSayingSo(String exp, String settings, String stock,
            int count, @TempDir Path tmp) throws Exception {
        Path project = project(tmp);
        Map<String, String> o = new LinkedHashMap<>();
        for (String kv : settings.split(",")) {
            o.put(kv.split("=")[0], kv.split("=")[1]);
        }
        o.put("layers", "dl4j");
        Outcome r = run(project, exp, o, null); // no -Dout: where an override goes
        assertEquals(0, r.code(), r.err());

        Path custom = project.resolve("results/custom");
        assertTrue(Files.isRegularFile(custom.resolve(exp + ".csv")), tree(project).toString());
        assertFalse(Files.exists(project.resolve("results/quick")), "the quick tables are left alone: " + tree(project));
        assertFalse(Files.exists(project.resolve("results/" + exp + ".md")), tree(project).toString());
        String page = Files.readString(custom.resolve(exp + ".md"));
        assertTrue(page.contains("**Stock layers** (`-Dlayers=dl4j`): this run uses DL4J's own `SimpleRnn` / `LSTM`"),
                page);

        // the model the run trained and saved is built of DL4J's stock layers
        List<Path> models;
        try (Stream<Path> s = Files.list(project.resolve("models/custom"))) {
            models = s.filter(f -> f.getFileName().toString().startsWith(exp + "_")).toList();
        }
        assertEquals(1, models.size(), tree(project).toString());
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(models.get(0).toFile(), false);
        Class<?> conf = stock.equals("LSTM") ? LSTM.class : SimpleRnn.class;
        assertEquals(Collections.nCopies(count, conf), recurrentConfs(net), exp);
        String impl = stock.equals("LSTM") ? org.deeplearning4j.nn.layers.recurrent.LSTM.class.getName()
                : org.deeplearning4j.nn.layers.recurrent.SimpleRnn.class.getName();
        assertEquals(Collections.nCopies(count, impl), recurrentImpls(net), exp);
        assertTrue(Layers.isStock(net), exp);
    }

    @ParameterizedTest
    @ValueSource(strings = {"JayChouGru", "JayChouBiGru", "JayChouRnnScratch", "TimeMachineRnnScratch",
        "HelloOhlolRnnCell"})
    void anExperimentWithoutAStockEquivalentEndsInOneLineAndWritesNothing(String exp, @TempDir Path tmp)
            throws Exception {
        Path project = project(tmp);
        Set<String> before = tree(project);
        Outcome r = run(project, exp, Map.of("layers", "dl4j"), null);
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("rnnlab: " + exp + " cannot run on DL4J's stock layers (-Dlayers=dl4j): "), r.err());
        assertEquals("", r.out());
        assertEquals(before, tree(project), "nothing written");
        try (Stream<Path> s = Files.list(project)) {
            assertEquals(List.of(project.resolve("experiments")), s.toList(), "no folder made");
        }
    }

    @Test
    void stockLayersRunsExactlyTheExperimentsThatAcceptDl4jLayers(@TempDir Path tmp) {
        Set<String> accepted = new TreeSet<>();
        for (Catalog.Facts e : Catalog.project().all().values()) {
            try {
                Experiments.prepare(e.name(), Path.of("").toAbsolutePath(), "quick", Map.of("layers", "dl4j"),
                        tmp.resolve("out").toString());
                accepted.add(e.name());
            } catch (UserError refused) {
                // no stock equivalent, or no layers to choose
            }
        }
        assertEquals(accepted, new TreeSet<>(StockLayers.EXPERIMENTS));
        assertEquals(8, StockLayers.EXPERIMENTS.size(), "the 16 runs of the README");
        // the README's list: DigitSum, the concise lyrics RNN, LSTM and 2-layer LSTM, both PTB models, hello's layer
        assertEquals(Set.of("DigitSumSrn", "DigitSumLstm", "JayChouRnn", "JayChouLstm", "JayChouDeepLstm", "PtbWordRnn",
                "PtbWordLstm", "HelloOhlolRnn"), Set.copyOf(StockLayers.EXPERIMENTS));
    }

    /** The page's table: each row's cells, keyed by its experiment's name and setting. */
    static Map<String, List<String>> table(String page) {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (String line : page.lines().toList()) {
            if (line.startsWith("| [")) {
                List<String> cells = List.of(line.substring(2, line.length() - 2).split(" \\| ", -1));
                String name = cells.get(0).substring(1, cells.get(0).indexOf(']'));
                rows.put(name + " " + cells.get(1), cells);
            }
        }
        return rows;
    }

    @Test
    void thePageSetsEachRunsFiguresSideBySideFromItsCsvs(@TempDir Path tmp) throws Exception {
        Path base = tmp.resolve("stock-layers");
        new ResultsCsv().add("length=10;seed=0", "1", "dev_accuracy", 0.2)
                .addFinal("length=10;seed=0", "test_accuracy", 0.53).addFinal("length=10;seed=0", "train_seconds", 12.34)
                .addFinal("length=35;seed=0", "test_accuracy", 0.15).addFinal("length=35;seed=0", "train_seconds", 30)
                .write(base.resolve("project/DigitSumSrn.csv"));
        new ResultsCsv().addFinal("length=10;seed=0", "test_accuracy", 0.58).addFinal("length=10;seed=0", "train_seconds", 47.5)
                .write(base.resolve("dl4j/DigitSumSrn.csv"));
        new ResultsCsv().add("sampling=sequential;seed=0", "10", "perplexity", 400)
                .addFinal("sampling=sequential;seed=0", "perplexity", 168.2)
                .addFinal("sampling=sequential;seed=0", "tokens_per_second", 16763)
                .write(base.resolve("project/JayChouRnn.csv"));
        new ResultsCsv().addFinal("sampling=sequential;seed=0", "perplexity", 193.5)
                .addFinal("sampling=sequential;seed=0", "tokens_per_second", 5860)
                .write(base.resolve("dl4j/JayChouRnn.csv"));
        new ResultsCsv().addFinal("model=rnn;seed=0", "heldout_perplexity", 864.1)
                .addFinal("model=rnn;seed=0", "valid_perplexity", 900)
                .write(base.resolve("project/PtbWordRnn.csv"));
        new ResultsCsv().addFinal("model=rnn;seed=0", "heldout_perplexity", 814.2)
                .write(base.resolve("dl4j/PtbWordRnn.csv"));
        StockLayers.write(tmp, base);

        String page = Files.readString(tmp.resolve("StockLayers.md"));
        assertTrue(page.contains("| experiment | setting | figure | project layers | DL4J layers | project tokens/s | "
                + "DL4J tokens/s | project training s | DL4J training s |"), page);
        Map<String, List<String>> rows = table(page);
        assertEquals(List.of("DigitSumSrn length=10;seed=0", "DigitSumSrn length=35;seed=0",
                "JayChouRnn sampling=sequential;seed=0", "PtbWordRnn model=rnn;seed=0"), List.copyOf(rows.keySet()), page);
        assertEquals(List.of("[DigitSumSrn](stock-layers/project/DigitSumSrn.md)", "length=10;seed=0", "test accuracy",
                "0.530", "0.580", "-", "-", "12.3", "47.5"), rows.get("DigitSumSrn length=10;seed=0"));
        // a setting only one kind ran: the other's cells say so
        assertEquals(List.of("0.150", "-", "-", "-", "30.0", "-"),
                rows.get("DigitSumSrn length=35;seed=0").subList(3, 9));
        // the training perplexity's final row, not an epoch's
        assertEquals(List.of("perplexity", "168.200", "193.500", "16763", "5860", "-", "-"),
                rows.get("JayChouRnn sampling=sequential;seed=0").subList(2, 9));
        // the word models' held-out figure is their test perplexity, named so
        assertEquals(List.of("test perplexity", "864.100", "814.200"),
                rows.get("PtbWordRnn model=rnn;seed=0").subList(2, 5));
        assertFalse(page.contains("JayChouLstm"), "an experiment with no run yet has no row");
    }

    /** {@code key=value} lines replacing the quick profile's own in a properties file. */
    static void quick(Path project, String exp, String... kv) throws Exception {
        Path file = project.resolve("experiments/" + exp + ".properties");
        Set<String> keys = new TreeSet<>();
        for (String s : kv) {
            keys.add("quick." + s.substring(0, s.indexOf('=')) + "=");
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(file).stream()
                .filter(l -> keys.stream().noneMatch(l::startsWith)).toList());
        for (String s : kv) {
            lines.add("quick." + s);
        }
        Files.write(file, lines);
    }

    @Test
    void theCommandRunsBothLayerKindsIntoTheirFoldersAndWritesThePage(@TempDir Path tmp) throws Exception {
        // the command itself, on a project whose quick profile is tiny
        Path project = project(tmp);
        for (String ds : List.of("DigitSumSrn", "DigitSumLstm")) {
            quick(project, ds, "lengths=10", "seeds=0", "epochs=2", "eval_steps=40");
        }
        for (String lm : List.of("JayChouRnn", "JayChouLstm", "JayChouDeepLstm")) {
            quick(project, lm, "epochs=2", "hidden_size=16", "pred_period=2", "heldout_period=2", "pred_len=5");
        }
        for (String w : List.of("PtbWordRnn", "PtbWordLstm")) {
            quick(project, w, "epochs=1", "hidden_size=16", "max_train_tokens=7000", "max_eval_tokens=3500",
                    "gen_len=3");
        }
        quick(project, "HelloOhlolRnn", "epochs=3", "seeds=0,1");
        Path results = tmp.resolve("results");
        Outcome r = run(project, "StockLayers", Map.of(), results.toString());
        assertEquals(0, r.code(), r.err());

        for (String kind : List.of("project", "dl4j")) {
            for (String exp : StockLayers.EXPERIMENTS) {
                Path page = results.resolve("stock-layers").resolve(kind).resolve(exp + ".md");
                assertTrue(Files.isRegularFile(page), kind + " " + exp + ": " + tree(results));
                assertEquals(kind.equals("dl4j"), Files.readString(page).contains("**Stock layers** (`-Dlayers=dl4j`)"),
                        kind + " " + exp);
            }
        }
        // and each kind's saved models are built of its layers
        for (String kind : List.of("project", "dl4j")) {
            List<Path> zips;
            try (Stream<Path> s = Files.list(results.resolve("stock-layers").resolve(kind).resolve("models"))) {
                zips = s.filter(f -> f.toString().endsWith(".zip")).toList();
            }
            assertTrue(zips.size() >= 7, kind + ": " + zips); // every experiment but hello saves its model
            for (Path zip : zips) {
                assertEquals(kind.equals("dl4j"), Layers.isStock(
                        ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), false)), zip.toString());
            }
        }
        Map<String, List<String>> rows = table(Files.readString(results.resolve("StockLayers.md")));
        Set<String> named = new TreeSet<>();
        rows.keySet().forEach(k -> named.add(k.split(" ")[0]));
        assertEquals(new TreeSet<>(StockLayers.EXPERIMENTS), named);
        for (Map.Entry<String, List<String>> e : rows.entrySet()) {
            assertNotEquals("-", e.getValue().get(3), e.getKey() + ": project figure");
            assertNotEquals("-", e.getValue().get(4), e.getKey() + ": DL4J figure");
        }
    }
}
