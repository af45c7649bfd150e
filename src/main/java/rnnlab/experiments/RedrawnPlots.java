package rnnlab.experiments;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import rnnlab.core.Experiment;
import rnnlab.core.Catalog;
import rnnlab.report.CharLmPages;
import rnnlab.report.DigitSumComparison;
import rnnlab.report.DigitSumPages;
import rnnlab.report.HelloPlot;
import rnnlab.report.WordLmPages;

/**
 * Redraws the plots of a results folder (perplexities, DigitSum's accuracies and losses, the 'hello' losses) from
 * their CSVs alone ({@code -Dexp=scoreboard}), with the same code their runs draw them with: a plot's look can change
 * without retraining.
 */
public final class RedrawnPlots {
    private RedrawnPlots() {
    }

    /**
     * Redraws every plot whose CSV is in {@code dir} (perplexity, DigitSum accuracy and loss, 'hello' loss); returns
     * the files drawn (for DigitSum, its accuracy plot stands for its loss plots too).
     */
    public static List<Path> redrawAll(Path dir) {
        List<Path> drawn = new ArrayList<>();
        for (Catalog.Facts e : Catalog.project().all().values()) {
            Path csv = dir.resolve(e.name() + ".csv");
            if (!Files.isRegularFile(csv)) {
                continue;
            }
            Path png = dir.resolve(e.name() + "-perplexity.png");
            Experiment x = Experiments.create(e.name());
            if (x instanceof CharLmExperiment) {
                CharLmPages.drawPerplexity(csv, png, e.name());
            } else if (x instanceof PtbWordLm w) {
                WordLmPages.drawPerplexity(csv, png, e.name(), w.printedTestPerplexity(), w.printedBy());
            } else if (x instanceof DigitSumExperiment) {
                DigitSumPages.drawPlots(dir, e.name());
                png = dir.resolve(e.name() + "-accuracy.png");
            } else if (x instanceof HelloOhlol) {
                png = dir.resolve(e.name() + "-loss.png");
                HelloPlot.draw(csv, png, e.name());
            } else {
                continue;
            }
            drawn.add(png);
        }
        if (Files.isRegularFile(dir.resolve("DigitSumSrn.csv")) || Files.isRegularFile(dir.resolve("DigitSumLstm.csv"))) {
            try {
                DigitSumComparison.write(dir);
            } catch (java.io.IOException ex) {
                throw new rnnlab.core.UserError("Cannot redraw " + dir.resolve("DigitSum-accuracy.png") + ": "
                        + ex.getMessage());
            }
            drawn.add(dir.resolve("DigitSum-accuracy.png"));
        }
        return drawn;
    }
}
