package rnnlab.experiments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import rnnlab.core.JobResult;
import rnnlab.core.Config;
import rnnlab.core.Experiment;
import rnnlab.core.JobScope;
import rnnlab.core.Markdown;
import rnnlab.core.ResultsCsv;
import rnnlab.core.Run;
import rnnlab.data.DigitSumData;
import rnnlab.jobs.JobRun;
import rnnlab.model.Layers;
import rnnlab.model.SequenceClassifier.Cell;
import rnnlab.model.SequenceClassifier;
import rnnlab.report.Plots;
import rnnlab.saved.SavedModel;
import rnnlab.stats.Comparison;
import rnnlab.stats.Seeds;
import rnnlab.stats.Summary;
import rnnlab.train.ClassifierRunner;
import rnnlab.train.Progress;

/**
 * NNDL 6.1, the SRN memory experiment: for each sequence length, train {@code Model_RNN4SeqClass}
 * (embedding, recurrent layer, last hidden state, linear) on DigitSum with Adam, evaluate on dev every
 * 100 steps, keep the best model by dev accuracy and test it. {@link DigitSumSrn} and
 * {@link DigitSumLstm} differ only in the recurrent layer.
 */
abstract class DigitSumExperiment implements Experiment {
    private static final Logger log = LoggerFactory.getLogger(DigitSumExperiment.class);

    /** Every hyperparameter, read and validated before anything runs. */
    record Params(List<Integer> lengths, int epochs, double lr, int batchSize, int embeddingSize, int hiddenSize,
            int evalSteps, int logSteps, List<Integer> seeds, DigitSumData.Spec data, Layers layers) {
    }

    private final Cell cell;
    private final String name;

    DigitSumExperiment(Cell cell, String name) {
        this.cell = cell;
        this.name = name;
    }

    /** A sentence for the results page: what recurrent layer this is. */
    abstract String modelNote();

    /** How this table compares with the tutorial's figures. */
    abstract String tutorialNote();

    @Override
    public Configured configure(Config c) {
        DigitSumData.Spec data = new DigitSumData.Spec(c.integers("data.lengths", 3, 1000),
                c.longValue("data.seed", 0, 0xFFFFFFFFL), c.integer("data.train_k", 1, 1000),
                c.integer("data.eval_k", 1, 1000));
        List<Integer> lengths = c.integers("lengths", 3, 1000);
        for (int length : lengths) {
            if (!data.lengths().contains(length)) {
                throw new rnnlab.core.UserError("Invalid value for 'lengths': " + length + " is not generated; "
                        + "choose from data.lengths = " + data.lengths());
            }
        }
        Params p = new Params(lengths, c.integer("epochs", 1, 1_000_000), c.real("lr", 1e-12, 100),
                c.integer("batch_size", 1, 100_000), c.integer("embedding_size", 1, 4096),
                c.integer("hidden_size", 1, 4096), c.integer("eval_steps", 1, 1_000_000_000),
                c.integer("log_steps", 1, 1_000_000_000), c.seeds("seeds"), data, Layers.of(c));
        List<String> jobs = new ArrayList<>();
        for (int length : p.lengths()) {
            for (int seed : p.seeds()) {
                jobs.add(Seeds.setting("length=" + length, seed));
            }
        }
        return Configured.of(jobs, run -> execute(p, run));
    }

    /** The metrics each length is summarised by over its seeds. */
    static final List<String> SUMMARISED = List.of("best_dev_accuracy", "test_accuracy", "test_loss");

    private void execute(Params p, Run run) throws IOException {
        // data: the tutorial's splits, generated once, for every length
        Path dataDir = DigitSumData.ensure(run.datasetsDir(), p.data());
        JobScope scope = run.scope();
        Map<String, Double> speed = scope.assembling() && cell == Cell.SRN && p.layers() == Layers.PROJECT
                ? SrnSpeed.compare(p.seeds().get(0)) : Map.of();
        JobRun jobs = new JobRun(run, scope, log, results -> report(p, run, results, speed));
        for (int length : p.lengths()) {
            Path dir = dataDir.resolve(String.valueOf(length));
            List<DataSet> train = DigitSumData.load(dir.resolve("train.txt"), length, p.batchSize());
            List<DataSet> dev = DigitSumData.load(dir.resolve("dev.txt"), length, p.batchSize());
            List<DataSet> test = DigitSumData.load(dir.resolve("test.txt"), length, p.batchSize());
            for (int seed : p.seeds()) {
                jobs.run(Seeds.setting("length=" + length, seed), () -> new LengthJob(p, run, length, seed, train, dev, test));
            }
        }
        if (jobs.end()) {
            DigitSumComparison.write(run.outDir());
        }
    }

    /** One length and seed: the model, its training (RunnerV3's) and the best model's test figures. */
    private final class LengthJob implements JobRun.Job {
        private final String setting;
        private final int length;
        private final int seed;
        private final List<DataSet> test;
        private final ClassifierRunner runner;

        LengthJob(Params p, Run run, int length, int seed, List<DataSet> train, List<DataSet> dev, List<DataSet> test)
                throws IOException {
            this.setting = Seeds.setting("length=" + length, seed);
            this.length = length;
            this.seed = seed;
            this.test = test;
            // model: the tutorial's, or the same on DL4J's stock layers
            Cell built = p.layers() == Layers.PROJECT ? cell : cell == Cell.SRN ? Cell.SIMPLE_RNN : Cell.DL4J_LSTM;
            MultiLayerNetwork net = SequenceClassifier.build(built, 10, length, p.embeddingSize(), p.hiddenSize(),
                    DigitSumData.NUM_CLASSES, p.lr(), seed);
            // training: the model with the best dev accuracy kept where the language models keep theirs (rnnlab.models)
            Path best = SavedModel.file(run, setting);
            Files.createDirectories(best.getParent());
            runner = new ClassifierRunner(net, train, dev, p.epochs(), p.evalSteps(), p.logSteps(), best,
                    name + " " + setting);
        }

        @Override
        public ClassifierRunner training() {
            return runner;
        }

        @Override
        public String banner() {
            return "Training " + name + " with data of length " + length + ", seed " + seed;
        }

        @Override
        public JobResult progress() {
            return new JobResult(setting, trainingRows(setting, runner), Map.of(), false);
        }

        /** evaluation: the best model on the test set. */
        @Override
        public JobResult finish() throws IOException {
            double seconds = runner.trainSeconds();
            ClassifierRunner.Eval testEval = ClassifierRunner.evaluate(runner.loadBest(), test);
            log.info("[{}] length:{}, seed:{}, dev_score: {}, test_score: {} ({} s)", name, length, seed,
                    Markdown.f(runner.bestScore(), 5), Markdown.f(testEval.accuracy(), 5), Markdown.f(seconds, 1));
            ResultsCsv csv = trainingRows(setting, runner);
            csv.addFinal(setting, "best_dev_accuracy", runner.bestScore());
            csv.addFinal(setting, "test_accuracy", testEval.accuracy());
            csv.addFinal(setting, "test_loss", testEval.loss());
            csv.addFinal(setting, "best_step", runner.bestStep());
            csv.addFinal(setting, "train_seconds", seconds);
            return new JobResult(setting, csv, Map.of(), true);
        }

        @Override
        public void save() {
            // the best model is in its file since training found it
        }
    }

    /** One length and seed's training rows: losses per epoch, every 100th step's loss, dev figures. */
    private static ResultsCsv trainingRows(String setting, ClassifierRunner runner) {
        ResultsCsv csv = new ResultsCsv();
        long perEpoch = runner.stepsPerEpoch();
        for (int e = 0; e < runner.trainEpochLosses.size(); e++) {
            csv.add(setting, e + 1, "train_loss", runner.trainEpochLosses.get(e));
        }
        // the tutorial's figure 6.6 plots every 100th step's training loss
        for (int i = 0; i < runner.trainStepLosses.size(); i += 100) {
            ClassifierRunner.Point pt = runner.trainStepLosses.get(i);
            csv.add(setting, (pt.step() + 1) / (double) perEpoch, "train_step_loss", pt.value());
        }
        for (int i = 0; i < runner.devLosses.size(); i++) {
            double epoch = (runner.devLosses.get(i).step() + 1) / (double) perEpoch;
            csv.add(setting, epoch, "dev_loss", runner.devLosses.get(i).value());
            csv.add(setting, epoch, "dev_accuracy", runner.devScores.get(i).value());
        }
        return csv;
    }

    private void report(Params p, Run run, List<JobResult> results, Map<String, Double> speed) {
        ResultsCsv csv = JobResult.concat(results);
        Seeds.addSummaries(csv, SUMMARISED);
        speed.forEach((k, v) -> csv.addFinal(k, "forward_ms", v));
        csv.write(run.out(name + ".csv"));

        Markdown md = new Markdown().heading(1, name);
        md.para("Reproduces `nndl-digitsum-srn-memory.txt` (NNDL 6.1, the SRN memory experiment) on Deeplearning4j. "
                + modelNote());
        if (p.layers() == Layers.DL4J) {
            md.para(p.layers().note(false) + " DL4J's `SimpleRnn` starts its bias at zero where the tutorial draws it "
                    + "xavier-uniform; each sequence is classified from its own zero state, so DL4J's state handling "
                    + "changes nothing here.");
        }
        md.para(run.config().settingsSentence());
        md.heading(2, "Accuracy by sequence length over seeds");
        Map<String, Map<Integer, Double>> dev = Seeds.values(csv, "final", "best_dev_accuracy");
        Map<String, Map<Integer, Double>> test = Seeds.values(csv, "final", "test_accuracy");
        Map<String, Map<Integer, Double>> secs = Seeds.values(csv, "final", "train_seconds");
        List<List<String>> srows = new ArrayList<>();
        for (int length : p.lengths()) {
            String base = "length=" + length;
            if (!test.containsKey(base)) {
                continue;
            }
            srows.add(List.of(String.valueOf(length), String.valueOf(test.get(base).size()), spread(dev.get(base)),
                    spread(test.get(base)), Markdown.f(secs.get(base).values().stream().mapToDouble(d -> d).average()
                            .orElse(0), 1)));
        }
        md.table(List.of("length", "seeds", "best dev accuracy: mean ± sd [95% interval] (min-max)",
                "test accuracy (best model): mean ± sd [95% interval] (min-max)", "train seconds per seed"), srows);
        double total = secs.values().stream().flatMap(m -> m.values().stream()).mapToDouble(d -> d).sum();
        md.para("Training time " + Progress.clock(total) + " (minutes:seconds) in all, one thread (see the README's "
                + "\"Threads\"). The seed (`seeds`, e.g. `-Dseeds=0..4`) moves the model's initial weights; the data "
                + "are the tutorial's, the same for every seed. Each dev and test set has 100 examples, so one accuracy "
                + "moves in steps of 0.01 and a single seed's figure is noisy; the interval is Student's t over the "
                + "seeds. The plot shows the mean, the 95% interval of the mean (dotted, cut to [0, 1]) and every "
                + "seed's value (diamonds).");
        md.para(tutorialNote() + " Chance is 1/19 = 0.053; always answering the most common sum (9) scores 0.10.");
        md.image("accuracy against length", name + "-accuracy.png");
        Comparison.section(md, name, csv, run.projectDir(), Comparison.tutorialSettings(run.config()));
        md.heading(2, "Every seed");
        List<List<String>> rows = new ArrayList<>();
        for (JobResult r : results) {
            rows.add(List.of(Seeds.base(r.setting()).substring("length=".length()),
                    String.valueOf(Seeds.seed(r.setting()).orElse(0)), Markdown.f(r.last("best_dev_accuracy"), 3),
                    Markdown.f(r.last("test_accuracy"), 3), Markdown.f(r.last("test_loss"), 3),
                    String.valueOf((long) r.last("best_step")), Markdown.f(r.last("train_seconds"), 1)));
        }
        md.table(List.of("length", "seed", "best dev accuracy", "test accuracy (best model)", "test loss", "best step",
                "train seconds"), rows);
        int firstSeed = p.seeds().get(0);
        List<JobResult> curves = results.stream().filter(r -> Seeds.seed(r.setting()).orElse(-1) == firstSeed).toList();
        md.heading(2, "Loss curves (the tutorial's figure 6.6), seed " + firstSeed);
        for (JobResult r : curves) {
            md.image("loss, " + Seeds.base(r.setting()), name + "-loss-L" + Seeds.base(r.setting()).substring("length=".length())
                    + ".png");
        }
        if (!speed.isEmpty()) {
            md.heading(2, "Hand-written SRN against DL4J's SimpleRnn (forward pass)");
            md.para("Both layers compute the same hidden states from the same weights (checked by a test). "
                    + "Mean time of one forward pass over 90 timed runs after 10 warm-up runs, as the tutorial "
                    + "measures it, at the tutorial's size (batch 2, 5 steps, 10 inputs, 10 hidden) and at DigitSum's "
                    + "(batch 8, 35 steps, 32 inputs, 32 hidden).");
            List<List<String>> prow = new ArrayList<>();
            speed.forEach((k, v) -> prow.add(List.of(k, Markdown.f(v, 4))));
            md.table(List.of("implementation and size", "ms per forward pass"), prow);
        }
        rnnlab.core.AtomicFiles.write(run.out(name + ".md"), md.text());

        Plots.seeds(run.out(name + "-accuracy.png"), name + ": accuracy against sequence length", "sequence length",
                "accuracy", List.of(DigitSumComparison.overSeeds(csv, "best_dev_accuracy", "Dev Accuracy", true),
                        DigitSumComparison.overSeeds(csv, "test_accuracy", "Test Accuracy", false)),
                List.of(), false);
        for (JobResult r : curves) {
            Plots.line(run.out(name + "-loss-L" + Seeds.base(r.setting()).substring("length=".length()) + ".png"),
                    name + ", " + Seeds.base(r.setting()) + ", seed " + firstSeed, "epoch", "loss",
                    List.of(series(r.rows(), "train_step_loss", "Train loss (every 100th step)", false),
                            series(r.rows(), "dev_loss", "Dev loss", true)), false);
        }
    }

    private static Plots.Series series(ResultsCsv rows, String metric, String name, boolean dashed) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (ResultsCsv.Row r : rows.rows()) {
            if (r.metric().equals(metric) && !r.epoch().equals("final")) {
                x.add(Double.parseDouble(r.epoch()));
                y.add(r.value());
            }
        }
        return Plots.Series.of(name, x, y, dashed, false);
    }

    /** mean ± sd [low, high] (min-max) of accuracies by seed; one seed: its value. */
    static String spread(Map<Integer, Double> bySeed) {
        if (bySeed == null || bySeed.isEmpty()) {
            return "-";
        }
        Summary s = Summary.of(bySeed.values().stream().mapToDouble(Double::doubleValue).toArray());
        if (s.n() == 1) {
            return Markdown.f(s.mean(), 3);
        }
        return Markdown.f(s.mean(), 3) + " ± " + Markdown.f(s.sd(), 3) + " [" + Markdown.f(s.ci95Low(), 3) + ", "
                + Markdown.f(s.ci95High(), 3) + "] (" + Markdown.f(s.min(), 2) + "-" + Markdown.f(s.max(), 2) + ")";
    }
}
