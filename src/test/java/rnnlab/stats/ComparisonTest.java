package rnnlab.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rnnlab.core.Config;
import rnnlab.core.Markdown;
import rnnlab.core.ResultsCsv;
import rnnlab.stats.Verdict.Outcome;

/** The comparison's cells and page section, character by character, from hand-made summaries and verdicts. */
class ComparisonTest {
    private static final double NAN = Double.NaN;

    private static Figures.Figure perplexityAt40(double printed) {
        return new Figures.Figure("sampling=sequential", "40", "perplexity", printed, Figures.PERPLEXITY);
    }

    @Test
    void anAccuracyRowWithASingleSeedOnOurSide() {
        Comparison.Row r = new Comparison.Row("length=10, test accuracy",
                new Figures.Figure(null, "final", "test_accuracy", NAN, Figures.ACCURACY), NAN,
                new Summary(3, 0.5, 0.1, 0.4, 0.6, 0.25, 0.75), new Summary(1, 0.55, NAN, 0.55, 0.55, NAN, NAN),
                new Verdict(Outcome.INCONCLUSIVE, 0.05, NAN, NAN, 0.05, Verdict.SINGLE_SEED));
        assertEquals(List.of("[DigitSumSrn](DigitSumSrn.md)", "length=10, test accuracy", "-",
                "0.500 [0.250, 0.750] (0.400-0.600, 3)", "0.550 (1 seed)", "+0.050 / ±0.050",
                "**inconclusive (a side has a single seed: no interval yet)**", "-"), Comparison.cells(r, "DigitSumSrn"));
        assertNull(r.printedWithin(r.ours()), "nothing printed");
    }

    @Test
    void aPerplexityRowThatDiffers() {
        Comparison.Row r = new Comparison.Row("sampling=sequential, perplexity at epoch 40", perplexityAt40(1.02), 1.02,
                new Summary(3, 1.02, 0.01, 1.01, 1.03, 1.005, 1.035), new Summary(3, 1.3, 0.05, 1.2, 1.4, 1.1, 1.5),
                new Verdict(Outcome.DIFFERS, Math.log(1.25), Math.log(1.2), Math.log(1.3), Math.log(1.05), 0));
        // ours' mean is in [1.01, 1.5): four decimals
        assertEquals(List.of("sampling=sequential, perplexity at epoch 40", "1.0200",
                "1.0200 [1.0050, 1.0350] (1.0100-1.0300, 3)", "1.3000 [1.1000, 1.5000] (1.2000-1.4000, 3)",
                "+25.0% [+20.0%, +30.0%] / ±5%", "**differs**", "yes / no"), Comparison.cells(r, null));
    }

    @Test
    void absoluteAndRelativeDifferencesWithAndWithoutAnInterval() {
        Figures.Figure acc = new Figures.Figure(null, "final", "test_accuracy", NAN, Figures.ACCURACY);
        Summary s = new Summary(3, 0.5, 0.1, 0.4, 0.6, 0.25, 0.75);
        Comparison.Row interval = new Comparison.Row("f", acc, NAN, s, s,
                new Verdict(Outcome.INCONCLUSIVE, -0.02, -0.07, 0.0, 0.05, 9));
        assertEquals("-0.020 [-0.070, +0.000] / ±0.050", Comparison.cells(interval, null).get(4));
        assertEquals("**inconclusive (about 9 seeds a side would likely settle it)**", Comparison.cells(interval, null).get(5));
        Comparison.Row zero = new Comparison.Row("f", acc, NAN, s, s, new Verdict(Outcome.REPRODUCED, 0.0, NAN, NAN, 0.05, 0));
        assertEquals("+0.000 / ±0.050", Comparison.cells(zero, null).get(4));

        Summary p = new Summary(3, 50, 0.1, 40, 60, 45, 55);
        Comparison.Row lower = new Comparison.Row("f", perplexityAt40(NAN), NAN, p, p,
                new Verdict(Outcome.INCONCLUSIVE, Math.log(0.9), NAN, NAN, Math.log(1.05), Verdict.SINGLE_SEED));
        assertEquals("-10.0% / ±5%", Comparison.cells(lower, null).get(4));
        Comparison.Row same = new Comparison.Row("f", perplexityAt40(NAN), NAN, p, p,
                new Verdict(Outcome.REPRODUCED, 0.0, Math.log(0.98), Math.log(1.03), Math.log(1.05), 0));
        assertEquals("+0.0% [-2.0%, +3.0%] / ±5%", Comparison.cells(same, null).get(4));
        assertEquals(List.of("f", "-", "-", "50.00 [45.00, 55.00] (40.00-60.00, 3)", "-", "-", "-"),
                Comparison.cells(new Comparison.Row("f", perplexityAt40(NAN), NAN, null, p, null), null));
    }

    @Test
    void perplexitiesGetTheirDecimalsFromOurMean() {
        // under 1.01: five; under 1.5: four; under 100: two; else one
        double[][] cases = {{1.00999, 5}, {1.01, 4}, {1.49999, 4}, {1.5, 2}, {99.99, 2}, {100, 1}, {250, 1}};
        for (double[] c : cases) {
            Summary s = new Summary(1, c[0], NAN, c[0], c[0], NAN, NAN);
            String cell = Comparison.cells(new Comparison.Row("f", perplexityAt40(NAN), NAN, null, s, null), null).get(3);
            String number = cell.substring(0, cell.indexOf(' '));
            assertEquals((int) c[1], number.length() - number.indexOf('.') - 1, c[0] + ": " + cell);
        }
    }

    @Test
    void thePrintedValueWithinAnIntervalIncludesItsEnds() {
        Summary s = new Summary(3, 1.0, 0.1, 0.9, 1.1, 0.8, 1.2);
        for (double printed : new double[] {0.9, 1.0, 1.1}) {
            assertEquals(Boolean.TRUE, row(printed).printedWithin(s), "" + printed);
        }
        for (double printed : new double[] {0.8999, 1.1001}) {
            assertEquals(Boolean.FALSE, row(printed).printedWithin(s), "" + printed);
        }
        assertNull(row(1.0).printedWithin(null));
        Summary ours = new Summary(1, 1.2, NAN, 1.2, 1.2, NAN, NAN);
        assertEquals("yes / no", Comparison.cells(new Comparison.Row("f", perplexityAt40(1.0), 1.0, s, ours, null), null)
                .get(6));
    }

    private static Comparison.Row row(double printed) {
        return new Comparison.Row("f", perplexityAt40(printed), printed, null, null, null);
    }

    @Test
    void theHeaderWithAndWithoutTheExperimentColumn() {
        List<String> h = Comparison.header(false);
        assertEquals(7, h.size());
        assertEquals("figure", h.get(0));
        assertEquals("verdict", h.get(5));
        List<String> withExperiment = Comparison.header(true);
        assertEquals("experiment", withExperiment.get(0));
        assertEquals(h, withExperiment.subList(1, 8));
    }

    @Test
    void onlyTheFullProfileWithSeedsOrLayersOverriddenIsTheTutorialsSettings() {
        Map<String, String> entries = Map.of("seeds", "0", "layers", "project", "lr", "1", "quick.lr", "2");
        assertTrue(Comparison.tutorialSettings(Config.of("X", "full", entries, Map.of())));
        assertTrue(Comparison.tutorialSettings(Config.of("X", "full", entries, Map.of("seeds", "0..9", "layers", "dl4j"))));
        assertFalse(Comparison.tutorialSettings(Config.of("X", "full", entries, Map.of("lr", "1"))));
        assertFalse(Comparison.tutorialSettings(Config.of("X", "full", entries, Map.of("seeds", "1", "lr", "3"))));
        assertFalse(Comparison.tutorialSettings(Config.of("X", "quick", entries, Map.of())));
    }

    @Test
    void theReferenceIsReadWhenThereAndWhole(@TempDir Path tmp) throws Exception {
        assertEquals(tmp.resolve("reference/X.csv"), Comparison.referenceFile(tmp, "X"));
        assertNull(Comparison.readReference(tmp, "X"));
        Files.createDirectories(tmp.resolve("reference"));
        Files.writeString(tmp.resolve("reference/X.csv"), "not a results table\n");
        assertNull(Comparison.readReference(tmp, "X"));
        Files.writeString(tmp.resolve("reference/X.csv"), ResultsCsv.HEADER + "\nseed=0,final,final_loss,0.5\n");
        assertEquals(0.5, Comparison.readReference(tmp, "X").get("seed=0", "final", "final_loss").orElseThrow());
    }

    private static ResultsCsv helloRuns(double... losses) {
        ResultsCsv csv = new ResultsCsv();
        for (int s = 0; s < losses.length; s++) {
            csv.addFinal("seed=" + s, "final_loss", losses[s]);
        }
        return csv;
    }

    @Test
    void theSectionSaysWhatItCanCompare(@TempDir Path tmp) throws Exception {
        ResultsCsv ours = helloRuns(1.9, 2.0, 1.95);
        Markdown none = new Markdown();
        Comparison.section(none, "ShapesTour", ours, tmp, true);
        assertEquals("", none.text(), "an experiment without tutorial figures has no section");

        Markdown quick = new Markdown();
        Comparison.section(quick, "HelloOhlolRnnCell", ours, tmp, false);
        assertTrue(quick.text().startsWith("## Against the tutorial's own code\n\n"), quick.text());
        assertTrue(quick.text().contains("this run has other settings, so it has none"), quick.text());
        assertFalse(quick.text().contains("|"), "no table");

        Markdown noReference = new Markdown();
        Comparison.section(noReference, "HelloOhlolRnnCell", ours, tmp, true);
        assertTrue(noReference.text().contains("No reference runs yet: `results/reference/HelloOhlolRnnCell.csv`"),
                noReference.text());
        assertTrue(noReference.text().contains("| final loss | 1.946 | - | 1.950 ["), noReference.text());

        Path results = tmp.resolve("results/reference");
        Files.createDirectories(results);
        Files.writeString(results.resolve("HelloOhlolRnnCell.csv"), helloRuns(1.0, 1.01, 0.99).text());
        Markdown differs = new Markdown();
        Comparison.section(differs, "HelloOhlolRnnCell", ours, tmp, true);
        String text = differs.text();
        assertTrue(text.contains(Comparison.VERDICT_RULE), text);
        assertTrue(text.contains("| **differs** |"), text);
        assertFalse(text.contains("Known differences"), "HelloOhlolRnnCell names none");

        Files.writeString(results.resolve("HelloOhlolRnn.csv"), helloRuns(1.0, 1.01, 0.99).text());
        Markdown known = new Markdown();
        Comparison.section(known, "HelloOhlolRnn", ours, tmp, true);
        assertTrue(known.text().contains("Known differences from the tutorial's code: " + Figures.why("HelloOhlolRnn")),
                known.text());

        Markdown same = new Markdown();
        Comparison.section(same, "HelloOhlolRnn", helloRuns(1.0, 1.01, 0.99), tmp, true);
        assertTrue(same.text().contains("**reproduced**"), same.text());
        assertFalse(same.text().contains("Known differences"), "said only beside a figure that differs");

        Markdown empty = new Markdown();
        Comparison.section(empty, "HelloOhlolRnn", new ResultsCsv(), tmp, true);
        assertTrue(empty.text().endsWith("No run has reached the figures the tutorial printed yet.\n\n"), empty.text());
    }

    @Test
    void knownDifferencesAreNamedPerExperiment() {
        assertTrue(Figures.why("JayChouGru").contains("d2l's equations"));
        assertEquals("", Figures.why("DigitSumSrn"));
        assertEquals(List.of(), Figures.of("ShapesTour"));
        assertEquals("length=10, test accuracy", Figures.of("DigitSumSrn").get(0).label("length=10"));
        assertEquals("final loss", Figures.of("HelloOhlolRnn").get(0).label(Seeds.ALL));
    }
}
