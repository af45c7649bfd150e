package rnnlab.experiments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import rnnlab.core.RandomStreams;
import rnnlab.core.Config;
import rnnlab.core.Experiment;
import rnnlab.core.Run;
import rnnlab.core.UserError;
import rnnlab.core.UserCorpus;
import rnnlab.data.DataHub;
import rnnlab.data.WordCorpus;
import rnnlab.lm.NetLanguageModel;
import rnnlab.lm.WordRnnModel;
import rnnlab.model.Layers;
import rnnlab.saved.SavedModel;
import rnnlab.report.WordLmPages;
import rnnlab.core.ResultsCsv;
import rnnlab.core.JobResult;
import rnnlab.jobs.JobRun;
import rnnlab.stats.Comparison;
import rnnlab.stats.Seeds;
import rnnlab.model.GradientClipping;
import rnnlab.train.LmTrainer;
import rnnlab.train.WordLmTrainer;

/**
 * The Penn Treebank course's word-level language model ({@code embedding-rnn-lstm-ptb-word-lm.txt}):
 * each split's token stream laid out in 20 parallel columns, walked 35 rows at a time with the state
 * carried and detached, one SGD step per batch after the course's gradient normalisation (all gradients
 * rescaled together to norm 1, zeroed below 1e-4), the learning rate divided each epoch from a given
 * epoch on; after each epoch the perplexity on every split. {@link PtbWordRnn} and {@link PtbWordLstm}
 * differ in the recurrent layer and the schedule.
 */
abstract class PtbWordLm implements Experiment {
    private static final Logger log = LoggerFactory.getLogger(PtbWordLm.class);

    private final String name;
    private final WordRnnModel.Cell cell;
    /** The seeds' base setting, {@code model=...}. */
    private final String model;

    PtbWordLm(WordRnnModel.Cell cell) {
        this(cell, cell.name().toLowerCase(java.util.Locale.ROOT));
    }

    PtbWordLm(WordRnnModel.Cell cell, String model) {
        this.name = getClass().getSimpleName(); // the experiment's name is its class's (Experiments.create)
        this.cell = cell;
        this.model = model;
    }

    /** The course's printed test perplexities after each epoch. */
    abstract double[] printedTestPerplexity();

    abstract String modelNote();

    /** The page's first sentence: what this reproduces. */
    String source() {
        return "Reproduces `embedding-rnn-lstm-ptb-word-lm.txt` (the word-level Penn Treebank language model of the "
                + "course it comes from) on Deeplearning4j.";
    }

    /** Who printed the last epoch's test perplexity, for its own section of the page; null: none (the course). */
    WordLmPages.Published published() {
        return null;
    }

    /** Whose printed figures the page sets beside ours. */
    String printedBy() {
        return "course's";
    }

    record Params(int batchSize, int steps, int hidden, double lr, double lrDivisor, int divideFromEpoch, int epochs,
            double gradNorm, double minNorm, int maxTrainTokens, int maxEvalTokens, List<String> prefixes, int genLen, double temperature,
            int samples, List<Integer> seeds, Layers layers, Stack stack) {
    }

    /**
     * What Zaremba et al.'s models add to the course's (keys absent: the course's model): {@code num_layers} stacked
     * LSTMs, {@code dropout} on the non-recurrent connections, every parameter uniform in +-{@code init_scale} (0:
     * the course's initialisation); {@code gradient=clip}: the gradient of the loss summed over the unrolled steps
     * clipped to {@code grad_norm} (else the course's normalisation); the test split in {@code test_batch_size}
     * columns, scored after every epoch or ({@code test_every_epoch=false}) after the last alone.
     */
    record Stack(int numLayers, double dropout, double initScale, boolean clip, int testBatch, boolean testEveryEpoch) {
        static Stack of(Config c, int batchSize) {
            return new Stack(c.has("num_layers") ? c.integer("num_layers", 1, 16) : 1,
                    c.has("dropout") ? c.real("dropout", 0, 0.99) : 0,
                    c.has("init_scale") ? c.real("init_scale", 0, 10) : 0,
                    c.has("gradient") && c.choice("gradient", "normalize", "clip").equals("clip"),
                    c.has("test_batch_size") ? c.integer("test_batch_size", 1, 10_000) : batchSize,
                    !c.has("test_every_epoch") || c.bool("test_every_epoch"));
        }

        /** The course's model: one layer, its initialisation, no dropout. */
        boolean course() {
            return numLayers == 1 && dropout == 0 && initScale == 0;
        }
    }

    @Override
    public boolean readsCorpus() {
        return true;
    }

    /** A user's own text ({@code -Dcorpus}), read and checked before anything runs, with what the page says of it. */
    private record Own(UserCorpus source, WordCorpus corpus, int minCount, String sha1) {
        String sentence(List<String> prefixes) {
            int train = corpus.train().length;
            int valid = corpus.valid().length;
            int test = corpus.test().length;
            return "**Trained on a text of your own**, not the Penn Treebank: `" + source.file() + "` (" + (train + valid
                    + test) + " words with an `<eos>` after each line, SHA-1 " + sha1.substring(0, 12) + "..., -Dcorpus); "
                    + "the first " + train + " words train and the last " + (valid + test) + " (`heldout_share="
                    + source.heldOutShare() + "`) are held out, their first " + valid + " the validation split and the "
                    + "last " + test + " the test split. The vocabulary is the " + corpus.vocabSize() + " words seen at "
                    + "least " + minCount + " times in the training part (`min_count=" + minCount + "`), `<unk>` "
                    + "included for the rest. Prefixes: " + String.join(", ", prefixes.stream().map(x -> "'" + x + "'")
                            .toList()) + ".";
        }
    }

    @Override
    public Configured configure(Config c) {
        Params p = new Params(c.integer("batch_size", 1, 10_000), c.integer("num_steps", 1, 10_000),
                c.integer("hidden_size", 1, 8192), c.real("lr", 1e-12, 1e6), c.real("lr_divisor", 1, 1e6),
                c.integer("divide_from_epoch", 1, 1_000_000), c.integer("epochs", 1, 1_000_000),
                c.real("grad_norm", 1e-12, 1e12), c.real("grad_min_norm", 0, 1e12),
                c.integer("max_train_tokens", 0, Integer.MAX_VALUE), c.integer("max_eval_tokens", 0, Integer.MAX_VALUE),
                c.strings("gen_prefixes"),
                c.integer("gen_len", 0, 10_000), c.real("gen_temperature", 0, 100), c.integer("gen_samples", 0, 100),
                c.seeds("seeds"), Layers.of(c), null);
        p = new Params(p.batchSize(), p.steps(), p.hidden(), p.lr(), p.lrDivisor(), p.divideFromEpoch(), p.epochs(),
                p.gradNorm(), p.minNorm(), p.maxTrainTokens(), p.maxEvalTokens(), p.prefixes(), p.genLen(),
                p.temperature(), p.samples(), p.seeds(), p.layers(), Stack.of(c, p.batchSize()));
        if (!p.stack().course() && p.layers() == Layers.DL4J) {
            throw Layers.unsupported(name, "its stacked LSTM with seeded dropout is built on the project's layers");
        }
        UserCorpus source = UserCorpus.given();
        Own own = null;
        if (source != null) {
            int minCount = UserCorpus.minCount();
            WordCorpus corpus = WordCorpus.userText(source.file(), source.heldOutShare(), minCount);
            int needed = p.batchSize() * (p.steps() + 2);
            int[][] splits = {corpus.train(), corpus.valid(), corpus.test()};
            String[] names = {"training", "validation", "test"};
            for (int i = 0; i < 3; i++) {
                if (splits[i].length < needed) {
                    throw new UserError("Invalid value for 'corpus': " + source.file() + " is too short: its "
                            + splits[i].length + " " + names[i] + " words (with <eos>) make no batch of batch_size "
                            + p.batchSize() + " x num_steps " + p.steps() + ", which needs at least " + needed
                            + " (give a longer text" + (i == 0 ? "" : ", a larger -Dheldout_share") + ", or lower "
                            + "-Dbatch_size or -Dnum_steps)");
                }
            }
            if (!c.overrides().containsKey("gen_prefixes")) { // the course's prefixes are PTB's: the text's first words
                List<String> start = new ArrayList<>();
                for (int id : corpus.train()) {
                    String w = corpus.word(id);
                    if (w.equals(WordCorpus.EOS) || w.equals(WordCorpus.UNK) || start.size() == 2) {
                        break;
                    }
                    start.add(w);
                }
                p = new Params(p.batchSize(), p.steps(), p.hidden(), p.lr(), p.lrDivisor(), p.divideFromEpoch(),
                        p.epochs(), p.gradNorm(), p.minNorm(), p.maxTrainTokens(), p.maxEvalTokens(),
                        start.isEmpty() ? List.of(corpus.word(corpus.train()[0])) : List.of(String.join(" ", start)),
                        p.genLen(), p.temperature(), p.samples(), p.seeds(), p.layers(), p.stack());
            }
            prefixIds(p.prefixes(), corpus, source.file());
            own = new Own(source, corpus, minCount, source.sha1());
        }
        Params q = p;
        Own o = own;
        List<String> jobs = new ArrayList<>();
        for (int seed : p.seeds()) {
            jobs.add(setting(seed));
        }
        return Configured.of(jobs, run -> execute(q, run, o, jobs));
    }

    /** The prefixes as word ids; a word the vocabulary lacks is a UserError. */
    private static int[][] prefixIds(List<String> texts, WordCorpus corpus, java.nio.file.Path own) {
        int[][] prefixes = new int[texts.size()][];
        for (int i = 0; i < prefixes.length; i++) {
            String[] words = texts.get(i).trim().split("\\s+");
            prefixes[i] = new int[words.length];
            for (int k = 0; k < words.length; k++) {
                prefixes[i][k] = corpus.id(words[k]);
                if (prefixes[i][k] < 0) {
                    throw new UserError("Invalid value for 'gen_prefixes': '" + words[k] + "' is not in the "
                            + (own == null ? "Penn Treebank vocabulary; use lower-case words of ptb.train.txt"
                                    : "vocabulary of " + own + "; use words its training part has at least -Dmin_count times"));
                }
            }
        }
        return prefixes;
    }

    private void execute(Params p, Run run, Own own, List<String> settings) throws java.io.IOException {
        // data: the corpus (a user's text: its first words train, the held-out rest validates and tests), each split
        // laid out in batch_size columns; the prefixes of the generated text
        WordCorpus corpus = own != null ? own.corpus()
                : WordCorpus.ptb(DataHub.standard(run.datasetsDir()).fetch(DataHub.PTB));
        int[][] prefixes = prefixIds(p.prefixes(), corpus, own == null ? null : own.source().file());
        int[][] train = WordCorpus.columns(prefix(corpus.train(), p.maxTrainTokens()), p.batchSize());
        int[][] valid = WordCorpus.columns(prefix(corpus.valid(), p.maxEvalTokens()), p.batchSize());
        int[][] test = WordCorpus.columns(prefix(corpus.test(), p.maxEvalTokens()), p.stack().testBatch());
        if (WordCorpus.starts(valid.length, p.steps()).isEmpty() || WordCorpus.starts(test.length, p.steps()).isEmpty()) {
            throw new UserError("Invalid value for 'max_eval_tokens': " + p.maxEvalTokens() + " leaves no batch of "
                    + p.steps() + " steps in " + p.batchSize() + " columns");
        }
        List<Integer> starts = WordCorpus.starts(train.length, p.steps());
        if (starts.isEmpty()) {
            throw new UserError("Invalid value for 'max_train_tokens': " + p.maxTrainTokens() + " leaves no batch of "
                    + p.steps() + " steps in " + p.batchSize() + " columns");
        }
        log.info("{}: vocabulary {}, train {} x {} ({} batches of {} steps), valid {} rows, test {} rows{}", name,
                corpus.vocabSize(), train.length, p.batchSize(), starts.size(), p.steps(), valid.length, test.length,
                own == null ? "" : " (" + own.source().file() + ")");

        WordLmPages.Page page = page(p, run, train.length, own);
        JobRun jobs = new JobRun(run, run.scope(), settings, log, results -> WordLmPages.write(run.outDir(), page, results));
        for (int seed : p.seeds()) {
            jobs.run(setting(seed), () -> new SeedJob(p, run, own, corpus, train, valid, test, starts, prefixes, seed));
        }
        jobs.end();
    }

    /** What this experiment's page says besides its results (written by {@link WordLmPages}). */
    private WordLmPages.Page page(Params p, Run run, int trainRows, Own own) {
        List<Double> rates = new ArrayList<>();
        for (int e = 1; e <= p.epochs(); e++) {
            rates.add(learningRate(p, e));
        }
        return new WordLmPages.Page(source(), printedBy(), name, modelNote(), p.layers() == Layers.DL4J ? p.layers().note(true) : null,
                (own == null ? "" : own.sentence(p.prefixes()) + " The course's figures are of the Penn Treebank: "
                        + "a text of your own has none to compare with. ") + run.config().settingsSentence(),
                "model=" + model, p.epochs(),
                rates, own == null ? printedTestPerplexity() : new double[0], trainRows, p.batchSize(), p.maxTrainTokens(),
                p.maxEvalTokens(), p.temperature(), run.projectDir(), own == null && Comparison.tutorialSettings(run.config()),
                published());
    }

    /** One seed: the model, the course's training loop ({@link WordLmTrainer}), the model saved. */
    private final class SeedJob implements JobRun.Job {
        private final Params p;
        private final Run run;
        private final Own own;
        private final WordCorpus corpus;
        private final int seed;
        private final WordLmTrainer trainer;

        SeedJob(Params p, Run run, Own own, WordCorpus corpus, int[][] train, int[][] valid, int[][] test, List<Integer> starts,
                int[][] prefixes, int seed) {
            this.p = p;
            this.run = run;
            this.own = own;
            this.corpus = corpus;
            this.seed = seed;
            // model: the course's three layers, or Zaremba et al.'s stack; SGD after the course's gradient
            // normalisation or after clipping (the per-token mean loss's gradient times steps: the summed loss's)
            Stack z = p.stack();
            GradientClipping clipping = z.clip() ? GradientClipping.clipScaled(p.gradNorm(), p.steps())
                    : GradientClipping.normalize(p.gradNorm(), p.minNorm());
            NetLanguageModel model = new NetLanguageModel(z.course()
                    ? WordRnnModel.build(p.layers(), cell, corpus.vocabSize(), p.hidden(), p.lr(), p.steps(), seed)
                    : WordRnnModel.stacked(corpus.vocabSize(), p.hidden(), z.numLayers(), z.dropout(), z.initScale(),
                            p.lr(), p.steps(), seed),
                    corpus.vocabSize(), clipping);
            // training: the schedule; evaluation on the splits and generated text after each epoch
            trainer = new WordLmTrainer(model, train, valid, test, starts, p.steps(), p.epochs(),
                    epoch -> learningRate(p, epoch), m -> generate(m, corpus, prefixes, p, seed), name + " " + setting(seed),
                    z.testEveryEpoch());
        }

        @Override
        public WordLmTrainer training() {
            return trainer;
        }

        @Override
        public String banner() {
            return name + " " + setting(seed) + " (" + trainer.model().numParams() + " parameters)";
        }

        @Override
        public JobResult progress() {
            return result(p, seed, trainer);
        }

        /** The trained model, with its vocabulary and settings, for -Dexp=Generate and -Dexp=Evaluate. */
        @Override
        public void save() {
            Map<String, String> info = new LinkedHashMap<>(run.config().values());
            info.put("experiment", name);
            info.put("setting", setting(seed));
            info.put("profile", run.config().profile());
            info.put("text", (own == null ? SavedModel.Text.PTB : SavedModel.Text.WORDS).key());
            if (own != null) {
                info.put("corpus", own.source().file().toString());
                info.put("corpus_sha1", own.sha1());
                info.put("heldout_share", Double.toString(own.source().heldOutShare()));
                info.put("min_count", Integer.toString(own.minCount()));
                info.put("gen_prefixes", String.join(",", p.prefixes()));
            }
            java.nio.file.Path file = SavedModel.file(run, setting(seed));
            List<String> words = new ArrayList<>();
            for (int i = 0; i < corpus.vocabSize(); i++) {
                words.add(corpus.word(i));
            }
            SavedModel.write(file, trainer.model().net(), words, info);
            log.info("{} {}: model saved to {}", name, setting(seed), file);
        }
    }

    /** One seed's rows: every epoch's figures and, once finished, the last epoch's as final rows; its generated text. */
    private JobResult result(Params p, int seed, WordLmTrainer r) {
        ResultsCsv csv = new ResultsCsv();
        String setting = setting(seed);
        for (WordLmTrainer.Epoch e : r.epochFigures()) {
            csv.add(setting, e.epoch(), "lr", e.lr());
            csv.add(setting, e.epoch(), "perplexity", e.train());
            csv.add(setting, e.epoch(), "valid_perplexity", e.valid());
            if (!Double.isNaN(e.test())) {
                csv.add(setting, e.epoch(), "test_perplexity", e.test());
            }
            csv.add(setting, e.epoch(), "tokens_per_second", e.tokensPerSecond());
            csv.add(setting, e.epoch(), "elapsed_seconds", e.elapsed());
        }
        boolean finished = r.epochFigures().size() == p.epochs();
        if (finished) {
            WordLmTrainer.Epoch last = r.epochFigures().get(r.epochFigures().size() - 1);
            csv.addFinal(setting, "perplexity", last.train());
            csv.addFinal(setting, "valid_perplexity", last.valid());
            csv.addFinal(setting, "test_perplexity", last.test());
            csv.addFinal(setting, "heldout_perplexity", last.test());
            csv.addFinal(setting, "tokens_per_second", last.tokensPerSecond());
            csv.addFinal(setting, "train_seconds", r.trainSeconds());
            csv.addFinal(setting, "vocabulary", r.model().vocab()); // the plots' uniform-guess line
        }
        return new JobResult(setting, csv, Map.of("samples", r.samples()), finished);
    }

    /** A seed's setting: {@code model=rnn;seed=N} (rnn, lstm, small, medium). */
    private String setting(int seed) {
        return Seeds.setting("model=" + model, seed);
    }

    /** The first {@code max} tokens (all for 0). */
    static int[] prefix(int[] tokens, int max) {
        return max > 0 && max < tokens.length ? java.util.Arrays.copyOf(tokens, max) : tokens;
    }

    /** The course's schedule: lr, divided by the divisor at the start of each epoch from {@code divideFromEpoch} on. */
    static double learningRate(Params p, int epoch) {
        return p.lr() / Math.pow(p.lrDivisor(), Math.max(0, epoch - p.divideFromEpoch() + 1));
    }

    private static List<String> generate(NetLanguageModel model, WordCorpus corpus, int[][] prefixes, Params p,
            int seed) {
        List<String> out = new ArrayList<>();
        Random random = RandomStreams.random(seed, "sampling");
        for (int[] prefix : prefixes) {
            out.add("greedy: " + corpus.text(LmTrainer.continuation(model, prefix, p.genLen(), 0, random)));
            for (int s = 0; s < p.samples(); s++) {
                out.add("T=" + p.temperature() + ": "
                        + corpus.text(LmTrainer.continuation(model, prefix, p.genLen(), p.temperature(), random)));
            }
        }
        return out;
    }
}
