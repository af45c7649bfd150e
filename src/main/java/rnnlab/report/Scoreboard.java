package rnnlab.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import rnnlab.core.AtomicFiles;
import rnnlab.core.Catalog;
import rnnlab.core.Clock;
import rnnlab.core.Markdown;
import rnnlab.core.ResultsCsv;
import rnnlab.stats.Comparison;
import rnnlab.stats.Figures;
import rnnlab.stats.Seeds;

/**
 * {@code README.md} in a results folder: one row per experiment with a table there, built from the CSVs
 * (never by hand) and rewritten whenever an experiment runs: the tutorial, its published figure, ours
 * (one value per setting), held-out figures, tokens/s, training time and links to the page and plots;
 * below it the Bench table and each search's best candidate.
 */
public final class Scoreboard {
    private Scoreboard() {
    }

    public static void write(Path dir) {
        Markdown md = new Markdown().heading(1, "Results");
        md.para("Generated from the CSVs in this folder by `rnnlab.report.Scoreboard` whenever an experiment runs; "
                + "do not edit. Each experiment's page has its settings, its full tables and where it differs from "
                + "its tutorial. Several values in a cell are the experiment's settings in its CSV's order "
                + "(sampling modes or sequence lengths); a count in brackets is the number of seeds whose mean the value is.");
        List<List<String>> rows = new ArrayList<>();
        for (Catalog.Facts e : Catalog.project().all().values()) {
            Optional<Catalog.Headline> h = e.headline();
            Path csvFile = dir.resolve(e.name() + ".csv");
            if (h.isEmpty() || !Files.isRegularFile(csvFile)) {
                continue;
            }
            ResultsCsv csv;
            try {
                csv = ResultsCsv.read(csvFile);
            } catch (IOException | RuntimeException ex) {
                continue;
            }
            String metric = h.get().metric();
            rows.add(List.of("[" + e.name() + "](" + e.name() + ".md)", "`" + e.tutorial() + "`", h.get().published(),
                    (metric.equals("heldout_perplexity") ? "test perplexity" : metric.replace('_', ' ')) + ": "
                            + values(csv, metric, 3),
                    metric.equals("heldout_perplexity") ? "-" : values(csv, "heldout_perplexity", 1),
                    values(csv, "tokens_per_second", 0), clocks(csv), plots(dir, e.name())));
        }
        md.table(List.of("experiment", "tutorial", "tutorial's figure", "ours", "held-out perplexity", "tokens/s",
                "training time", "plots"), rows);
        Path bench = dir.resolve("Bench.csv");
        if (Files.isRegularFile(bench)) {
            try {
                ResultsCsv csv = ResultsCsv.read(bench);
                List<List<String>> brows = new ArrayList<>();
                for (String model : settings(csv)) {
                    if (csv.get(model, "final", "tokens_per_second").isEmpty()) {
                        continue; // the products' speeds, on Bench's own page
                    }
                    brows.add(List.of(model, number(csv, model, "tokens_per_second", 0),
                            number(csv, model, "ratio_vs_peer", 2), number(csv, model, "ratio_vs_djl", 2),
                            number(csv, model, "peak_rss_mb", 0)));
                }
                md.heading(2, "Training throughput ([Bench](Bench.md))");
                md.table(List.of("model", "tokens/s", "ratio to PyTorch", "ratio to DJL", "peak RSS MB"), brows);
            } catch (IOException | RuntimeException ex) {
                // no Bench table then
            }
        }
        verdicts(dir, md);
        searches(dir, md);
        AtomicFiles.write(dir.resolve("README.md"), md.text());
    }

    /** One row per search in {@code dir/search}: its baseline, its best candidate and that candidate's values. */
    private static void searches(Path dir, Markdown md) {
        Path searchDir = dir.resolve("search");
        if (!Files.isDirectory(searchDir)) {
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        try (Stream<Path> files = Files.list(searchDir)) {
            for (Path csv : files.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList()) {
                String name = csv.getFileName().toString().replaceFirst("\\.csv$", "");
                List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
                if (lines.isEmpty() || !lines.get(0).startsWith(SEARCH_HEADER)) {
                    continue;
                }
                String[] header = lines.get(0).split(",");
                String baseline = "-";
                String best = "-";
                String values = "-";
                int ran = 0;
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.split(",", header.length);
                    if (f.length != header.length) {
                        continue;
                    }
                    boolean ok = f[2].equals("complete");
                    if (f[1].equals("baseline")) {
                        baseline = ok ? f[3] : "failed";
                        continue;
                    }
                    ran++;
                    if (ok && best.equals("-")) {
                        best = f[3] + " (candidate " + f[1] + ")";
                        List<String> kv = new ArrayList<>();
                        for (int i = 5; i < header.length - 1; i++) {
                            kv.add("`" + header[i] + "=" + f[i] + "`");
                        }
                        values = String.join(", ", kv);
                    }
                }
                String exp = name.contains("_") ? name.substring(0, name.indexOf('_')) : name;
                String objective = Catalog.project().find(exp).flatMap(Catalog.Facts::objective).map(Catalog.Objective::metric)
                        .orElse("-");
                rows.add(List.of("[" + name + "](search/" + name + ".md)", objective, baseline, best, values,
                        Integer.toString(ran)));
            }
        } catch (IOException | RuntimeException e) {
            return;
        }
        if (!rows.isEmpty()) {
            md.heading(2, "Searches' best candidates ([search/](search/))");
            md.table(List.of("search", "objective", "experiment's own settings", "best", "best candidate's values",
                    "candidates"), rows);
        }
    }

    /** How a search's CSV begins (see {@code rnnlab.search.SearchReport}). */
    public static final String SEARCH_HEADER = "rank,candidate,status,score,seconds";

    private static Set<String> settings(ResultsCsv csv) {
        Set<String> out = new LinkedHashSet<>();
        for (ResultsCsv.Row r : csv.rows()) {
            if (r.epoch().equals("final")) {
                out.add(r.setting());
            }
        }
        return out;
    }

    private static String number(ResultsCsv csv, String setting, String metric, int decimals) {
        return csv.get(setting, "final", metric).map(v -> Markdown.f(v, decimals)).orElse("-");
    }

    /**
     * The final values of a metric, one per setting that has it, joined by " / "; a setting run over several seeds
     * gives its seeds' mean (perplexities: exp of the mean log perplexity) and their count.
     */
    static String values(ResultsCsv csv, String metric, int decimals) {
        Map<String, List<Double>> byBase = new LinkedHashMap<>();
        for (String s : settings(csv)) {
            csv.get(s, "final", metric).ifPresent(v -> byBase.computeIfAbsent(Seeds.base(s),
                    b -> new ArrayList<>()).add(v));
        }
        List<String> out = new ArrayList<>();
        byBase.forEach((base, v) -> {
            double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
            double mean = Seeds.summary(metric, a).mean();
            // a perplexity near 1 needs its fourth and fifth decimals to say anything
            String f = Markdown.f(mean, metric.endsWith("perplexity") && mean < 1.01 ? 5 : decimals);
            out.add(a.length > 1 ? f + " (" + a.length + ")" : f);
        });
        return out.isEmpty() ? "-" : String.join(" / ", out);
    }

    /** The verdicts of every experiment with a reference (the tutorial's own code, {@code dir/reference/}). */
    private static void verdicts(Path dir, Markdown md) {
        if (!Files.isDirectory(dir.resolve("reference"))) {
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (Catalog.Facts e : Catalog.project().all().values()) {
            Path csvFile = dir.resolve(e.name() + ".csv");
            if (Figures.of(e.name()).isEmpty() || !Files.isRegularFile(csvFile)) {
                continue;
            }
            try {
                ResultsCsv ours = ResultsCsv.read(csvFile);
                for (Comparison.Row r : Comparison.rows(e.name(), ours,
                        Comparison.readReference(dir, e.name()))) {
                    rows.add(Comparison.cells(r, e.name()));
                }
            } catch (IOException | RuntimeException ex) {
                // that experiment's CSV cannot be read: no rows for it
            }
        }
        md.heading(2, "Verdicts against the tutorials' own code ([reference](reference/))");
        md.para("Every figure a tutorial prints (and DigitSum's accuracies, which its tutorial only plots), ours over "
                + "seeds beside the tutorial's own PyTorch code over seeds on the machines that ran ours (`reference/README.md`; each run's CPU in `reference/machines.csv`). "
                + Comparison.VERDICT_RULE + " Tolerances: 0.05 for accuracies, 5% for perplexities, 10% "
                + "for 'hello''s final loss. A dash: no reference runs for that figure yet.");
        md.table(Comparison.header(true), rows);
    }

    private static String clocks(ResultsCsv csv) {
        double total = 0;
        boolean any = false;
        for (String s : settings(csv)) {
            Optional<Double> v = csv.get(s, "final", "train_seconds");
            if (v.isPresent()) {
                total += v.get();
                any = true;
            }
        }
        return any ? Clock.format(total) : "-";
    }

    private static String plots(Path dir, String name) {
        try (Stream<Path> files = Files.list(dir)) {
            List<String> links = files.map(p -> p.getFileName().toString())
                    .filter(f -> f.startsWith(name + "-") && f.endsWith(".png")).sorted()
                    .map(f -> "[" + f.substring(name.length() + 1, f.length() - 4) + "](" + f + ")").toList();
            return links.isEmpty() ? "-" : String.join(", ", links);
        } catch (IOException e) {
            return "-";
        }
    }
}
