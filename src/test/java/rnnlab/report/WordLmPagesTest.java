package rnnlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rnnlab.core.JobResult;
import rnnlab.core.ResultsCsv;

class WordLmPagesTest {
    private static final int EPOCHS = 2;

    /** A finished seed of a two-epoch model with the given final test perplexity and elapsed seconds at its end. */
    private static JobResult seed(int seed, double test, double elapsed) {
        String setting = "model=small;seed=" + seed;
        ResultsCsv rows = new ResultsCsv();
        for (int e = 1; e <= EPOCHS; e++) {
            rows.add(setting, e, "lr", 1);
            rows.add(setting, e, "perplexity", 300.0 / e);
            rows.add(setting, e, "valid_perplexity", 250.0 / e);
            rows.add(setting, e, "test_perplexity", e == EPOCHS ? test : Double.NaN);
            rows.add(setting, e, "tokens_per_second", 4000);
            rows.add(setting, e, "elapsed_seconds", elapsed * e / EPOCHS);
        }
        rows.addFinal(setting, "test_perplexity", test);
        rows.addFinal(setting, "train_seconds", elapsed);
        return new JobResult(setting, rows, Map.of(), true);
    }

    private static final WordLmPages.Published TABLE_1 = new WordLmPages.Published("the paper",
            List.of(new WordLmPages.Reproduction("TensorFlow's tutorial", 115.91)), "reference/pytorch/zaremba.py");

    private static WordLmPages.Page page(Path project, boolean tutorialSettings, WordLmPages.Published published) {
        double[] printed = new double[EPOCHS];
        Arrays.fill(printed, Double.NaN);
        printed[EPOCHS - 1] = 114.5;
        return new WordLmPages.Page("Reproduces a model.", "paper's", "PtbZarembaSmall", "A model.", null, "Settings.",
                "model=small", EPOCHS, Collections.nCopies(EPOCHS, 1.0), printed, 100, 20, 0, 0, 1.0, project,
                tutorialSettings, published);
    }

    private static List<String> section(String md) {
        List<String> lines = md.lines().toList();
        int start = lines.indexOf("## Test perplexity beside the published figures");
        List<String> out = new ArrayList<>();
        for (int i = start + 1; start >= 0 && i < lines.size() && !lines.get(i).startsWith("## "); i++) {
            if (!lines.get(i).isBlank()) {
                out.add(lines.get(i));
            }
        }
        return out;
    }

    @Test
    void thePublishedFiguresStandBesideOursAndTheReferencesWithTheTimeASeedTook(@TempDir Path tmp) throws Exception {
        Path project = tmp.resolve("project");
        Files.createDirectories(project.resolve("results/reference"));
        Files.writeString(project.resolve("results/reference/PtbZarembaSmall.csv"),
                "setting,epoch,metric,value\nmodel=small;seed=0,final,test_perplexity,113.154\n");
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        WordLmPages.write(out, page(project, true, TABLE_1), List.of(seed(0, 110, 2880), seed(1, 120, 3120)));
        List<String> s = section(Files.readString(out.resolve("PtbZarembaSmall.md")));
        // ours: exp of the mean log perplexity, sqrt(110 x 120) = 114.89; t(0.975, 1) = 12.706 and the sd of the logs
        // |log 120 - log 110| / sqrt 2 = 0.06153, so exp(log 114.89 -+ 12.706 x 0.06153 / sqrt 2) = 66.1 and 199.7
        assertEquals(List.of("| who | seeds | test perplexity after epoch 2: mean [95% interval] (min-max, seeds) |",
                "|---|---|---|",
                "| the paper | - | 114.5 |",
                "| TensorFlow's tutorial | - | 115.91 |",
                "| the reference (`reference/pytorch/zaremba.py`, PyTorch) | 1 | 113.2 (1 seed) |",
                "| rnnlab | 2 | 114.9 [66.1, 199.7] (110.0-120.0, 2) |"), s.subList(0, 6));
        String said = String.join(" ", s.subList(6, s.size()));
        assertTrue(said.contains("The paper's 114.5 lies within our 95% interval."), said);
        // (2880 + 3120) / 2 = 3000 s
        assertTrue(said.contains("took 50 minutes (the mean of 2 seeds; 48 minutes to 52 minutes) here"), said);
        assertTrue(said.contains("The verdict against the reference is in the next section."), said);
    }

    @Test
    void aPrintedFigureOutsideOurIntervalIsSaidToBeAboveOrBelowIt(@TempDir Path tmp) throws Exception {
        WordLmPages.write(tmp, page(tmp, true, TABLE_1), List.of(seed(0, 100, 9000), seed(1, 100.5, 9000), seed(2, 99.5, 9000)));
        String said = String.join(" ", section(Files.readString(tmp.resolve("PtbZarembaSmall.md"))));
        assertTrue(said.contains("The paper's 114.5 lies above our 95% interval."), said);
        assertTrue(said.contains("| the reference (`reference/pytorch/zaremba.py`, PyTorch) | 0 | - |"), said);
        assertTrue(said.contains("took 2.5 hours (the mean of 3 seeds) here"), said); // no range when its ends round alike
        assertFalse(said.contains("The verdict against the reference"), "no reference, no verdict: " + said);
        WordLmPages.write(tmp, page(tmp, true, TABLE_1), List.of(seed(0, 130, 60), seed(1, 130.5, 60)));
        said = String.join(" ", section(Files.readString(tmp.resolve("PtbZarembaSmall.md"))));
        assertTrue(said.contains("The paper's 114.5 lies below our 95% interval."), said);
        // one seed has no interval to set the paper's figure in; a diverged seed leaves none either
        WordLmPages.write(tmp, page(tmp, true, TABLE_1), List.of(seed(0, 130, 60)));
        said = String.join(" ", section(Files.readString(tmp.resolve("PtbZarembaSmall.md"))));
        assertFalse(said.contains(" lies "), said);
        WordLmPages.write(tmp, page(tmp, true, TABLE_1), List.of(seed(0, 130, 60), seed(1, Double.NaN, 60)));
        said = String.join(" ", section(Files.readString(tmp.resolve("PtbZarembaSmall.md"))));
        assertFalse(said.contains(" lies "), said);
        assertTrue(said.contains("is not a number (it diverged)"), said);
    }

    @Test
    void theCoursesPagesAndOtherSettingsHaveNoSuchSection(@TempDir Path tmp) throws Exception {
        WordLmPages.write(tmp, page(tmp, true, null), List.of(seed(0, 110, 60)));
        assertFalse(Files.readString(tmp.resolve("PtbZarembaSmall.md")).contains("beside the published figures"));
        WordLmPages.write(tmp, page(tmp, false, TABLE_1), List.of(seed(0, 110, 60)));
        assertFalse(Files.readString(tmp.resolve("PtbZarembaSmall.md")).contains("beside the published figures"));
    }
}
