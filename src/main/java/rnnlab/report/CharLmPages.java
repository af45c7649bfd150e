package rnnlab.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import rnnlab.core.AtomicFiles;
import rnnlab.core.Clock;
import rnnlab.core.JobResult;
import rnnlab.core.Markdown;
import rnnlab.core.ResultsCsv;
import rnnlab.stats.Comparison;
import rnnlab.stats.Seeds;
import rnnlab.stats.Summary;

/**
 * A character language model's results (the Time Machine and Jay Chou experiments): its CSV, its page (perplexity
 * over seeds, every seed, the held-out figures, perplexity every few epochs, the generated text) and its perplexity
 * plot, from the facts the experiment declares and its jobs' results.
 */
public final class CharLmPages {
    /**
     * What a character LM's page says besides its results: the experiment's name, the tutorial's file, what model this
     * is, the stock layers' note (null on the project's layers), the settings sentence, how our figures compare with
     * the tutorial's, the tutorial's printed figure by sampling mode ("" where it printed none); where the reference
     * figures are and whether the run has the tutorial's settings; the training characters, the held-out
     * characters after them and the rows and steps they are read in; the epochs, the prediction period, the
     * generated length and temperature, and the first seed (whose texts are shown).
     */
    public record Page(String name, String tutorialFile, String modelNote, String stockLayersNote, String settings,
            String tutorialNote, Map<String, String> tutorialFigures, Path projectDir, boolean tutorialSettings,
            int numTokens, int heldOutLength, int heldOutRows, int steps, int epochs, int predPeriod, int predLen,
            double temperature, int firstSeed) {
    }

    private CharLmPages() {
    }

    /**
     * Writes {@code NAME.csv} (the jobs' rows and the summaries over seeds), {@code NAME.md} and
     * {@code NAME-perplexity.png} into {@code dir}; a job still training shows its epochs done.
     */
    public static void write(Path dir, Page page, List<JobResult> results) {
        String name = page.name();
        ResultsCsv csv = JobResult.concat(results);
        Seeds.addSummaries(csv, SUMMARISED);
        csv.write(dir.resolve(name + ".csv"));

        Markdown md = new Markdown().heading(1, name);
        md.para("Reproduces `" + page.tutorialFile() + "` on Deeplearning4j. " + page.modelNote());
        if (page.stockLayersNote() != null) {
            md.para(page.stockLayersNote());
        }
        md.para(page.settings());
        md.heading(2, "Perplexity after training, over seeds");
        List<List<String>> summaryRows = new ArrayList<>();
        Map<String, Map<Integer, Double>> train = Seeds.values(csv, "final", "perplexity");
        Map<String, Map<Integer, Double>> held = Seeds.values(csv, "final", "heldout_perplexity");
        for (String base : train.keySet()) {
            Map<Integer, Double> tv = train.get(base);
            Map<Integer, Double> hv = held.getOrDefault(base, Map.of());
            summaryRows.add(List.of(base, String.valueOf(tv.size()), perplexities(tv, 3), hv.isEmpty() ? "-" : perplexities(hv, 1),
                    page.tutorialFigures().getOrDefault(base.substring("sampling=".length()), "")));
        }
        md.table(List.of("setting", "seeds", "training perplexity: mean [95% interval] (min-max)",
                "held-out perplexity: mean [95% interval] (min-max)", "tutorial's perplexity"), summaryRows);
        md.para("Over seeds (`seeds`, e.g. `-Dseeds=0..4`; the seed moves the initial weights and every random draw of "
                + "the run, the sampler's included), perplexities are averaged as mean losses: the mean is exp of the "
                + "mean log perplexity, and so are the ends of its 95% interval (Student's t, never below 1); the CSV's `perplexity_sd` is "
                + "the sd of the log perplexity. Runs still training are left out of this table.");
        md.para(page.tutorialNote());
        Comparison.section(md, name, csv, page.projectDir(), page.tutorialSettings());
        md.heading(2, "Every seed");
        List<List<String>> rows = new ArrayList<>();
        double skipped = 0;
        double counted = 0;
        for (JobResult r : results) {
            List<ResultsCsv.Row> ppl = r.rows().rows().stream()
                    .filter(x -> x.metric().equals("perplexity") && !x.epoch().equals("final")).toList();
            if (ppl.isEmpty()) {
                continue;
            }
            ResultsCsv.Row last = ppl.get(ppl.size() - 1);
            Double h = r.rows().last("heldout_perplexity").get(r.setting());
            rows.add(List.of(r.setting(), last.epoch() + (r.finished() ? "" : " (running)"), Markdown.f(last.value(), 3),
                    h == null ? "-" : Markdown.f(h, 1),
                    r.finished() ? Markdown.f(r.last("tokens_per_second"), 0) : "-",
                    r.finished() ? Clock.format(r.last("train_seconds")) : "-"));
            if (r.finished() && !Double.isNaN(r.last("heldout_tokens"))) {
                skipped = r.last("heldout_skipped");
                counted = r.last("heldout_tokens");
            }
        }
        md.table(List.of("setting", "epoch", "training perplexity", "held-out perplexity", "tokens/s", "training time"),
                rows);
        md.para("Held-out perplexity (beyond the tutorial) is measured on the " + page.heldOutLength() + " characters after the first "
                + page.numTokens() + ", read in " + page.heldOutRows() + " rows of " + page.steps()
                + " steps with the state carried, from a zero state"
                + (skipped > 0 ? "; the " + (long) skipped + " targets outside the training vocabulary "
                        + "(which the model cannot name) are left out, " + (long) counted + " are counted" : "")
                + ". A training perplexity near 1 with a held-out one far above it is memorisation of the " + String.format(java.util.Locale.ROOT, "%,d", page.numTokens())
                + " training characters, not a model of the language. Tokens/s counts training steps only (as the "
                + "tutorial's speed), on one thread.");
        md.image("perplexity per epoch", name + "-perplexity.png");

        md.heading(2, "Perplexity every " + page.predPeriod() + " epochs (mean over seeds)");
        Map<String, Map<Double, Summary>> trainByEpoch = Seeds.perEpoch(csv, "perplexity");
        Map<String, Map<Double, Summary>> heldByEpoch = Seeds.perEpoch(csv, "heldout_perplexity");
        List<String> header = new ArrayList<>(List.of("epoch"));
        for (String base : trainByEpoch.keySet()) {
            header.add(base + " training");
            header.add(base + " held-out");
        }
        List<List<String>> prows = new ArrayList<>();
        for (int e = page.predPeriod(); e <= page.epochs(); e += page.predPeriod()) {
            List<String> row = new ArrayList<>(List.of(String.valueOf(e)));
            boolean any = false;
            for (String base : trainByEpoch.keySet()) {
                Summary tr = trainByEpoch.get(base).get((double) e);
                Summary ho = heldByEpoch.getOrDefault(base, Map.of()).get((double) e);
                row.add(tr == null ? "" : Markdown.f(tr.mean(), 3) + (tr.n() > 1 ? " (" + tr.n() + ")" : ""));
                row.add(ho == null ? "" : Markdown.f(ho.mean(), 1));
                any |= tr != null;
            }
            if (any) {
                prows.add(row);
            }
        }
        md.table(header, prows);

        md.heading(2, "Generated text");
        md.para("Greedy (argmax) continuation of each prefix after the prefix's warm-up, " + page.predLen()
                + " characters, as the tutorial's `predict`" + (page.temperature() > 0
                        ? "; here sampled at temperature " + page.temperature() : "")
                + ", printed every " + page.predPeriod() + " epochs; the first seed's runs.");
        for (JobResult r : results) {
            if (Seeds.seed(r.setting()).orElse(-1).intValue() != page.firstSeed()) {
                continue;
            }
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, List<String>> t : r.texts().entrySet()) {
                String epoch = t.getKey().substring("epoch ".length());
                sb.append(t.getKey()).append(", perplexity ")
                        .append(Markdown.f(r.rows().get(r.setting(), epoch, "perplexity").orElse(Double.NaN), 6)).append('\n');
                t.getValue().forEach(x -> sb.append(" - ").append(x).append('\n'));
            }
            md.heading(3, r.setting());
            md.code(sb.toString().stripTrailing());
        }
        AtomicFiles.write(dir.resolve(name + ".md"), md.text());

        drawPerplexity(dir.resolve(name + ".csv"), dir.resolve(name + "-perplexity.png"), name);
    }

    /** The metrics each setting is summarised by over its seeds. */
    private static final List<String> SUMMARISED = List.of("perplexity", "heldout_perplexity");

    /** mean [low, high] (min-max) of perplexities, averaged in log space; one seed: its value. */
    private static String perplexities(Map<Integer, Double> bySeed, int decimals) {
        Summary s = Summary.ofPerplexities(bySeed.values().stream().mapToDouble(Double::doubleValue).toArray());
        int d = s.mean() < 1.01 ? 5 : s.mean() < 1.5 ? Math.max(decimals, 4) : decimals;
        if (s.n() == 1) {
            return Markdown.f(s.mean(), d);
        }
        return Markdown.f(s.mean(), d) + " [" + Markdown.f(s.ci95Low(), d) + ", " + Markdown.f(s.ci95High(), d) + "] ("
                + Markdown.f(s.min(), d) + "-" + Markdown.f(s.max(), d) + ")";
    }

    /** The perplexity plot, from the CSV alone (so {@code -Dexp=scoreboard} can redraw it): training and held-out. */
    public static void drawPerplexity(Path csv, Path png, String name) {
        PerplexityPlot.draw(csv, png, name + ": perplexity per epoch", List.of(
                new PerplexityPlot.Line("perplexity", "training", false),
                new PerplexityPlot.Line("heldout_perplexity", "held-out", true)), true, List.of());
    }
}
