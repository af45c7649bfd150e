package rnnlab.experiments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import rnnlab.core.Config;
import rnnlab.core.Experiment;
import rnnlab.core.Run;
import rnnlab.core.UserError;
import rnnlab.data.CharCorpus;
import rnnlab.data.CharLmIterator;
import rnnlab.data.DataHub;
import rnnlab.lm.LanguageModel;
import rnnlab.lm.ScratchRnn;
import rnnlab.model.Layers;
import rnnlab.saved.SavedModel;
import rnnlab.core.AtomicFiles;
import rnnlab.core.Markdown;
import rnnlab.report.PerplexityPlot;
import rnnlab.core.ResultsCsv;
import rnnlab.core.JobResult;
import rnnlab.jobs.JobRun;
import rnnlab.stats.Comparison;
import rnnlab.stats.Seeds;
import rnnlab.stats.Summary;
import rnnlab.train.LmTrainer;
import rnnlab.train.LmTrainer.StateReset;
import rnnlab.train.Progress;

/**
 * The character language-model experiments' shared flow: load the corpus (the first {@code num_tokens}
 * characters for training, the rest held out), then for each sampling mode and seed build the model,
 * train it with {@link LmTrainer} and rewrite {@code NAME.csv}, {@code NAME.md} and
 * {@code NAME-perplexity.png} at every prediction epoch. A subclass names its corpus and model.
 */
abstract class CharLmExperiment implements Experiment {
    private static final Logger log = LoggerFactory.getLogger(CharLmExperiment.class);

    enum Corpus {
        TIME_MACHINE, JAY_CHOU
    }

    /** The keys every character LM experiment has. */
    record Common(int numTokens, int batchSize, int steps, int hidden, double lr, int epochs, int predPeriod,
            int heldOutPeriod, int predLen, List<String> prefixes, List<Integer> seeds, double temperature, Layers layers) {
    }

    /** How one sampling mode is run. */
    record Sampling(String name, CharLmIterator.Sampling batches, StateReset reset) {
    }

    /** A subclass's model, built per run. */
    interface ModelFactory {
        LanguageModel build(int vocab, long seed);
    }

    /** What a subclass adds: its sampling modes and its model. */
    record Plan(List<Sampling> samplings, ModelFactory model) {
    }

    private final String name;
    private final Corpus corpus;

    CharLmExperiment(String name, Corpus corpus) {
        this.name = name;
        this.corpus = corpus;
    }

    /** Reads the subclass's own keys. */
    abstract Plan plan(Config c, Common common);

    /** What model this is, for the results page. */
    abstract String modelNote(Config c);

    /** The tutorial's printed figure for a sampling mode, or "" if it printed none. */
    abstract String tutorialFigure(String sampling);

    /** How our figures compare with the tutorial's, and why they differ. */
    abstract String tutorialNote();

    String tutorialFile() {
        return corpus == Corpus.TIME_MACHINE ? "d2l-v2-rnn-from-scratch-time-machine.txt"
                : "d2l-zh-v1-rnn-gru-lstm-deep-bi-jaychou-lyrics.txt";
    }

    CharLmIterator.Flavour flavour() {
        return corpus == Corpus.TIME_MACHINE ? CharLmIterator.Flavour.D2L_V2 : CharLmIterator.Flavour.D2L_ZH_V1;
    }

    @Override
    public Configured configure(Config c) {
        Common common = new Common(c.integer("num_tokens", 100, 100_000_000), c.integer("batch_size", 1, 100_000),
                c.integer("num_steps", 1, 100_000), c.integer("hidden_size", 1, 8192), c.real("lr", 1e-12, 1e6),
                c.integer("epochs", 1, 1_000_000), c.integer("pred_period", 1, 1_000_000),
                c.integer("heldout_period", 1, 1_000_000),
                c.integer("pred_len", 0, 100_000), c.strings("prefixes"), c.seeds("seeds"),
                c.real("temperature", 0, 100), Layers.of(c));
        if (common.heldOutPeriod() % common.predPeriod() != 0) {
            throw new UserError("Invalid value for 'heldout_period': " + common.heldOutPeriod()
                    + "; expected a multiple of pred_period (" + common.predPeriod() + ")");
        }
        Plan plan = plan(c, common);
        List<String> jobs = new ArrayList<>();
        for (Sampling s : plan.samplings()) {
            for (int seed : common.seeds()) {
                jobs.add(Seeds.setting("sampling=" + s.name(), seed));
            }
        }
        return Configured.of(jobs, run -> execute(common, plan, run));
    }

    private void execute(Common p, Plan plan, Run run) throws java.io.IOException {
        // data: the corpus, its first num_tokens characters for training and the rest held out
        DataHub hub = DataHub.standard(run.datasetsDir());
        CharCorpus text = corpus == Corpus.TIME_MACHINE ? CharCorpus.timeMachine(hub.fetch(DataHub.TIME_MACHINE))
                : CharCorpus.jayChou(hub.fetch(DataHub.JAYCHOU_LYRICS), p.numTokens());
        int vocab = text.modelVocabSize();
        checkPrefixes(p.prefixes(), text, vocab);
        int[] train = text.head(p.numTokens());
        int[] heldOut = text.tail(p.numTokens());
        log.info("{}: {} training tokens, {} held out, vocabulary {}", name, train.length, heldOut.length, vocab);
        JobRun jobs = new JobRun(run, run.scope(), log, results -> report(p, run, results, heldOut.length));
        for (Sampling s : plan.samplings()) {
            for (int seed : p.seeds()) {
                String setting = Seeds.setting("sampling=" + s.name(), seed);
                jobs.run(setting, () -> new SamplingJob(p, run, setting, s, seed, plan.model().build(vocab, seed),
                        new CharLmIterator(train, vocab, p.batchSize(), p.steps(), s.batches(), flavour(), seed), text,
                        heldOut));
            }
        }
        jobs.end();
    }

    /** One sampling mode and seed: its model and batches (built by the caller, in that order), its training. */
    private final class SamplingJob implements JobRun.Job {
        private final Common p;
        private final Run run;
        private final String setting;
        private final CharCorpus text;
        private final int batches;
        private final LmTrainer trainer;

        SamplingJob(Common p, Run run, String setting, Sampling s, int seed, LanguageModel model, CharLmIterator it,
                CharCorpus text, int[] heldOut) {
            this.p = p;
            this.run = run;
            this.setting = setting;
            this.text = text;
            this.batches = it.batchesPerEpoch();
            this.trainer = new LmTrainer(model, it, text, heldOut, new LmTrainer.Spec(p.epochs(), p.predPeriod(),
                    p.heldOutPeriod(), p.predLen(), p.prefixes(), s.reset(), p.temperature(), seed), name + " " + setting);
        }

        @Override
        public LmTrainer training() {
            return trainer;
        }

        @Override
        public String banner() {
            return name + " " + setting + " (" + trainer.model().numParams() + " parameters, " + batches
                    + " batches per epoch)";
        }

        @Override
        public JobResult progress() {
            return result(setting, trainer, p);
        }

        /** The trained model, with its vocabulary and settings, for -Dexp=Generate and -Dexp=Evaluate. */
        @Override
        public void save() {
            LanguageModel model = trainer.model();
            org.deeplearning4j.nn.multilayer.MultiLayerNetwork net = model instanceof ScratchRnn s
                    ? s.toNetwork(p.steps()) : ((rnnlab.lm.NetLanguageModel) model).net();
            Map<String, String> info = new LinkedHashMap<>(run.config().values());
            info.put("experiment", name);
            info.put("setting", setting);
            info.put("profile", run.config().profile());
            info.put("text", (corpus == Corpus.TIME_MACHINE ? SavedModel.Text.TIME_MACHINE : SavedModel.Text.LYRICS).key());
            java.nio.file.Path file = SavedModel.file(run, setting);
            SavedModel.write(file, net, text.idxToToken().subList(0, text.modelVocabSize()), info);
            log.info("{} {}: model saved to {}", name, setting, file);
        }
    }

    /**
     * One setting and seed's rows: training perplexity per epoch, held-out perplexity at each check, and once
     * finished its final figures; the generated texts of each check by epoch.
     */
    private static JobResult result(String setting, LmTrainer t, Common p) {
        ResultsCsv csv = new ResultsCsv();
        for (int e = 0; e < t.perplexities.size(); e++) {
            csv.add(setting, e + 1, "perplexity", t.perplexities.get(e));
        }
        Map<String, List<String>> texts = new LinkedHashMap<>();
        for (LmTrainer.Check c : t.checks) {
            if (c.heldOut() != null) {
                csv.add(setting, c.epoch(), "heldout_perplexity", c.heldOut().perplexity());
            }
            texts.put("epoch " + c.epoch(), new ArrayList<>(c.texts().values()));
        }
        boolean finished = t.perplexities.size() == p.epochs();
        if (finished) {
            csv.addFinal(setting, "perplexity", t.last().perplexity());
            if (t.last().heldOut() != null) {
                csv.addFinal(setting, "heldout_perplexity", t.last().heldOut().perplexity());
                csv.addFinal(setting, "heldout_tokens", t.last().heldOut().tokens());
                csv.addFinal(setting, "heldout_skipped", t.last().heldOut().skipped());
            }
            csv.addFinal(setting, "tokens_per_second", t.tokensPerSecond());
            csv.addFinal(setting, "train_seconds", t.trainSeconds());
        }
        return new JobResult(setting, csv, texts, finished);
    }

    private static void checkPrefixes(List<String> prefixes, CharCorpus text, int vocab) {
        for (String prefix : prefixes) {
            prefix.codePoints().forEach(cp -> {
                String ch = new String(Character.toChars(cp));
                int id = text.id(ch);
                if (id < 0 || id >= vocab || !text.token(id).equals(ch)) {
                    throw new UserError("Invalid value for 'prefixes': '" + ch + "' in '" + prefix
                            + "' is not in the model's vocabulary; use characters of the training text");
                }
            });
        }
    }

    private void report(Common p, Run run, List<JobResult> results, int heldOutLength) {
        ResultsCsv csv = JobResult.concat(results);
        Seeds.addSummaries(csv, SUMMARISED);
        csv.write(run.out(name + ".csv"));

        Markdown md = new Markdown().heading(1, name);
        md.para("Reproduces `" + tutorialFile() + "` on Deeplearning4j. " + modelNote(run.config()));
        if (p.layers() == Layers.DL4J) {
            md.para(p.layers().note(true));
        }
        md.para(run.config().settingsSentence());
        md.heading(2, "Perplexity after training, over seeds");
        List<List<String>> summaryRows = new ArrayList<>();
        Map<String, Map<Integer, Double>> train = Seeds.values(csv, "final", "perplexity");
        Map<String, Map<Integer, Double>> held = Seeds.values(csv, "final", "heldout_perplexity");
        for (String base : train.keySet()) {
            Map<Integer, Double> tv = train.get(base);
            Map<Integer, Double> hv = held.getOrDefault(base, Map.of());
            summaryRows.add(List.of(base, String.valueOf(tv.size()), perplexities(tv, 3), hv.isEmpty() ? "-" : perplexities(hv, 1),
                    tutorialFigure(base.substring("sampling=".length()))));
        }
        md.table(List.of("setting", "seeds", "training perplexity: mean [95% interval] (min-max)",
                "held-out perplexity: mean [95% interval] (min-max)", "tutorial's perplexity"), summaryRows);
        md.para("Over seeds (`seeds`, e.g. `-Dseeds=0..4`; the seed moves the initial weights and every random draw of "
                + "the run, the sampler's included), perplexities are averaged as mean losses: the mean is exp of the "
                + "mean log perplexity, and so are the ends of its 95% interval (Student's t); the CSV's `perplexity_sd` is "
                + "the sd of the log perplexity. Runs still training are left out of this table.");
        md.para(tutorialNote());
        Comparison.section(md, name, csv, run.projectDir(), Comparison.tutorialSettings(run.config()));
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
                    r.finished() ? Progress.clock(r.last("train_seconds")) : "-"));
            if (r.finished() && !Double.isNaN(r.last("heldout_tokens"))) {
                skipped = r.last("heldout_skipped");
                counted = r.last("heldout_tokens");
            }
        }
        md.table(List.of("setting", "epoch", "training perplexity", "held-out perplexity", "tokens/s", "training time"),
                rows);
        md.para("Held-out perplexity (beyond the tutorial) is measured on the " + heldOutLength + " characters after the first "
                + p.numTokens() + ", read in " + LmTrainer.HELD_OUT_ROWS + " rows of " + p.steps()
                + " steps with the state carried, from a zero state"
                + (skipped > 0 ? "; the " + (long) skipped + " targets outside the training vocabulary "
                        + "(which the model cannot name) are left out, " + (long) counted + " are counted" : "")
                + ". A training perplexity near 1 with a held-out one far above it is memorisation of the 10,000 "
                + "training characters, not a model of the language. Tokens/s counts training steps only (as the "
                + "tutorial's speed), on one thread.");
        md.image("perplexity per epoch", name + "-perplexity.png");

        md.heading(2, "Perplexity every " + p.predPeriod() + " epochs (mean over seeds)");
        Map<String, Map<Double, Summary>> trainByEpoch = Seeds.perEpoch(csv, "perplexity");
        Map<String, Map<Double, Summary>> heldByEpoch = Seeds.perEpoch(csv, "heldout_perplexity");
        List<String> header = new ArrayList<>(List.of("epoch"));
        for (String base : trainByEpoch.keySet()) {
            header.add(base + " training");
            header.add(base + " held-out");
        }
        List<List<String>> prows = new ArrayList<>();
        for (int e = p.predPeriod(); e <= p.epochs(); e += p.predPeriod()) {
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
        md.para("Greedy (argmax) continuation of each prefix after the prefix's warm-up, " + p.predLen()
                + " characters, as the tutorial's `predict`" + (p.temperature() > 0
                        ? "; here sampled at temperature " + p.temperature() : "")
                + ", printed every " + p.predPeriod() + " epochs; the first seed's runs.");
        for (JobResult r : results) {
            if (Seeds.seed(r.setting()).orElse(-1).intValue() != p.seeds().get(0)) {
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
        AtomicFiles.write(run.out(name + ".md"), md.text());

        drawPerplexity(run.out(name + ".csv"), run.out(name + "-perplexity.png"), name);
    }

    /** The metrics each setting is summarised by over its seeds. */
    static final List<String> SUMMARISED = List.of("perplexity", "heldout_perplexity");

    /** mean [low, high] (min-max) of perplexities, averaged in log space; one seed: its value. */
    static String perplexities(Map<Integer, Double> bySeed, int decimals) {
        Summary s = Summary.ofPerplexities(bySeed.values().stream().mapToDouble(Double::doubleValue).toArray());
        int d = s.mean() < 1.01 ? 5 : s.mean() < 1.5 ? Math.max(decimals, 4) : decimals;
        if (s.n() == 1) {
            return Markdown.f(s.mean(), d);
        }
        return Markdown.f(s.mean(), d) + " [" + Markdown.f(s.ci95Low(), d) + ", " + Markdown.f(s.ci95High(), d) + "] ("
                + Markdown.f(s.min(), d) + "-" + Markdown.f(s.max(), d) + ")";
    }

    /** The perplexity plot, from the CSV alone (so {@code -Dexp=scoreboard} can redraw it): training and held-out. */
    static void drawPerplexity(java.nio.file.Path csv, java.nio.file.Path png, String name) {
        PerplexityPlot.draw(csv, png, name + ": perplexity per epoch", List.of(
                new PerplexityPlot.Line("perplexity", "training", false),
                new PerplexityPlot.Line("heldout_perplexity", "held-out", true)), true, List.of());
    }

    /**
     * The from-scratch experiments' plan: {@link ScratchRnn} clipping at {@code clipping_theta}, for each of
     * {@code samplings}; the random run draws its batches with {@code randomRunBatches}.
     */
    static Plan scratchPlan(Config c, Common p, CharLmIterator.Sampling randomRunBatches) {
        if (p.layers() == Layers.DL4J) {
            throw Layers.unsupported(c.experiment(), "its network is written from scratch in explicit ND4J, with no "
                    + "layers to swap");
        }
        double theta = c.real("clipping_theta", 1e-12, 1e12);
        List<Sampling> samplings = new ArrayList<>();
        for (String s : c.choices("samplings", "random", "sequential")) {
            samplings.add(s.equals("random") ? new Sampling("random", randomRunBatches, StateReset.EVERY_BATCH)
                    : new Sampling("sequential", CharLmIterator.Sampling.SEQUENTIAL, StateReset.EVERY_EPOCH));
        }
        return new Plan(samplings, (vocab, seed) -> new ScratchRnn(vocab, p.hidden(), p.lr(), theta, seed));
    }
}
