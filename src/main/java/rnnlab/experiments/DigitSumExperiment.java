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

import rnnlab.core.Config;
import rnnlab.core.Experiment;
import rnnlab.core.Run;
import rnnlab.data.DigitSumData;
import rnnlab.model.SequenceClassifier;
import rnnlab.model.Layers;
import rnnlab.model.SequenceClassifier.Cell;
import rnnlab.models.SavedModel;
import rnnlab.report.Markdown;
import rnnlab.report.Plots;
import rnnlab.report.ResultsCsv;
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
            int evalSteps, int logSteps, long seed, DigitSumData.Spec data, Layers layers) {
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
                c.integer("log_steps", 1, 1_000_000_000), c.longValue("seed", 0, Long.MAX_VALUE), data, Layers.of(c));
        return run -> execute(p, run);
    }

    /** What one length produced. */
    record LengthResult(int length, double bestDev, double test, double testLoss, long bestStep, double seconds,
            ClassifierRunner runner) {
    }

    private void execute(Params p, Run run) throws IOException {
        Path dataDir = DigitSumData.ensure(run.datasetsDir(), p.data());
        List<LengthResult> results = new ArrayList<>();
        Map<String, Double> speed = cell == Cell.SRN && p.layers() == Layers.PROJECT ? SrnSpeed.compare(p.seed()) : Map.of();
        Cell built = p.layers() == Layers.PROJECT ? cell : cell == Cell.SRN ? Cell.SIMPLE_RNN : Cell.DL4J_LSTM;
        for (int length : p.lengths()) {
            log.info("====> Training {} with data of length {}", name, length);
            Path dir = dataDir.resolve(String.valueOf(length));
            List<DataSet> train = DigitSumData.load(dir.resolve("train.txt"), length, p.batchSize());
            List<DataSet> dev = DigitSumData.load(dir.resolve("dev.txt"), length, p.batchSize());
            List<DataSet> test = DigitSumData.load(dir.resolve("test.txt"), length, p.batchSize());
            MultiLayerNetwork net = SequenceClassifier.build(built, 10, length, p.embeddingSize(), p.hiddenSize(),
                    DigitSumData.NUM_CLASSES, p.lr(), p.seed());
            ClassifierRunner runner = new ClassifierRunner(net);
            // the model with the best dev accuracy, where the language models keep theirs (rnnlab.models)
            Path checkpoint = SavedModel.file(run, "length=" + length);
            Files.createDirectories(checkpoint.getParent());
            long t0 = System.nanoTime();
            runner.train(train, dev, p.epochs(), p.evalSteps(), p.logSteps(), checkpoint, name + " L=" + length);
            double seconds = (System.nanoTime() - t0) / 1e9;
            ClassifierRunner.Eval testEval = ClassifierRunner.evaluate(runner.loadBest(checkpoint), test);
            log.info("[{}] length:{}, dev_score: {}, test_score: {} ({} s)", name, length,
                    Markdown.f(runner.bestScore(), 5), Markdown.f(testEval.accuracy(), 5), Markdown.f(seconds, 1));
            results.add(new LengthResult(length, runner.bestScore(), testEval.accuracy(), testEval.loss(),
                    runner.bestStep(), seconds, runner));
            report(p, run, results, speed);
        }
        DigitSumComparison.write(run.outDir());
    }

    private void report(Params p, Run run, List<LengthResult> results, Map<String, Double> speed) {
        ResultsCsv csv = new ResultsCsv();
        for (LengthResult r : results) {
            String setting = "length=" + r.length();
            long perEpoch = r.runner().stepsPerEpoch();
            for (int e = 0; e < r.runner().trainEpochLosses.size(); e++) {
                csv.add(setting, e + 1, "train_loss", r.runner().trainEpochLosses.get(e));
            }
            for (int i = 0; i < r.runner().devLosses.size(); i++) {
                double epoch = (r.runner().devLosses.get(i).step() + 1) / (double) perEpoch;
                csv.add(setting, epoch, "dev_loss", r.runner().devLosses.get(i).value());
                csv.add(setting, epoch, "dev_accuracy", r.runner().devScores.get(i).value());
            }
            csv.addFinal(setting, "best_dev_accuracy", r.bestDev());
            csv.addFinal(setting, "test_accuracy", r.test());
            csv.addFinal(setting, "test_loss", r.testLoss());
            csv.addFinal(setting, "best_step", r.bestStep());
            csv.addFinal(setting, "train_seconds", r.seconds());
        }
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
        List<List<String>> rows = new ArrayList<>();
        for (LengthResult r : results) {
            rows.add(List.of(String.valueOf(r.length()), Markdown.f(r.bestDev(), 3), Markdown.f(r.test(), 3),
                    Markdown.f(r.testLoss(), 3), String.valueOf(r.bestStep()), Markdown.f(r.seconds(), 1)));
        }
        md.heading(2, "Accuracy by sequence length");
        md.table(List.of("length", "best dev accuracy", "test accuracy (best model)", "test loss", "best step",
                "train seconds"), rows);
        md.para("Training time " + Progress.clock(results.stream().mapToDouble(LengthResult::seconds).sum())
                + " (minutes:seconds) in all, one thread (see the README's \"Threads\").");
        md.para(tutorialNote() + " Chance is 1/19 = 0.053; always answering the most common sum (9) scores 0.10. "
                + "Results move with the seed (`-Dseed=N`); one seed is shown.");
        md.image("accuracy against length", name + "-accuracy.png");
        md.heading(2, "Loss curves (the tutorial's figure 6.6)");
        for (LengthResult r : results) {
            md.image("loss, length " + r.length(), name + "-loss-L" + r.length() + ".png");
        }
        if (!speed.isEmpty()) {
            md.heading(2, "Hand-written SRN against DL4J's SimpleRnn (forward pass)");
            md.para("Both layers compute the same hidden states from the same weights (checked by a test). "
                    + "Mean time of one forward pass over 90 timed runs after 10 warm-up runs, as the tutorial "
                    + "measures it, at the tutorial's size (batch 2, 5 steps, 10 inputs, 10 hidden) and at DigitSum's "
                    + "(batch 8, 35 steps, 32 inputs, 32 hidden).");
            List<List<String>> srows = new ArrayList<>();
            speed.forEach((k, v) -> srows.add(List.of(k, Markdown.f(v, 4))));
            md.table(List.of("implementation and size", "ms per forward pass"), srows);
        }
        rnnlab.io.AtomicFiles.write(run.out(name + ".md"), md.text());

        List<Plots.Series> acc = List.of(
                Plots.Series.of("Dev Accuracy", results.stream().map(LengthResult::length).toList(),
                        results.stream().map(LengthResult::bestDev).toList(), false, true),
                Plots.Series.of("Test Accuracy", results.stream().map(LengthResult::length).toList(),
                        results.stream().map(LengthResult::test).toList(), true, true));
        Plots.line(run.out(name + "-accuracy.png"), name + ": accuracy against sequence length", "sequence length",
                "accuracy", acc, false);
        for (LengthResult r : results) {
            List<Long> steps = new ArrayList<>();
            List<Double> losses = new ArrayList<>();
            List<ClassifierRunner.Point> all = r.runner().trainStepLosses;
            for (int i = 0; i < all.size(); i += 100) {
                steps.add(all.get(i).step());
                losses.add(all.get(i).value());
            }
            Plots.line(run.out(name + "-loss-L" + r.length() + ".png"), name + ", length " + r.length(), "step", "loss",
                    List.of(Plots.Series.of("Train loss", steps, losses, false, false),
                            Plots.Series.of("Dev loss", r.runner().devLosses.stream().map(ClassifierRunner.Point::step).toList(),
                                    r.runner().devLosses.stream().map(ClassifierRunner.Point::value).toList(), true, false)),
                    false);
        }
    }
}
