package rnnlab.experiments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.shade.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import rnnlab.core.Config;
import rnnlab.core.Experiment;
import rnnlab.core.Run;
import rnnlab.core.UserCorpus;
import rnnlab.core.Options;
import rnnlab.core.UserError;
import rnnlab.data.CharCorpus;
import rnnlab.data.CharLmIterator;
import rnnlab.data.DataHub;
import rnnlab.lm.LanguageModel;
import rnnlab.lm.ScratchRnn;
import rnnlab.model.Layers;
import rnnlab.model.TorchStart;
import rnnlab.saved.SavedModel;
import rnnlab.report.CharLmPages;
import rnnlab.core.ResultsCsv;
import rnnlab.core.JobResult;
import rnnlab.jobs.JobRun;
import rnnlab.stats.Comparison;
import rnnlab.stats.Seeds;
import rnnlab.train.LmTrainer;
import rnnlab.train.LmTrainer.StateReset;

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

    /**
     * What a subclass adds: its sampling modes and its model, and where the tutorial's PyTorch parameters go in that
     * model's network ({@code start=tutorial}; null: it has no such start).
     */
    record Plan(List<Sampling> samplings, ModelFactory model, Map<String, TorchStart.Slot> torchStart) {
        Plan(List<Sampling> samplings, ModelFactory model) {
            this(samplings, model, null);
        }
    }

    private final String name;
    private final Corpus corpus;

    CharLmExperiment(Corpus corpus) {
        this.name = getClass().getSimpleName(); // the experiment's name is its class's (Experiments.create)
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
    public boolean readsCorpus() {
        return true;
    }

    /** A user's own text ({@code -Dcorpus}), read and checked before anything runs, with what the page says of it. */
    private record Own(UserCorpus source, CharCorpus text, int trainLength, String sha1) {
        String sentence(List<String> prefixes) {
            int total = text.ids().length;
            return "**Trained on a text of your own**, not the tutorial's corpus: `" + source.file() + "` (" + total
                    + " characters, SHA-1 " + sha1.substring(0, 12) + "..., -Dcorpus), its vocabulary its own "
                    + text.modelVocabSize() + " characters; the first " + trainLength + " characters train and the last "
                    + (total - trainLength) + " (`heldout_share=" + source.heldOutShare() + "`) are held out "
                    + "(`num_tokens` does not apply). Prefixes: " + String.join(", ", prefixes.stream().map(x -> "'" + x + "'")
                            .toList()) + ".";
        }
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
        UserCorpus source = UserCorpus.given();
        if (source != null && Options.MIN_COUNT.given() != null) {
            throw new UserError("-Dmin_count applies to the word models (the Ptb* experiments); " + name
                    + "'s vocabulary is every character of its training text");
        }
        Own own = null;
        if (source != null) {
            CharCorpus text = CharCorpus.userText(source.file(), source.heldOutShare());
            int trainLength = CharCorpus.trainLength(text.ids().length, source.heldOutShare());
            int needed = common.batchSize() * (common.steps() + 1) + common.steps() + 1;
            if (trainLength < needed) {
                throw new UserError("Invalid value for 'corpus': " + source.file() + " is too short: its " + trainLength
                        + " training characters make no batch of batch_size " + common.batchSize() + " x num_steps "
                        + common.steps() + ", which needs at least " + needed + " (give a longer text, or lower "
                        + "-Dbatch_size or -Dnum_steps)");
            }
            if (!c.overrides().containsKey("prefixes")) { // the tutorial's prefixes are of its corpus: the text's own start
                String start = text.text(text.head(Math.min(12, trainLength))).strip();
                int space = start.lastIndexOf(' ');
                start = space > 0 ? start.substring(0, space).strip() : start; // whole words where it has spaces
                common = new Common(common.numTokens(), common.batchSize(), common.steps(), common.hidden(), common.lr(),
                        common.epochs(), common.predPeriod(), common.heldOutPeriod(), common.predLen(), List.of(start),
                        common.seeds(), common.temperature(), common.layers());
            }
            checkPrefixes(common.prefixes(), text, text.modelVocabSize());
            own = new Own(source, text, trainLength, source.sha1());
        }
        boolean tutorialStart = c.has("start") && c.choice("start", "own", "tutorial").equals("tutorial");
        if (tutorialStart && (plan.torchStart() == null || own != null || common.layers() != Layers.PROJECT)) {
            throw new UserError("start=tutorial loads the tutorial's own start, which exists for its model on its corpus: "
                    + (plan.torchStart() == null ? name + " has none" : own != null ? "drop -Dcorpus"
                            : "it needs layers=project"));
        }
        Common p = common;
        Own o = own;
        List<String> jobs = new ArrayList<>();
        for (Sampling s : plan.samplings()) {
            for (int seed : common.seeds()) {
                jobs.add(Seeds.setting("sampling=" + s.name(), seed));
            }
        }
        return Configured.of(jobs, run -> execute(p, plan, run, o, tutorialStart, jobs), run -> {
            if (tutorialStart) {
                TorchStart.requireAll(run.projectDir(), name, p.seeds());
                if (handsOverBatchOrder(plan)) {
                    TorchStart.requireBatchOrder(run.projectDir(), name, p.seeds(), p.epochs());
                }
            }
        });
    }

    /**
     * The seed's model: the subclass's, its parameters the tutorial's {@code start} of the seed with
     * {@code start=tutorial} (null: its own).
     */
    private LanguageModel model(Plan plan, int vocab, int seed, JsonNode start, String what) {
        LanguageModel model = plan.model().build(vocab, seed);
        if (start != null) {
            if (model instanceof ScratchRnn scratch) {
                TorchStart.load(scratch::param, plan.torchStart(), start, what);
            } else {
                TorchStart.load(((rnnlab.lm.NetLanguageModel) model).net(), plan.torchStart(), start, what);
            }
        }
        return model;
    }

    /**
     * Whether the tutorial's start orders this sampling's batches: where its run draws the order (d2l v2's sequential
     * sampler: an offset an epoch; d2l-zh v1's draws none).
     */
    private boolean handsOverBatchOrder(Sampling s) {
        return s.batches() == CharLmIterator.Sampling.SEQUENTIAL && flavour() == CharLmIterator.Flavour.D2L_V2;
    }

    private boolean handsOverBatchOrder(Plan plan) {
        return plan.samplings().stream().anyMatch(this::handsOverBatchOrder);
    }

    /** The seed's batches; from the tutorial's {@code start} (not null), in the order its run drew them, if it drew one. */
    private CharLmIterator batches(Common p, int[] train, int vocab, Sampling s, int seed, JsonNode start, String what) {
        int[] offsets = start != null && handsOverBatchOrder(s) ? TorchStart.batchOffsets(start, p.epochs(), p.steps(), what)
                : null;
        return new CharLmIterator(train, vocab, p.batchSize(), p.steps(), s.batches(), flavour(), seed, offsets);
    }

    private void execute(Common p, Plan plan, Run run, Own own, boolean tutorialStart, List<String> settings)
            throws java.io.IOException {
        // data: the corpus, its first num_tokens characters for training and the rest held out (a user's text: its
        // last heldout_share held out)
        CharCorpus text;
        int trainLength = p.numTokens();
        if (own != null) {
            text = own.text();
            trainLength = own.trainLength();
        } else {
            DataHub hub = DataHub.standard(run.datasetsDir());
            text = corpus == Corpus.TIME_MACHINE ? CharCorpus.timeMachine(hub.fetch(DataHub.TIME_MACHINE))
                    : CharCorpus.jayChou(hub.fetch(DataHub.JAYCHOU_LYRICS), p.numTokens());
        }
        int vocab = text.modelVocabSize();
        checkPrefixes(p.prefixes(), text, vocab);
        int[] train = text.head(trainLength);
        int[] heldOut = text.tail(trainLength);
        log.info("{}: {} training tokens, {} held out, vocabulary {}{}", name, train.length, heldOut.length, vocab,
                own == null ? "" : " (" + own.source().file() + ")");
        CharLmPages.Page page = page(p, plan, run, own, train.length, heldOut.length);
        JobRun jobs = new JobRun(run, run.scope(), settings, log, results -> CharLmPages.write(run.outDir(), page, results));
        for (Sampling s : plan.samplings()) {
            for (int seed : p.seeds()) {
                String setting = Seeds.setting("sampling=" + s.name(), seed);
                jobs.run(setting, () -> {
                    java.nio.file.Path file = TorchStart.file(run.projectDir(), name, seed);
                    JsonNode start = tutorialStart ? TorchStart.read(file) : null;
                    return new SamplingJob(p, run, own, setting, s, seed, model(plan, vocab, seed, start, file.toString()),
                            batches(p, train, vocab, s, seed, start, file.toString()), text, heldOut);
                });
            }
        }
        jobs.end();
    }

    /** What this experiment's page says besides its results (written by {@link CharLmPages}). */
    private CharLmPages.Page page(Common p, Plan plan, Run run, Own own, int trainLength, int heldOutLength) {
        Map<String, String> figures = new LinkedHashMap<>();
        for (Sampling s : plan.samplings()) {
            figures.put(s.name(), own == null ? tutorialFigure(s.name()) : ""); // the tutorial's figures: of its corpus
        }
        String settings = (own == null ? "" : own.sentence(p.prefixes()) + " ") + run.config().settingsSentence();
        return new CharLmPages.Page(name, tutorialFile(), modelNote(run.config()),
                p.layers() == Layers.DL4J ? p.layers().note(true) : null, settings,
                own == null ? tutorialNote() : "The tutorial's figures are of its own corpus: a text of your own has none "
                        + "to compare with.",
                figures, run.projectDir(), own == null && Comparison.tutorialSettings(run.config()), trainLength,
                heldOutLength,
                LmTrainer.HELD_OUT_ROWS, p.steps(), p.epochs(), p.predPeriod(), p.predLen(), p.temperature(),
                p.seeds().get(0));
    }

    /** One sampling mode and seed: its model and batches (built by the caller, in that order), its training. */
    private final class SamplingJob implements JobRun.Job {
        private final Common p;
        private final Run run;
        private final Own own;
        private final String setting;
        private final CharCorpus text;
        private final int batches;
        private final LmTrainer trainer;

        SamplingJob(Common p, Run run, Own own, String setting, Sampling s, int seed, LanguageModel model, CharLmIterator it,
                CharCorpus text, int[] heldOut) {
            this.p = p;
            this.run = run;
            this.own = own;
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
            info.put("text", (own != null ? SavedModel.Text.CHARS
                    : corpus == Corpus.TIME_MACHINE ? SavedModel.Text.TIME_MACHINE : SavedModel.Text.LYRICS).key());
            if (own != null) {
                info.put("corpus", own.source().file().toString());
                info.put("corpus_sha1", own.sha1());
                info.put("heldout_share", Double.toString(own.source().heldOutShare()));
                info.put("prefixes", String.join(",", p.prefixes()));
            }
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
            csv.addFinal(setting, "vocabulary", t.model().vocab()); // the plots' uniform-guess line
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
