package rnnlab.experiments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import rnnlab.core.AtomicFiles;
import rnnlab.core.Catalog;
import rnnlab.core.ConfiguredRun;
import rnnlab.core.Markdown;
import rnnlab.core.ResultsCsv;
import rnnlab.core.UserError;
import rnnlab.model.Layers;

/**
 * {@code -Dexp=StockLayers}: every experiment whose model DL4J's stock layers can express, run in the quick
 * profile twice with the same seeds, on the project's layers ({@code layers=project}) and on DL4J's
 * ({@code layers=dl4j}), into {@code results/stock-layers/project/} and {@code .../dl4j/}; then
 * {@code results/StockLayers.md} sets each run's headline figure and speed side by side.
 */
public final class StockLayers {
    private static final Logger log = LoggerFactory.getLogger(StockLayers.class);

    /** The experiments stock layers can run (the rest need a GRU or are written from scratch). */
    public static final List<String> EXPERIMENTS = List.of("DigitSumSrn", "DigitSumLstm", "JayChouRnn", "JayChouLstm",
            "JayChouDeepLstm", "PtbWordRnn", "PtbWordLstm", "HelloOhlolRnn");

    private StockLayers() {
    }

    public static void run(Path projectDir, Path results) throws Exception {
        Path base = results.resolve("stock-layers");
        // every configuration checked before anything trains
        List<Runnable> runs = new ArrayList<>();
        for (String name : EXPERIMENTS) {
            for (Layers layers : Layers.values()) {
                String key = layers.name().toLowerCase(Locale.ROOT);
                ConfiguredRun p = Experiments.prepare(name, projectDir, "quick", Map.of(Layers.KEY, key),
                        base.resolve(key).toString());
                runs.add(() -> {
                    log.info("=== StockLayers: {} on layers={}", name, key);
                    long t0 = System.nanoTime();
                    try {
                        p.execute();
                    } catch (RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                    log.info("=== StockLayers: {} on layers={} took {} s", name, key,
                            Markdown.f((System.nanoTime() - t0) / 1e9, 0));
                    write(results, base);
                });
            }
        }
        runs.forEach(Runnable::run);
    }

    /** The page, from whatever runs have finished. */
    public static void write(Path results, Path base) {
        List<List<String>> rows = new ArrayList<>();
        for (String name : EXPERIMENTS) {
            Map<String, Map<String, Double>> project = finals(base.resolve("project").resolve(name + ".csv"));
            Map<String, Map<String, Double>> stock = finals(base.resolve("dl4j").resolve(name + ".csv"));
            if (project.isEmpty() && stock.isEmpty()) {
                continue;
            }
            String metric = Catalog.project().find(name).flatMap(Catalog.Facts::headline).map(Catalog.Headline::metric)
                    .orElse("perplexity");
            List<String> settings = new ArrayList<>(project.keySet());
            stock.keySet().stream().filter(s -> !settings.contains(s)).forEach(settings::add);
            for (String setting : settings) {
                Map<String, Double> a = project.getOrDefault(setting, Map.of());
                Map<String, Double> b = stock.getOrDefault(setting, Map.of());
                if (!a.containsKey(metric) && !b.containsKey(metric)) {
                    continue;
                }
                rows.add(List.of("[" + name + "](stock-layers/project/" + name + ".md)", setting,
                        (metric.equals("heldout_perplexity") && name.startsWith("Ptb") ? "test_perplexity" : metric).replace('_', ' '),
                        value(a, metric, 3), value(b, metric, 3), value(a, "tokens_per_second", 0),
                        value(b, "tokens_per_second", 0), value(a, "train_seconds", 1), value(b, "train_seconds", 1)));
            }
        }
        Markdown md = new Markdown().heading(1, "The project's recurrent layers beside DL4J's stock layers");
        md.para("Each experiment that DL4J's stock `SimpleRnn` and `LSTM` can express, run in the quick profile with the "
                + "same seeds and settings twice: on the project's layers (`rnnlab.model.Srn`, `Lstm`; `layers=project`, "
                + "the default) and on DL4J's (`-Dlayers=dl4j`). Regenerate with `mvn -q exec:java -Dexp=StockLayers`; "
                + "each run's own page is under `stock-layers/project/` and `stock-layers/dl4j/` (the second says "
                + "what the stock layers change). JayChouGru and JayChouBiGru need a GRU, which DL4J lacks for "
                + "networks, and the from-scratch and cell experiments have no layers to swap.");
        md.table(List.of("experiment", "setting", "figure", "project layers", "DL4J layers", "project tokens/s",
                "DL4J tokens/s", "project training s", "DL4J training s"), rows);
        md.para("Why the project keeps its own layers: they train the tutorials' models as the tutorials do (the "
                + "language models carry their state, detached, from one batch to the next, which DL4J's `fit` "
                + "forbids by clearing it at every call), and faster where the recurrence is the work, since their time "
                + "steps run on raw buffers instead of one ND4J op each (compare the speed columns; the Penn Treebank "
                + "models spend most of their time in the 10,000-word output layer, which both share). On the same "
                + "weights they give `SimpleRnn`'s and `LSTM`'s outputs and gradients (tests check it), which is why "
                + "the hello rows agree. Where other figures differ, it is the state reset (the language models), "
                + "DL4J's zero start for `SimpleRnn`'s bias (DigitSum) or, in a short quick-profile run, the seed-like "
                + "effect of other rounding.");
        AtomicFiles.write(results.resolve("StockLayers.md"), md.text());
    }

    private static String value(Map<String, Double> m, String key, int digits) {
        Double v = m.get(key);
        return v == null ? "-" : Markdown.f(v, digits);
    }

    /** Setting -> metric -> value of a CSV's "final" rows (empty when the file is not there yet). */
    private static Map<String, Map<String, Double>> finals(Path csv) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(csv)) {
            return out;
        }
        try {
            for (ResultsCsv.Row r : ResultsCsv.read(csv).rows()) {
                if (r.epoch().equals("final")) {
                    out.computeIfAbsent(r.setting(), k -> new LinkedHashMap<>()).put(r.metric(), r.value());
                }
            }
        } catch (IOException e) {
            throw new UserError("Cannot read " + csv + ": " + e.getMessage());
        }
        return out;
    }
}
