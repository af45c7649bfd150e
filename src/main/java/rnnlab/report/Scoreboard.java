package rnnlab.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import rnnlab.core.AtomicFiles;
import rnnlab.core.Catalog;
import rnnlab.core.Clock;
import rnnlab.core.Markdown;
import rnnlab.core.ResultsCsv;
import rnnlab.stats.Comparison;
import rnnlab.stats.Figures;
import rnnlab.stats.Seeds;
import rnnlab.stats.Verdict;

/**
 * {@code README.md} in a results folder, built from the CSVs (never by hand) and rewritten whenever an experiment
 * runs: one table per concern, one row per experiment and setting (sampling mode, sequence length or model). The
 * headline figures beside the tutorials'; held-out perplexity, speed and training time; each experiment's page,
 * tutorial and plots; the Bench table; the verdicts against the tutorials' own code and the seeds' spread; each
 * search's best candidate. The quick profile's board ({@code results/quick/}) says at its top that its figures are
 * not comparable with the tutorials'.
 */
public final class Scoreboard {
    private Scoreboard() {
    }

    /** The width paragraphs and list items are wrapped to. */
    private static final int WIDTH = Comparison.WIDTH;

    public static void write(Path dir) {
        Markdown md = new Markdown().heading(1, "Results");
        String folder = dir.getFileName() == null ? "" : dir.getFileName().toString();
        if (folder.equals("quick")) {
            quote(md, "**Quick profile: these figures are not comparable with the tutorials'.** The quick profile "
                    + "trains for a few epochs (the epochs column; the tutorials' figures come after up to 500), on fewer "
                    + "seeds and settings, to show that the code runs end to end. The figures to set beside the "
                    + "tutorials' are the full profile's, in [../README.md](../README.md).");
        } else if (folder.equals(SAME_STARTS)) {
            quote(md, "**Ours from the tutorial's own starts** (`start=tutorial`): each seed's run begins from the "
                    + "weights the tutorial's code draws for that seed, not from ours. These runs are one side of the "
                    + "pairs judged in [../README.md](../README.md#verdicts-from-the-same-starts); our own seeds' "
                    + "figures are in [../README.md](../README.md).");
        } else if (folder.equals("custom")) {
            quote(md, "**Custom settings: these figures are not comparable with the tutorials'.** These runs overrode "
                    + "the committed settings; the tutorials' figures beside them come from the tutorials' own settings.");
        }
        md.para(Markdown.wrap("Generated from the CSVs in this folder by `rnnlab.report.Scoreboard` whenever an "
                + "experiment runs; do not edit. Each experiment's page has its settings, its full tables and where it "
                + "differs from its tutorial.", WIDTH));
        md.para(Markdown.wrap("How to read the tables: a value over several seeds is their mean (a perplexity's: exp "
                + "of the mean log perplexity), and the seeds column says how many. Square brackets are always a 95% "
                + "interval of a mean; a\u2013b is always the seeds' own minimum to maximum. Precision follows each "
                + "figure's noise: accuracies (on 100-example test sets) to two decimals; losses to three; "
                + "perplexities to three significant digits, or as the tutorials print them: five decimals under 1.01 "
                + "(1.00015), three under 1.5 (1.021), one from 100 (155.5), whole numbers from 1,000. Training times "
                + "are m:ss or h:mm:ss.", WIDTH));
        Map<String, List<Comparison.Row>> compared = compared(dir);
        Markdown sameStarts = new Markdown();
        sameStarts(dir, sameStarts);
        summary(md, compared, !sameStarts.text().isEmpty());
        List<List<String>> headline = new ArrayList<>();
        List<List<String>> speed = new ArrayList<>();
        List<String> pages = new ArrayList<>();
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
            String link = "[" + e.name() + "](" + e.name() + ".md)";
            String metric = h.get().metric();
            boolean heldOut = metric.equals("heldout_perplexity");
            Map<String, double[]> ours = finals(csv, metric);
            boolean first = true;
            for (Map.Entry<String, double[]> b : ours.entrySet()) {
                headline.add(List.of(first ? link : "", first ? (heldOut ? "test perplexity" : metric.replace('_', ' ')) : "",
                        setting(b.getKey()), figure(metric, mean(metric, b.getValue())),
                        Integer.toString(b.getValue().length), epochs(csv, b.getKey()), first ? h.get().published() : ""));
                first = false;
            }
            Map<String, double[]> held = heldOut ? Map.of() : finals(csv, "heldout_perplexity");
            Map<String, double[]> tokens = finals(csv, "tokens_per_second");
            Map<String, double[]> seconds = finals(csv, "train_seconds");
            Set<String> bases = new LinkedHashSet<>(held.keySet());
            bases.addAll(tokens.keySet());
            bases.addAll(seconds.keySet());
            first = true;
            for (String base : bases) {
                double[] hv = held.get(base);
                double[] tv = tokens.get(base);
                double[] sv = seconds.get(base);
                speed.add(List.of(first ? link : "", setting(base),
                        hv == null ? "-" : figure("heldout_perplexity", mean("heldout_perplexity", hv)),
                        tv == null ? "-" : Markdown.grouped(mean("tokens_per_second", tv), 0),
                        sv == null ? "-" : Clock.format(Arrays.stream(sv).sum()),
                        Integer.toString(Math.max(hv == null ? 0 : hv.length, Math.max(tv == null ? 0 : tv.length,
                                sv == null ? 0 : sv.length)))));
                first = false;
            }
            if (seconds.size() > 1) {
                speed.add(List.of("", "all settings", "", "", Clock.format(seconds.values().stream()
                        .flatMapToDouble(Arrays::stream).sum()), ""));
            }
            pages.add("- " + link + (e.tutorial().equals("-") ? " (beyond the tutorials)" : " (`" + e.tutorial() + "`)")
                    + ": " + plots(dir, e.name()));
        }
        md.heading(2, "Headline figures");
        md.table(List.of("experiment", "figure", "setting", "ours", "seeds", "epochs", "tutorial's figure"), headline);
        if (!speed.isEmpty()) {
            md.heading(2, "Held-out perplexity, speed and training time");
            md.para(Markdown.wrap("Held-out perplexity is on text the training never saw (beyond the tutorials). "
                    + "Tokens per second is the seeds' mean; training time is summed over the seeds (and, in the all "
                    + "settings row, over the settings too).", WIDTH));
            md.table(List.of("experiment", "setting", "held-out perplexity", "tokens/s", "training time, summed over seeds",
                    "seeds"), speed);
        }
        md.heading(2, "Pages, tutorials and plots");
        StringBuilder list = new StringBuilder();
        for (String item : pages) {
            list.append(Markdown.wrap(item, WIDTH).replace("\n", "\n  ")).append('\n');
        }
        md.para(list.toString().strip());
        Path bench = dir.resolve("Bench.csv");
        if (Files.isRegularFile(bench)) {
            try {
                ResultsCsv csv = ResultsCsv.read(bench);
                List<List<String>> brows = new ArrayList<>();
                for (String model : settings(csv)) {
                    if (csv.get(model, "final", "tokens_per_second").isEmpty()) {
                        continue; // the products' speeds, on Bench's own page
                    }
                    brows.add(List.of(model, csv.get(model, "final", "tokens_per_second").map(v -> Markdown.grouped(v, 0))
                            .orElse("-"), number(csv, model, "ratio_vs_peer", 2), number(csv, model, "ratio_vs_djl", 2),
                            csv.get(model, "final", "peak_rss_mb").map(v -> Markdown.grouped(v, 0)).orElse("-")));
                }
                md.heading(2, "Training throughput ([Bench](Bench.md))");
                md.table(List.of("model", "tokens/s", "ratio to PyTorch", "ratio to DJL", "peak RSS MB"), brows);
            } catch (IOException | RuntimeException ex) {
                // no Bench table then
            }
        }
        verdicts(compared, md);
        md.append(sameStarts);
        controls(dir, md);
        searches(dir, md);
        AtomicFiles.write(dir.resolve("README.md"), md.text());
    }

    private static void quote(Markdown md, String text) {
        md.para("> " + Markdown.wrap(text, WIDTH - 2).replace("\n", "\n> "));
    }

    /** A base setting as its row shows it: a dash for an experiment with one. */
    private static String setting(String base) {
        return base.equals(Seeds.ALL) ? "-" : base;
    }

    /** A metric's final values per base setting, one per seed, in the CSV's order. */
    static Map<String, double[]> finals(ResultsCsv csv, String metric) {
        Map<String, List<Double>> byBase = new LinkedHashMap<>();
        for (String s : settings(csv)) {
            csv.get(s, "final", metric).ifPresent(v -> byBase.computeIfAbsent(Seeds.base(s), b -> new ArrayList<>()).add(v));
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        byBase.forEach((b, v) -> out.put(b, v.stream().mapToDouble(Double::doubleValue).toArray()));
        return out;
    }

    /** The seeds' mean; a perplexity's is exp of the mean log perplexity. */
    private static double mean(String metric, double[] values) {
        return Seeds.summary(metric, values).mean();
    }

    /**
     * A figure at the precision its noise allows: accuracies to two decimals, perplexities to three significant
     * digits or as the tutorials print them (five decimals under 1.01, three under 1.5, one from 100 to 1,000, whole
     * with thousands separated from there), anything else to three decimals.
     */
    static String figure(String metric, double v) {
        if (metric.endsWith("accuracy")) {
            return Markdown.f(v, 2);
        }
        if (!Seeds.isPerplexity(metric)) {
            return Markdown.f(v, 3);
        }
        return v >= 1000 ? Markdown.grouped(v, 0) : Markdown.f(v, v < 1.01 ? 5 : v < 1.5 ? 3 : v < 10 ? 2 : 1);
    }

    /** The last epoch any run of the base setting reached, from its per-epoch rows; a dash without any. */
    static String epochs(ResultsCsv csv, String base) {
        double last = Double.NaN;
        for (ResultsCsv.Row r : csv.rows()) {
            if (Seeds.base(r.setting()).equals(base) && r.epoch().matches("\\d+(\\.\\d+)?")) {
                double e = Double.parseDouble(r.epoch());
                last = Double.isNaN(last) ? e : Math.max(last, e);
            }
        }
        return Double.isNaN(last) ? "-" : last == Math.rint(last) ? Long.toString((long) last) : Markdown.f(last, 1);
    }

    /**
     * One row per search in {@code dir/search}: the experiment's own settings and the confirmed best candidate, each
     * a mean over the confirmation's seeds with its 95% interval, the confirmation's verdict, the best's values and
     * how many candidates ran. A search from before the confirmation (no {@code verdict} column) shows its best as
     * the single-seed maximum it is.
     */
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
                List<String> header = List.of(lines.get(0).split(","));
                String exp = name.contains("_") ? name.substring(0, name.indexOf('_')) : name;
                String objective = Catalog.project().find(exp).flatMap(Catalog.Facts::objective)
                        .map(Catalog.Objective::metric).orElse("-");
                boolean confirmed = header.contains("verdict");
                String baseline = "-";
                String best = "-";
                String verdict = confirmed ? "-" : "not confirmed (one seed a candidate)";
                String seeds = "1";
                String values = "-";
                int ran = 0;
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.split(",", header.size());
                    if (f.length != header.size()) {
                        continue;
                    }
                    boolean ok = f[2].equals("complete");
                    if (f[1].equals("baseline")) {
                        baseline = ok ? searchScore(objective, header, f) : "failed";
                        continue;
                    }
                    ran++;
                    if (ok && best.equals("-")) {
                        best = searchScore(objective, header, f) + " (candidate " + f[1] + ")";
                        if (confirmed && !f[header.indexOf("verdict")].isEmpty()) {
                            verdict = "**" + f[header.indexOf("verdict")] + "**";
                            seeds = f[header.indexOf("seeds")];
                        }
                        List<String> kv = new ArrayList<>();
                        int error = header.indexOf("error"); // the searched keys lie between
                        for (int i = 5; i < (error < 0 ? header.size() - 1 : error); i++) {
                            kv.add("`" + header.get(i) + "=" + f[i] + "`");
                        }
                        values = String.join(", ", kv);
                    }
                }
                rows.add(List.of("[" + name + "](search/" + name + ".md)", objective, baseline, best, seeds, verdict,
                        values, Integer.toString(ran)));
            }
        } catch (IOException | RuntimeException e) {
            return;
        }
        if (!rows.isEmpty()) {
            md.heading(2, "Searches' best candidates ([search/](search/))");
            md.para(Markdown.wrap("Each search's best candidate confirmed on new seeds beside the experiment's own "
                    + "settings on the same seeds: means with their 95% intervals and the seeds, and the verdict "
                    + "(better, not better or inconclusive against the verdicts' tolerance); how it was found is on "
                    + "its page.", WIDTH));
            md.table(List.of("search", "objective", "experiment's own settings [95%]", "confirmed best [95%]",
                    "seeds", "verdict", "best candidate's values", "candidates"), rows);
        }
    }

    /** A search row's score, with its interval where the CSV has one ({@code ci95_low}, {@code ci95_high}). */
    private static String searchScore(String objective, List<String> header, String[] f) {
        String mean = score(objective, f[3]);
        int low = header.indexOf("ci95_low");
        if (low < 0 || f[low].isEmpty()) {
            return mean;
        }
        return mean + " [" + score(objective, f[low]) + ", " + score(objective, f[low + 1]) + "]";
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

    /** A search's score at its objective's precision ({@link #figure}); as written when it is not a number. */
    static String score(String objective, String text) {
        try {
            return figure(objective, Double.parseDouble(text));
        } catch (NumberFormatException e) {
            return text;
        }
    }

    /**
     * Each experiment's compared figures against its reference (the tutorial's own code, {@code dir/reference/}),
     * in the catalog's order; none without a reference folder.
     */
    private static Map<String, List<Comparison.Row>> compared(Path dir) {
        Map<String, List<Comparison.Row>> out = new LinkedHashMap<>();
        if (!Files.isDirectory(dir.resolve("reference"))) {
            return out;
        }
        for (Catalog.Facts e : Catalog.project().all().values()) {
            Path csvFile = dir.resolve(e.name() + ".csv");
            if (Figures.of(e.name()).isEmpty() || !Files.isRegularFile(csvFile)) {
                continue;
            }
            try {
                List<Comparison.Row> figures = Comparison.rows(e.name(), ResultsCsv.read(csvFile),
                        Comparison.readReference(dir, e.name()), Comparison.planned(dir, e.name()));
                if (!figures.isEmpty()) {
                    out.put(e.name(), figures);
                }
            } catch (IOException | RuntimeException ex) {
                // that experiment's CSV cannot be read: no rows for it
            }
        }
        return out;
    }

    /**
     * At the top: per experiment, how many of its figures each verdict has, how many of the inconclusive ones are at
     * the seed cap (settled as far as the plan may go: their spread keeps them open) and at their planned seeds below
     * it (judged once there, never re-planned), and the total.
     */
    private static void summary(Markdown md, Map<String, List<Comparison.Row>> compared, boolean sameStarts) {
        List<List<String>> rows = new ArrayList<>();
        VerdictCounts total = new VerdictCounts(new int[Verdict.Outcome.values().length], 0, 0);
        for (Map.Entry<String, List<Comparison.Row>> e : compared.entrySet()) {
            List<Comparison.Row> figures = e.getValue();
            VerdictCounts c = new VerdictCounts(Comparison.counts(figures),
                    (int) figures.stream().filter(Comparison::atCap).count(),
                    (int) figures.stream().filter(Comparison::atPlan).count());
            if (c.figures() > 0) {
                rows.add(c.cells("[" + e.getKey() + "](" + e.getKey() + ".md)"));
                total = total.plus(c);
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        rows.add(total.cells("**total**"));
        md.heading(2, "Verdicts at a glance");
        md.para(Markdown.wrap("How many of each experiment's figures ours reproduces against the tutorial's own code, "
                + "differs from or cannot yet tell, and how many of the last are at the seed cap (both sides have the "
                + "most seeds `-Dexp=settle` may give them: their seeds spread wider than their tolerance, or their "
                + "difference lies at its edge), and how many have the seeds their plan gave them, fewer than the cap "
                + "(the plan is made once, before its seeds run, and never again: those stay open); each figure "
                + "is in the verdicts table below." + (sameStarts ? " Some experiments' figures are judged again "
                        + "[from the same starts](#verdicts-from-the-same-starts), our code and the tutorial's each "
                        + "training the tutorial's start of a seed: a narrower question, counted apart." : ""), WIDTH));
        md.table(List.of("experiment", "reproduced", "differs", "inconclusive", "of them at the seed cap",
                "of them at their planned seeds, below the cap", "figures"), rows);
    }

    /** One row of the summary: the figures of each verdict (in {@link Verdict.Outcome}'s order) and how many of the
     *  inconclusive ones are at the seed cap and at their planned seeds below it. */
    private record VerdictCounts(int[] byOutcome, int atCap, int atPlan) {
        int figures() {
            return Arrays.stream(byOutcome).sum();
        }

        VerdictCounts plus(VerdictCounts o) {
            int[] sum = new int[byOutcome.length];
            Arrays.setAll(sum, i -> byOutcome[i] + o.byOutcome[i]);
            return new VerdictCounts(sum, atCap + o.atCap, atPlan + o.atPlan);
        }

        List<String> cells(String first) {
            List<String> row = new ArrayList<>(List.of(first));
            Arrays.stream(byOutcome).forEach(n -> row.add(Integer.toString(n)));
            row.add(Integer.toString(atCap));
            row.add(Integer.toString(atPlan));
            row.add(Integer.toString(figures()));
            return row;
        }
    }

    /** The folder of our runs from the tutorial's starts ({@code -Dexp=settle -Dsettle_starts=tutorial}) and their plans. */
    public static final String SAME_STARTS = "same-starts";

    /**
     * The verdicts from the same starts: per experiment with runs in {@link #SAME_STARTS}, each figure's paired verdict
     * against the reference's runs of the same seeds, their counts first.
     */
    private static void sameStarts(Path dir, Markdown md) {
        Path folder = dir.resolve(SAME_STARTS);
        if (!Files.isDirectory(dir.resolve("reference")) || !Files.isDirectory(folder)) {
            return;
        }
        List<List<String>> counts = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        VerdictCounts total = new VerdictCounts(new int[Verdict.Outcome.values().length], 0, 0);
        for (Catalog.Facts e : Catalog.project().all().values()) {
            Path csv = folder.resolve(e.name() + ".csv");
            ResultsCsv reference = Comparison.readReference(dir, e.name());
            if (Figures.of(e.name()).isEmpty() || !Files.isRegularFile(csv) || reference == null) {
                continue;
            }
            List<Comparison.Row> figures;
            try {
                figures = Comparison.sameStartsRows(e.name(), ResultsCsv.read(csv), reference,
                        Comparison.planned(folder, e.name()));
            } catch (IOException | RuntimeException ex) {
                continue; // unreadable: as if not run
            }
            if (figures.isEmpty()) {
                continue;
            }
            VerdictCounts c = new VerdictCounts(Comparison.counts(figures),
                    (int) figures.stream().filter(Comparison::atCap).count(),
                    (int) figures.stream().filter(Comparison::atPlan).count());
            counts.add(c.cells("[" + e.name() + "](" + e.name() + ".md)"));
            total = total.plus(c);
            rows.add(group(e.name(), Comparison.sameStartsHeader().size()));
            figures.forEach(r -> rows.add(withFirst("", Comparison.sameStartsCells(r))));
        }
        if (rows.isEmpty()) {
            return;
        }
        counts.add(total.cells("**total**"));
        md.heading(2, "Verdicts from the same starts");
        md.para(Markdown.wrap(Comparison.SAME_STARTS_RULE + " Our runs are in `" + SAME_STARTS + "/NAME.csv`, their "
                + "plans in `" + SAME_STARTS + "/plans/`.", WIDTH));
        md.table(List.of("experiment", "reproduced", "differs", "inconclusive", "of them at the cap",
                "of them at their planned pairs, below the cap", "figures"), counts);
        List<String> header = new ArrayList<>(List.of("experiment"));
        header.addAll(Comparison.sameStartsHeader());
        md.table(header, rows);
    }

    /** The folder of the negative controls' runs, one CSV per experiment with a control. */
    public static final String CONTROLS = "controls";

    /**
     * The negative controls: each experiment's deliberately wrong variant ({@code about.control}) judged against
     * the tutorial's code by the same rules, per figure whose base setting its runs have; expected "differs".
     */
    private static void controls(Path dir, Markdown md) {
        if (!Files.isDirectory(dir.resolve("reference"))) {
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (Catalog.Facts e : Catalog.project().all().values()) {
            if (e.control().isEmpty()) {
                continue;
            }
            Catalog.Control c = e.control().get();
            String what = c.description() + " (`" + c.written() + "`)";
            String link = "[" + e.name() + "](" + e.name() + ".md)";
            Path csv = dir.resolve(CONTROLS).resolve(e.name() + ".csv");
            List<Comparison.Row> figures = List.of();
            if (Files.isRegularFile(csv)) {
                try {
                    figures = Comparison.rows(e.name(), ResultsCsv.read(csv), Comparison.readReference(dir, e.name()));
                } catch (IOException | RuntimeException ex) {
                    figures = List.of(); // unreadable: as if not run
                }
            }
            if (figures.isEmpty()) {
                rows.add(List.of(link, what, "-", "-", "-", "-", "-", "not run yet"));
                continue;
            }
            boolean first = true;
            for (Comparison.Row r : figures) {
                List<String> cells = Comparison.cells(r, null);
                // figure, reference, control, difference, tolerance, verdict: not the printed value
                rows.add(withFirst(first ? link : "", withFirst(first ? what : "", List.of(cells.get(0), cells.get(2),
                        cells.get(3), cells.get(4), cells.get(5), cells.get(6)))));
                first = false;
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        md.heading(2, "Negative controls");
        md.para(Markdown.wrap("A verdict that cannot say \"differs\" to a wrong model proves nothing. Each control "
                + "is a deliberately wrong variant of an experiment (`about.control` in its file), run over the same "
                + "seeds into `" + CONTROLS + "/NAME.csv` and judged against the tutorial's own code by the same rules "
                + "as above, per figure whose setting it ran: every verdict here should be **differs**.", WIDTH));
        md.table(List.of("experiment", "control", "figure", "reference: mean [95% interval]",
                "control: mean [95% interval]", "difference [95% interval]", "tolerance", "verdict"), rows);
    }

    /** The verdicts of every experiment with a reference, the seeds' spread and the seeds that failed. */
    private static void verdicts(Map<String, List<Comparison.Row>> compared, Markdown md) {
        if (compared.isEmpty()) {
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        List<List<String>> spread = new ArrayList<>();
        List<List<String>> failed = new ArrayList<>();
        compared.forEach((name, figures) -> {
            // the experiment on a row of its own above its figures: the figures' rows stay short
            rows.add(group(name, Comparison.header(false).size()));
            spread.add(group(name, Comparison.spreadHeader(false).size()));
            for (Comparison.Row r : figures) {
                rows.add(withFirst("", Comparison.cells(r, null)));
                spread.add(withFirst("", Comparison.spreadCells(r, null)));
            }
            List<Comparison.Row> f = Comparison.withFailures(figures);
            if (!f.isEmpty()) {
                failed.add(group(name, Comparison.failureHeader(false).size()));
                f.forEach(r -> failed.add(withFirst("", Comparison.failureCells(r, null))));
            }
        });
        md.heading(2, "Verdicts against the tutorials' own code ([reference](reference/))");
        md.para(Markdown.wrap("Every figure a tutorial prints (and DigitSum's accuracies, which its tutorial only "
                + "plots), ours over seeds beside the tutorial's own PyTorch code over seeds on the machines that ran "
                + "ours (`reference/README.md`; each run's CPU in `reference/machines.csv`). " + Comparison.VERDICT_RULE
                + " The tolerance column says which bound applied. A dash: no reference runs for that figure yet.",
                WIDTH));
        md.table(Comparison.header(true), rows);
        md.heading(2, "The seeds' spread beside the tutorials' printed values");
        md.table(Comparison.spreadHeader(true), spread);
        if (!failed.isEmpty()) {
            md.heading(2, "Seeds that failed outright");
            md.para(Markdown.wrap(Comparison.FAILURE_RULE, WIDTH));
            md.table(Comparison.failureHeader(true), failed);
        }
    }

    /** An experiment's row in the verdict tables: its name, as a link to its page, and empty cells. */
    private static List<String> group(String experiment, int cells) {
        List<String> out = new ArrayList<>(List.of("**[" + experiment + "](" + experiment + ".md)**"));
        out.addAll(Collections.nCopies(cells, ""));
        return out;
    }

    private static List<String> withFirst(String first, List<String> cells) {
        List<String> out = new ArrayList<>(List.of(first));
        out.addAll(cells);
        return out;
    }

    /** Plots' names in natural order: loss-L5 before loss-L10. */
    private static String naturalKey(String name) {
        return Pattern.compile("\\d+").matcher(name).replaceAll(m -> "0".repeat(Math.max(0, 9 - m.group()
                .length())) + m.group());
    }

    private static String plots(Path dir, String name) {
        try (Stream<Path> files = Files.list(dir)) {
            List<String> links = files.map(p -> p.getFileName().toString())
                    .filter(f -> f.startsWith(name + "-") && f.endsWith(".png"))
                    .sorted(Comparator.comparing(Scoreboard::naturalKey))
                    .map(f -> "[" + f.substring(name.length() + 1, f.length() - 4) + "](" + f + ")").toList();
            return links.isEmpty() ? "-" : String.join(", ", links);
        } catch (IOException e) {
            return "-";
        }
    }
}
