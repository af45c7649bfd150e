package rnnlab.experiments;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import rnnlab.core.Experiment;
import rnnlab.core.Catalog;
import rnnlab.report.CharLmPages;
import rnnlab.report.WordLmPages;

/**
 * Redraws the language models' perplexity plots of a results folder from their CSVs alone ({@code -Dexp=scoreboard}),
 * with the same code their runs draw them with: a plot's look can change without retraining.
 */
public final class PerplexityPlots {
    private PerplexityPlots() {
    }

    /** Redraws every perplexity plot whose CSV is in {@code dir}; returns the files drawn. */
    public static List<Path> perplexityPlots(Path dir) {
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
                WordLmPages.drawPerplexity(csv, png, e.name(), w.courseTestPerplexity());
            } else {
                continue;
            }
            drawn.add(png);
        }
        return drawn;
    }
}
