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
import rnnlab.model.TorchStart;
import rnnlab.report.DigitSumComparison;
import rnnlab.report.DigitSumPages;
import rnnlab.saved.SavedModel;
import rnnlab.stats.Comparison;
import rnnlab.stats.Seeds;
import rnnlab.train.ClassifierRunner;

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
            int evalSteps, int logSteps, List<Integer> seeds, DigitSumData.Spec data, Layers layers,
            boolean tutorialStart) {
    }

    /** {@code start}: own (the seed's draw, as PyTorch's defaults draw) or tutorial ({@link TorchStart}'s file). */
    static final String START = "start";

    private final Cell cell;
    private final String name;

    DigitSumExperiment(Cell cell) {
        this.cell = cell;
        this.name = getClass().getSimpleName(); // the experiment's name is its class's (Experiments.create)
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
                c.integer("log_steps", 1, 1_000_000_000), c.seeds("seeds"), data, Layers.of(c),
                c.has(START) && c.choice(START, "own", "tutorial").equals("tutorial"));
        if (p.tutorialStart() && (cell != Cell.SRN || p.layers() != Layers.PROJECT)) {
            throw new rnnlab.core.UserError("start=tutorial loads the tutorial's SRN into the project's SRN: it needs "
                    + "layers=project");
        }
        List<String> jobs = new ArrayList<>();
        for (int length : p.lengths()) {
            for (int seed : p.seeds()) {
                jobs.add(Seeds.setting("length=" + length, seed));
            }
        }
        return Configured.of(jobs, run -> execute(p, run, jobs), run -> {
            if (p.tutorialStart()) {
                TorchStart.requireAll(run.projectDir(), name, p.seeds());
            }
        });
    }

    private void execute(Params p, Run run, List<String> settings) throws IOException {
        // data: the tutorial's splits, generated once, for every length
        Path dataDir = DigitSumData.ensure(run.datasetsDir(), p.data());
        JobScope scope = run.scope();
        Map<String, Double> speed = scope.assembling() && cell == Cell.SRN && p.layers() == Layers.PROJECT
                ? SrnSpeed.compare(p.seeds().get(0)) : Map.of();
        JobRun jobs = new JobRun(run, scope, settings, log, results -> DigitSumPages.write(run.outDir(), page(p, run), results, speed));
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

    /** What this experiment's page says besides its results (written by {@link DigitSumPages}). */
    private DigitSumPages.Page page(Params p, Run run) {
        return new DigitSumPages.Page(name, modelNote(), p.layers() == Layers.DL4J ? p.layers().note(false) : null,
                run.config().settingsSentence(), tutorialNote(), p.lengths(), p.seeds().get(0), run.projectDir(),
                Comparison.tutorialSettings(run.config()));
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
            if (p.tutorialStart()) { // the tutorial's own start for this seed in place of ours
                TorchStart.loadSeed(net, TorchStart.DIGITSUM_SRN, run.projectDir(), name, seed);
            }
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
}
