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
import rnnlab.checkpoints.Checkpoint;
import rnnlab.model.Layers;
import rnnlab.models.SavedModel;
import rnnlab.io.AtomicFiles;
import rnnlab.report.Markdown;
import rnnlab.report.PerplexityPlot;
import rnnlab.report.ResultsCsv;
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
                c.integer("pred_len", 0, 100_000), c.strings("prefixes"), c.integers("seeds", 0, Integer.MAX_VALUE),
                c.real("temperature", 0, 100), Layers.of(c));
        if (common.heldOutPeriod() % common.predPeriod() != 0) {
            throw new UserError("Invalid value for 'heldout_period': " + common.heldOutPeriod()
                    + "; expected a multiple of pred_period (" + common.predPeriod() + ")");
        }
        Plan plan = plan(c, common);
        return run -> execute(common, plan, run);
    }

    /** One finished or running setting. */
    record Result(String setting, Sampling sampling, long seed, LmTrainer trainer) {
    }

    private void execute(Common p, Plan plan, Run run) {
        DataHub hub = DataHub.standard(run.datasetsDir());
        CharCorpus text = corpus == Corpus.TIME_MACHINE ? CharCorpus.timeMachine(hub.fetch(DataHub.TIME_MACHINE))
                : CharCorpus.jayChou(hub.fetch(DataHub.JAYCHOU_LYRICS), p.numTokens());
        int vocab = text.modelVocabSize();
        checkPrefixes(p.prefixes(), text, vocab);
        int[] train = text.head(p.numTokens());
        int[] heldOut = text.tail(p.numTokens());
        log.info("{}: {} training tokens, {} held out, vocabulary {}", name, train.length, heldOut.length, vocab);
        List<Result> results = new ArrayList<>();
        for (Sampling s : plan.samplings()) {
            for (int seed : p.seeds()) {
                String setting = "sampling=" + s.name() + (p.seeds().size() > 1 ? ";seed=" + seed : "");
                LanguageModel model = plan.model().build(vocab, seed);
                CharLmIterator it = new CharLmIterator(train, vocab, p.batchSize(), p.steps(), s.batches(), flavour(),
                        seed);
                LmTrainer trainer = new LmTrainer();
                Result r = new Result(setting, s, seed, trainer);
                results.add(r);
                java.nio.file.Path ckpt = Checkpoint.file(run, setting);
                String key = Checkpoint.key(run, setting);
                if (!Checkpoint.fresh()) {
                    byte[] saved = Checkpoint.read(ckpt, key, msg -> log.info("{} {}: {}", name, setting, msg)).orElse(null);
                    if (saved != null) {
                        try {
                            int done = trainer.readCheckpoint(saved, model, it);
                            log.info("{} {}: {}", name, setting, done >= p.epochs() ? "finished earlier (" + ckpt + "); skipped"
                                    : "resuming after epoch " + done + " of " + p.epochs() + " from " + ckpt);
                        } catch (java.io.IOException | RuntimeException e) {
                            log.info("{} {}: checkpoint {} cannot be restored ({}); starting over", name, setting, ckpt, e.getMessage());
                            trainer = new LmTrainer();
                            model = plan.model().build(vocab, seed);
                            it = new CharLmIterator(train, vocab, p.batchSize(), p.steps(), s.batches(), flavour(), seed);
                            results.set(results.size() - 1, r = new Result(setting, s, seed, trainer));
                        }
                    }
                }
                if (trainer.epochsDone() >= p.epochs()) {
                    report(p, run, results, heldOut.length);
                    save(run, setting, model, text, p); // the checkpoint holds the trained model
                    continue;
                }
                log.info("====> {} {} ({} parameters, {} batches per epoch)", name, setting, model.numParams(),
                        it.batchesPerEpoch());
                LmTrainer.Spec spec = new LmTrainer.Spec(p.epochs(), p.predPeriod(), p.heldOutPeriod(), p.predLen(), p.prefixes(),
                        s.reset(), p.temperature(), seed);
                LanguageModel trained = model;
                trainer.train(model, it, text, heldOut, spec, name + " " + setting,
                        t -> report(p, run, results, heldOut.length), t -> Checkpoint.write(ckpt, key, t.checkpoint(trained)));
                save(run, setting, model, text, p);
            }
        }
    }

    /** The trained model, with its vocabulary and settings, for -Dexp=Generate and -Dexp=Evaluate. */
    private void save(Run run, String setting, LanguageModel model, CharCorpus text, Common p) {
        org.deeplearning4j.nn.multilayer.MultiLayerNetwork net = model instanceof ScratchRnn s ? s.toNetwork(p.steps())
                : ((rnnlab.lm.NetLanguageModel) model).net();
        Map<String, String> info = new LinkedHashMap<>(run.config().values());
        info.put("experiment", name);
        info.put("setting", setting);
        info.put("profile", run.config().profile());
        info.put("text", (corpus == Corpus.TIME_MACHINE ? SavedModel.Text.TIME_MACHINE : SavedModel.Text.LYRICS).key());
        java.nio.file.Path file = SavedModel.file(run, setting);
        SavedModel.write(file, net, text.idxToToken().subList(0, text.modelVocabSize()), info);
        log.info("{} {}: model saved to {}", name, setting, file);
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

    private void report(Common p, Run run, List<Result> results, int heldOutLength) {
        ResultsCsv csv = new ResultsCsv();
        for (Result r : results) {
            LmTrainer t = r.trainer();
            for (int e = 0; e < t.perplexities.size(); e++) {
                csv.add(r.setting(), e + 1, "perplexity", t.perplexities.get(e));
            }
            for (LmTrainer.Check c : t.checks) {
                if (c.heldOut() != null) {
                    csv.add(r.setting(), c.epoch(), "heldout_perplexity", c.heldOut().perplexity());
                }
            }
            if (t.perplexities.size() == p.epochs()) {
                csv.addFinal(r.setting(), "perplexity", t.last().perplexity());
                if (t.last().heldOut() != null) {
                    csv.addFinal(r.setting(), "heldout_perplexity", t.last().heldOut().perplexity());
                }
                csv.addFinal(r.setting(), "tokens_per_second", t.tokensPerSecond());
                csv.addFinal(r.setting(), "train_seconds", t.trainSeconds());
            }
        }
        csv.write(run.out(name + ".csv"));

        Markdown md = new Markdown().heading(1, name);
        md.para("Reproduces `" + tutorialFile() + "` on Deeplearning4j. " + modelNote(run.config()));
        if (p.layers() == Layers.DL4J) {
            md.para(p.layers().note(true));
        }
        md.para(run.config().settingsSentence());
        md.heading(2, "Perplexity after training");
        List<List<String>> rows = new ArrayList<>();
        for (Result r : results) {
            LmTrainer t = r.trainer();
            if (t.checks.isEmpty()) {
                continue;
            }
            LmTrainer.Check c = t.last();
            boolean done = t.perplexities.size() == p.epochs();
            rows.add(List.of(r.setting(), c.epoch() + (done ? "" : " (running)"), Markdown.f(c.perplexity(), 3),
                    c.heldOut() == null ? "-" : Markdown.f(c.heldOut().perplexity(), 1),
                    tutorialFigure(r.sampling().name()), Markdown.f(t.tokensPerSecond(), 0),
                    Progress.clock(t.trainSeconds())));
        }
        md.table(List.of("setting", "epoch", "training perplexity", "held-out perplexity", "tutorial's perplexity",
                "tokens/s", "training time"), rows);
        md.para(tutorialNote());
        LmTrainer.HeldOut any = results.get(0).trainer().checks.isEmpty() ? null
                : results.get(0).trainer().last().heldOut();
        md.para("Held-out perplexity (beyond the tutorial) is measured on the " + heldOutLength + " characters after the first "
                + p.numTokens() + ", read in " + LmTrainer.HELD_OUT_ROWS + " rows of " + p.steps()
                + " steps with the state carried, from a zero state"
                + (any != null && any.skipped() > 0 ? "; the " + any.skipped() + " targets outside the training vocabulary "
                        + "(which the model cannot name) are left out, " + any.tokens() + " are counted" : "")
                + ". A training perplexity near 1 with a held-out one far above it is memorisation of the 10,000 "
                + "training characters, not a model of the language. Tokens/s counts training steps only (as the "
                + "tutorial's speed), on one thread.");
        md.image("perplexity per epoch", name + "-perplexity.png");

        md.heading(2, "Perplexity every " + p.predPeriod() + " epochs");
        List<String> header = new ArrayList<>(List.of("epoch"));
        for (Result r : results) {
            header.add(r.setting() + " training");
            header.add(r.setting() + " held-out");
        }
        List<List<String>> prows = new ArrayList<>();
        Map<Integer, List<String>> byEpoch = new LinkedHashMap<>();
        for (int ri = 0; ri < results.size(); ri++) {
            for (LmTrainer.Check c : results.get(ri).trainer().checks) {
                List<String> row = byEpoch.computeIfAbsent(c.epoch(), e -> {
                    List<String> fresh = new ArrayList<>();
                    fresh.add(String.valueOf(e));
                    for (int k = 0; k < 2 * results.size(); k++) {
                        fresh.add("");
                    }
                    return fresh;
                });
                row.set(1 + 2 * ri, Markdown.f(c.perplexity(), 3));
                row.set(2 + 2 * ri, c.heldOut() == null ? "" : Markdown.f(c.heldOut().perplexity(), 1));
            }
        }
        byEpoch.keySet().stream().sorted().forEach(e -> prows.add(byEpoch.get(e)));
        md.table(header, prows);

        md.heading(2, "Generated text");
        md.para("Greedy (argmax) continuation of each prefix after the prefix's warm-up, " + p.predLen()
                + " characters, as the tutorial's `predict`" + (p.temperature() > 0
                        ? "; here sampled at temperature " + p.temperature() : "")
                + ", printed every " + p.predPeriod() + " epochs.");
        for (Result r : results) {
            StringBuilder sb = new StringBuilder();
            for (LmTrainer.Check c : r.trainer().checks) {
                sb.append("epoch ").append(c.epoch()).append(", perplexity ").append(Markdown.f(c.perplexity(), 6))
                        .append('\n');
                c.texts().values().forEach(t -> sb.append(" - ").append(t).append('\n'));
            }
            md.heading(3, r.setting());
            md.code(sb.toString().stripTrailing());
        }
        AtomicFiles.write(run.out(name + ".md"), md.text());

        drawPerplexity(run.out(name + ".csv"), run.out(name + "-perplexity.png"), name);
    }

    /** The perplexity plot, from the CSV alone (so {@code -Dexp=scoreboard} can redraw it): training and held-out. */
    static void drawPerplexity(java.nio.file.Path csv, java.nio.file.Path png, String name) {
        PerplexityPlot.draw(csv, png, name + ": perplexity per epoch", List.of(
                new PerplexityPlot.Line("perplexity", "training", false, false),
                new PerplexityPlot.Line("heldout_perplexity", "held-out", true, true)), true, List.of());
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
