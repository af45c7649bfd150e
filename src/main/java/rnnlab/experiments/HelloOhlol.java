package rnnlab.experiments;

import java.util.ArrayList;
import java.util.List;

import rnnlab.core.AtomicFiles;
import rnnlab.core.Config;
import rnnlab.core.Experiment;
import rnnlab.core.Markdown;
import rnnlab.core.ResultsCsv;
import rnnlab.core.Run;
import rnnlab.model.Layers;
import rnnlab.report.HelloPlot;
import rnnlab.stats.Comparison;
import rnnlab.stats.Seeds;
import rnnlab.stats.Summary;

/**
 * {@code rnncell-rnn-hello-ohlol.txt}: learn to map 'hello' to 'ohlol' (one-hot input of 4 characters,
 * hidden size 4 used directly as the logits, batch 1, Adam lr 0.1, 20 epochs), over several seeds, since
 * when 'ohlol' first appears depends on the random start. {@link HelloOhlolRnnCell} writes the loop
 * over the steps by hand; {@link HelloOhlolRnn} uses a whole-sequence layer.
 */
abstract class HelloOhlol implements Experiment {
    static final String IDX2CHAR = "ehlo";
    static final int[] X = {1, 0, 2, 2, 3}; // hello
    static final int[] Y = {3, 1, 2, 3, 2}; // ohlol
    static final String TARGET = "ohlol";

    /** One epoch as the tutorial prints it: the prediction (before the update) and the loss. */
    record EpochResult(int epoch, String predicted, double loss) {
    }

    record Params(double lr, int epochs, List<Integer> seeds, boolean twoBiases, Layers layers) {
    }

    private final String name;

    HelloOhlol() {
        this.name = getClass().getSimpleName(); // the experiment's name is its class's (Experiments.create)
    }

    /** Trains from the start {@code seed} draws; returns every epoch. */
    abstract List<EpochResult> train(Params p, long seed);

    /** The tutorial's printed first 'ohlol' epoch and final loss. */
    abstract int tutorialFirstEpoch();

    abstract double tutorialFinalLoss();

    abstract String modelNote(Params p);

    /** Whether the experiment has the {@code biases} key. */
    boolean hasBiasesKey() {
        return false;
    }

    @Override
    public Configured configure(Config c) {
        Params p = new Params(c.real("lr", 1e-12, 1e6), c.integer("epochs", 1, 1_000_000),
                c.seeds("seeds"),
                hasBiasesKey() && c.choice("biases", "two", "one").equals("two"), Layers.of(c));
        if (p.layers() == Layers.DL4J && hasBiasesKey()) {
            throw Layers.unsupported(c.experiment(), "its RNN cell is stepped by hand in explicit ND4J, as "
                    + "the tutorial's loop over nn.RNNCell; HelloOhlolRnn is the layer version");
        }
        return run -> execute(p, run);
    }

    static String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append(IDX2CHAR.charAt(id));
        }
        return sb.toString();
    }

    /** The first epoch whose prediction is 'ohlol', or -1. */
    static int firstOhlol(List<EpochResult> epochs) {
        return epochs.stream().filter(e -> e.predicted().equals(TARGET)).mapToInt(EpochResult::epoch).findFirst().orElse(-1);
    }

    private void execute(Params p, Run run) {
        List<List<EpochResult>> bySeed = new ArrayList<>();
        for (int seed : p.seeds()) {
            bySeed.add(train(p, seed));
        }
        ResultsCsv csv = new ResultsCsv();
        List<List<String>> rows = new ArrayList<>();
        List<Double> firsts = new ArrayList<>();
        List<Double> finals = new ArrayList<>();
        for (int i = 0; i < p.seeds().size(); i++) {
            String setting = "seed=" + p.seeds().get(i);
            List<EpochResult> es = bySeed.get(i);
            for (EpochResult e : es) {
                csv.add(setting, e.epoch(), "loss", e.loss());
                csv.add(setting, e.epoch(), "accuracy", accuracy(e.predicted()));
            }
            EpochResult last = es.get(es.size() - 1);
            int first = firstOhlol(es);
            if (first > 0) {
                csv.addFinal(setting, "first_ohlol_epoch", first);
                firsts.add((double) first);
            }
            csv.addFinal(setting, "final_loss", last.loss());
            csv.addFinal(setting, "accuracy", accuracy(last.predicted()));
            finals.add(last.loss());
            rows.add(List.of(String.valueOf(p.seeds().get(i)), first > 0 ? String.valueOf(first) : "never",
                    last.predicted(), Markdown.f(last.loss(), 4)));
        }
        Seeds.addSummaries(csv, List.of("final_loss"));
        csv.write(run.out(name + ".csv"));

        Markdown md = new Markdown().heading(1, name);
        md.para("Reproduces `rnncell-rnn-hello-ohlol.txt` on Deeplearning4j: 'hello' -> 'ohlol' with characters "
                + "e, h, l, o one-hot, hidden size 4 used directly as the logits, batch 1, Adam (lr " + p.lr() + "), "
                + p.epochs() + " epochs. " + modelNote(p));
        md.para(run.config().settingsSentence());
        md.heading(2, "Over seeds");
        md.table(List.of("", "first epoch predicting 'ohlol'", "final loss"), List.of(
                List.of("tutorial (one unseeded run)", String.valueOf(tutorialFirstEpoch()), Markdown.f(tutorialFinalLoss(), 3)),
                List.of("min", stat(firsts, 0), stat(finals, 0)),
                List.of("median", stat(firsts, 1), stat(finals, 1)),
                List.of("max", stat(firsts, 2), stat(finals, 2))));
        md.para((p.seeds().size() - firsts.size()) + " of " + p.seeds().size() + " seeds never predicted 'ohlol' within "
                + p.epochs() + " epochs" + (firsts.size() < p.seeds().size() ? " (left out of the epoch statistics)" : "")
                + ". The loss and the epoch move with the random start: the tutorial's run is one draw of it.");
        Summary fl = Seeds.summary("final_loss", finals.stream().mapToDouble(Double::doubleValue).toArray());
        md.para("Final loss over the seeds: " + Comparison.describe(fl, 3) + " (mean [95% interval] (min-max, seeds)).");
        Comparison.section(md, name, csv, run.projectDir(), Comparison.tutorialSettings(run.config()));
        md.heading(2, "Every seed");
        md.table(List.of("seed", "first 'ohlol' epoch", "last prediction", "final loss"), rows);
        md.heading(2, "Seed " + p.seeds().get(0) + ", epoch by epoch (as the tutorial prints it)");
        StringBuilder sb = new StringBuilder();
        for (EpochResult e : bySeed.get(0)) {
            sb.append(e.predicted()).append(" epoch=").append(e.epoch()).append(",loss=").append(e.loss()).append('\n');
        }
        md.code(sb.toString().stripTrailing());
        md.image("loss per epoch", name + "-loss.png");
        AtomicFiles.write(run.out(name + ".md"), md.text());

        HelloPlot.draw(run.out(name + ".csv"), run.out(name + "-loss.png"), name);
    }

    static double accuracy(String predicted) {
        int right = 0;
        for (int i = 0; i < TARGET.length(); i++) {
            right += predicted.charAt(i) == TARGET.charAt(i) ? 1 : 0;
        }
        return right / (double) TARGET.length();
    }

    /** min (0), median (1) or max (2) of {@code v}, or "-" if empty. */
    static String stat(List<Double> v, int which) {
        if (v.isEmpty()) {
            return "-";
        }
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        double x = which == 0 ? s.get(0) : which == 2 ? s.get(s.size() - 1)
                : s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
        return x == Math.rint(x) && x < 1000 ? String.valueOf((long) x) : Markdown.f(x, 3);
    }
}
