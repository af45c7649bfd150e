package rnnlab.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
        // accuracies on 100-example sets: two decimals
        assertEquals(List.of("[DigitSumSrn](DigitSumSrn.md)", "length=10, test accuracy", "-", "0.50 [0.25, 0.75]",
                "0.55", "+0.05", "±0.05", "**inconclusive** (single seed)"), Comparison.cells(r, "DigitSumSrn"));
        assertEquals(List.of("[DigitSumSrn](DigitSumSrn.md)", "length=10, test accuracy", "3 / 1", "0.40–0.60", "-", "-"),
                Comparison.spreadCells(r, "DigitSumSrn"));
        assertNull(r.printedWithin(r.ours()), "nothing printed");
    }

    @Test
    void aPerplexityRowThatDiffers() {
        Comparison.Row r = new Comparison.Row("sampling=sequential, perplexity at epoch 40", perplexityAt40(1.02), 1.02,
                new Summary(3, 1.02, 0.01, 1.01, 1.03, 1.005, 1.035), new Summary(3, 1.3, 0.05, 1.2, 1.4, 1.1, 1.5),
                new Verdict(Outcome.DIFFERS, Math.log(1.25), Math.log(1.2), Math.log(1.3), Math.log(1.05), 0));
        // ours' mean is in [1.01, 1.5): four decimals
        assertEquals(List.of("sampling=sequential, perplexity at epoch 40", "1.0200", "1.0200 [1.0050, 1.0350]",
                "1.3000 [1.1000, 1.5000]", "+0.223 [+0.182, +0.262]", "±0.049 nats (5% in perplexity)", "**differs**"),
                Comparison.cells(r, null), "log 1.25, log 1.2, log 1.3 nats of cross-entropy; the bound log 1.05");
        assertEquals(List.of("sampling=sequential, perplexity at epoch 40", "3 / 3", "1.0100–1.0300", "1.2000–1.4000",
                "yes / no"), Comparison.spreadCells(r, null));
    }

    @Test
    void absoluteAndRelativeDifferencesWithAndWithoutAnInterval() {
        Figures.Figure acc = new Figures.Figure(null, "final", "test_accuracy", NAN, Figures.ACCURACY);
        Summary s = new Summary(3, 0.5, 0.1, 0.4, 0.6, 0.25, 0.75);
        Comparison.Row interval = new Comparison.Row("f", acc, NAN, s, s,
                new Verdict(Outcome.INCONCLUSIVE, -0.02, -0.07, 0.0, 0.05, 9));
        assertEquals("-0.02 [-0.07, +0.00]", Comparison.cells(interval, null).get(4));
        assertEquals("±0.05", Comparison.cells(interval, null).get(5));
        assertEquals("**inconclusive** (~9 seeds)", Comparison.cells(interval, null).get(6));
        Comparison.Row zero = new Comparison.Row("f", acc, NAN, s, s, new Verdict(Outcome.REPRODUCED, 0.0, NAN, NAN, 0.05, 0));
        assertEquals("+0.00", Comparison.cells(zero, null).get(4));
        assertEquals("**reproduced**", Comparison.cells(zero, null).get(6));

        Summary p = new Summary(3, 50, 0.1, 40, 60, 45, 55);
        Comparison.Row lower = new Comparison.Row("f", perplexityAt40(NAN), NAN, p, p,
                new Verdict(Outcome.INCONCLUSIVE, Math.log(0.9), NAN, NAN, Math.log(1.05), Verdict.SINGLE_SEED));
        assertEquals("-0.105", Comparison.cells(lower, null).get(4), "log 0.9 nats");
        assertEquals("±0.049 nats (5% in perplexity)", Comparison.cells(lower, null).get(5));
        Comparison.Row same = new Comparison.Row("f", perplexityAt40(NAN), NAN, p, p,
                new Verdict(Outcome.REPRODUCED, 0.0, Math.log(0.98), Math.log(1.03), Math.log(1.05), 0));
        assertEquals("+0.000 [-0.020, +0.030]", Comparison.cells(same, null).get(4), "log 0.98, log 1.03");
        // in the memorisation regime: the bound is a quarter of the reference's cross-entropy, its decimals follow it
        Comparison.Row memorised = new Comparison.Row("f", perplexityAt40(NAN), NAN, p, p,
                new Verdict(Outcome.INCONCLUSIVE, 0.0021, -0.0012, 0.0054, 0.0035, 7, true));
        assertEquals("+0.0021 [-0.0012, +0.0054]", Comparison.cells(memorised, null).get(4));
        assertEquals("±0.0035 nats (memorisation regime: 25% of the reference's 0.0140)",
                Comparison.cells(memorised, null).get(5));
        // without a reference the bound is unknown: it may be a share of the reference's cross-entropy
        Comparison.Row alone = new Comparison.Row("f", perplexityAt40(NAN), NAN, null, p, null);
        assertEquals(List.of("f", "-", "-", "50.00 [45.00, 55.00]", "-", "-", "-"), Comparison.cells(alone, null));
        assertEquals(List.of("f", "- / 3", "-", "40.00–60.00", "-"), Comparison.spreadCells(alone, null));
    }

    @Test
    void theWordPagesPerEpochCellsKeepTheirOwnForm() {
        assertEquals("155.6 [153.7, 157.6] (154.8-156.3, 3)",
                Comparison.describe(new Summary(3, 155.637, 0.8, 154.8, 156.3, 153.71, 157.6), 1));
        assertEquals("155.6 (1 seed)", Comparison.describe(new Summary(1, 155.637, NAN, 155.637, 155.637, NAN, NAN), 1));
        assertEquals("-", Comparison.describe(null, 1));
    }

    @Test
    void anInconclusiveVerdictSaysWhatWouldSettleIt() {
        Figures.Figure acc = new Figures.Figure(null, "final", "test_accuracy", NAN, Figures.ACCURACY);
        Summary s = new Summary(3, 0.5, 0.1, 0.4, 0.6, 0.25, 0.75);
        int[] seeds = {Verdict.SINGLE_SEED, 2, 100, 101};
        String[] said = {"**inconclusive** (single seed)", "**inconclusive** (~2 seeds)", "**inconclusive** (~100 seeds)",
                "**inconclusive** (>100 seeds)"};
        for (int i = 0; i < seeds.length; i++) {
            Verdict v = new Verdict(Outcome.INCONCLUSIVE, 0.0, -0.1, 0.1, 0.05, seeds[i]);
            assertEquals(said[i], Comparison.cells(new Comparison.Row("f", acc, NAN, s, s, v), null).get(6));
        }
        assertEquals("**differs**", Comparison.cells(new Comparison.Row("f", acc, NAN, s, s,
                new Verdict(Outcome.DIFFERS, 0.2, 0.1, 0.3, 0.05, 0)), null).get(6));
    }

    @Test
    void aLossRowHasThreeDecimalsAndARelativeTolerance() {
        Figures.Figure loss = new Figures.Figure(null, "final", "final_loss", 0.398, Figures.LOSS);
        Comparison.Row r = new Comparison.Row("final loss", loss, 0.398, new Summary(10, 0.4671, 0.06, 0.3759, 0.5702,
                0.4232, 0.5111), new Summary(10, 0.4174, 0.06, 0.3631, 0.5468, 0.3729, 0.4619),
                new Verdict(Outcome.INCONCLUSIVE, Math.log(0.893), Math.log(0.785), Math.log(1.015), Math.log(1.1), 101));
        assertEquals(List.of("final loss", "0.398", "0.467 [0.423, 0.511]", "0.417 [0.373, 0.462]",
                "-10.7% [-21.5%, +1.5%]", "±10%", "**inconclusive** (>100 seeds)"), Comparison.cells(r, null));
        assertEquals(List.of("final loss", "10 / 10", "0.376–0.570", "0.363–0.547", "yes / yes"),
                Comparison.spreadCells(r, null));
    }

    @Test
    void perplexitiesGetTheirDecimalsFromOurMean() {
        // under 1.01: five; under 1.5: four; under 100: two; else one
        double[][] cases = {{1.00999, 5}, {1.01, 4}, {1.49999, 4}, {1.5, 2}, {99.99, 2}, {100, 1}, {250, 1}};
        for (double[] c : cases) {
            Summary s = new Summary(1, c[0], NAN, c[0], c[0], NAN, NAN);
            String number = Comparison.cells(new Comparison.Row("f", perplexityAt40(NAN), NAN, null, s, null), null).get(3);
            assertEquals((int) c[1], number.length() - number.indexOf('.') - 1, c[0] + ": " + number);
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
        assertEquals("yes / no", Comparison.spreadCells(new Comparison.Row("f", perplexityAt40(1.0), 1.0, s, ours, null), null)
                .get(4));
    }

    private static Comparison.Row row(double printed) {
        return new Comparison.Row("f", perplexityAt40(printed), printed, null, null, null);
    }

    @Test
    void theHeaderWithAndWithoutTheExperimentColumn() {
        List<String> h = Comparison.header(false);
        assertEquals(List.of("figure", "tutorial printed", "reference: mean [95% interval]", "ours: mean [95% interval]",
                "difference [95% interval]", "tolerance", "verdict"), h);
        List<String> withExperiment = Comparison.header(true);
        assertEquals("experiment", withExperiment.get(0));
        assertEquals(h, withExperiment.subList(1, 8));
        List<String> spread = Comparison.spreadHeader(false);
        assertEquals(List.of("figure", "seeds: reference / ours", "reference: min–max", "ours: min–max",
                "printed value within min–max: reference / ours"), spread);
        assertEquals("experiment", Comparison.spreadHeader(true).get(0));
        assertEquals(spread, Comparison.spreadHeader(true).subList(1, 6));
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
        assertTrue(text.replace('\n', ' ').contains(Comparison.VERDICT_RULE), "the rule, wrapped: " + text);
        assertTrue(text.contains("\n| final loss | 1.946 | 1.000 [0.975, 1.025] | 1.950 [1.826, 2.074] | "
                + "+95.0% [+84.5%, +106.1%] | ±10% | **differs** |\n"), text);
        assertTrue(text.contains("\n| final loss | 3 / 3 | 0.990–1.010 | 1.900–2.000 | no / yes |\n"), text);
        assertTrue(text.lines().allMatch(l -> l.startsWith("|") || l.length() <= Comparison.WIDTH), "paragraphs wrapped: " + text);
        assertFalse(text.contains("Known differences"), "HelloOhlolRnnCell names none");
        assertFalse(text.contains("failed outright"), "no seed failed: no failures table");

        // a seed of ours at 30 times the pooled median failed: the failures table follows the spread table
        Markdown failed = new Markdown();
        Comparison.section(failed, "HelloOhlolRnnCell", helloRuns(1.0, 1.02, 30), tmp, true);
        assertTrue(failed.text().contains("Seeds that failed outright. " + Comparison.FAILURE_RULE.substring(0, 40)),
                failed.text());
        assertTrue(failed.text().contains("\n| " + String.join(" | ", Comparison.failureHeader(false)) + " |\n"),
                failed.text());
        // the pooled median (1.0 + 1.01) / 2: 30 failed; the learnt 1.0, 1.02 against 1.0, 1.01, 0.99: +1.0%
        assertTrue(failed.text().contains("\n| final loss | 0 of 3 / 1 of 3 | 1.000 | +1.0% [-4.8%, +7.1%] | ±10% | "
                + "**reproduced** |\n"), failed.text());

        Files.writeString(results.resolve("HelloOhlolRnn.csv"), helloRuns(1.0, 1.01, 0.99).text());
        Markdown known = new Markdown();
        Comparison.section(known, "HelloOhlolRnn", ours, tmp, true);
        // the layers now have PyTorch's two biases: HelloOhlolRnn names no known difference, and beside "differs"
        // the page says that none is named and where the finding goes
        assertTrue(known.text().contains("**differs**"), known.text());
        assertFalse(known.text().contains("Known differences"), known.text());
        assertTrue(known.text().endsWith("\n\n" + Markdown.wrap("**No cause is named yet** for the figures that "
                + "differ: what explains them (a difference of code or settings), or what was tried without finding "
                + "one, belongs in `about.differences` of `experiments/HelloOhlolRnn.properties`, which this page "
                + "quotes.", Comparison.WIDTH) + "\n\n"), known.text());
        assertTrue(known.text().lines().allMatch(l -> l.startsWith("|") || l.length() <= Comparison.WIDTH), known.text());

        // an experiment that names a difference says it, wrapped, after the tables, beside a figure that differs
        String cause = "its layers have one bias where the tutorial's have two, so every bias learns at half speed";
        Markdown named = new Markdown();
        Comparison.section(named, "HelloOhlolRnn", ours, tmp, true, cause);
        String namedText = named.text();
        assertTrue(namedText.endsWith("\n\n" + Markdown.wrap("Known differences from the tutorial's code: " + cause,
                Comparison.WIDTH) + "\n\n"), namedText);
        assertTrue(namedText.indexOf("Known differences") > namedText.lastIndexOf("| final loss |"), namedText);

        Markdown same = new Markdown();
        Comparison.section(same, "HelloOhlolRnn", helloRuns(1.0, 1.01, 0.99), tmp, true, cause);
        assertTrue(same.text().contains("**reproduced**"), same.text());
        assertFalse(same.text().contains("Known differences"), "said only beside a figure that differs");
        assertFalse(same.text().contains("No cause is named"), "said only beside a figure that differs");

        Markdown empty = new Markdown();
        Comparison.section(empty, "HelloOhlolRnn", new ResultsCsv(), tmp, true);
        assertTrue(empty.text().endsWith("No run has reached the figures the tutorial printed yet.\n\n"), empty.text());
    }

    /** The rules the pages print are written from the tolerances' constants, as computed by hand here. */
    @Test
    void theRulesStateTheTolerancesTheVerdictsUse() {
        // ln(1.05) = 0.048790; / 0.25 = 0.195161 nats; exp(0.195161) = 1.2155
        assertEquals(0.195161, Figures.PERPLEXITY.memorisationBelow(), 1e-6);
        assertTrue(Figures.PERPLEXITY.memorisation(0.195) && !Figures.PERPLEXITY.memorisation(0.1952));
        assertTrue(Double.isNaN(Figures.ACCURACY.memorisationBelow()) && Double.isNaN(Figures.LOSS.memorisationBelow()));
        assertEquals("a quarter", Comparison.shareInWords(0.25));
        assertEquals("10%", Comparison.shareInWords(0.1));
        assertTrue(Comparison.VERDICT_RULE.contains("Accuracies: as they are, within \u00b10.05. Losses: as ratios, "
                + "within \u00b110%. Perplexities: as cross-entropies (nats per token, the log perplexity), within log "
                + "1.05 (5% in perplexity) or a quarter of the reference's mean cross-entropy, whichever is smaller: "
                + "below 0.195 nats (perplexity 1.22), where a model has all but memorised its text, 5% would exceed "
                + "the whole cross-entropy, so the quarter applies there"), Comparison.VERDICT_RULE);
        assertTrue(Comparison.FAILURE_RULE.contains("at or below chance (1/19: DigitSum's label is one of 19 sums)"),
                Comparison.FAILURE_RULE);
        assertEquals(1.0 / 19, Figures.CHANCE);
    }

    @Test
    void knownDifferencesAreNamedPerExperiment() {
        assertEquals("", Figures.why("JayChouGru")); // its GRU is nn.GRU's form now
        assertEquals("", Figures.why("DigitSumSrn"));
        assertEquals(List.of(), Figures.of("ShapesTour"));
        assertEquals("length=10, test accuracy", Figures.of("DigitSumSrn").get(0).label("length=10"));
        assertEquals("final loss", Figures.of("HelloOhlolRnn").get(0).label(Seeds.ALL));
    }

    @Test
    void theCountsOfEachOutcomeLeaveOutRowsWithoutAVerdict() {
        Figures.Figure acc = new Figures.Figure(null, "final", "test_accuracy", NAN, Figures.ACCURACY);
        Summary s = new Summary(3, 0.5, 0.1, 0.4, 0.6, 0.25, 0.75);
        List<Comparison.Row> rows = List.of(
                new Comparison.Row("a", acc, NAN, s, s, new Verdict(Outcome.REPRODUCED, 0, 0, 0, 0.05, 0)),
                new Comparison.Row("b", acc, NAN, null, s, null),
                new Comparison.Row("c", acc, NAN, s, s, new Verdict(Outcome.INCONCLUSIVE, 0, -1, 1, 0.05, 9)),
                new Comparison.Row("d", acc, NAN, s, s, new Verdict(Outcome.INCONCLUSIVE, 0, -1, 1, 0.05, 9)),
                new Comparison.Row("e", acc, NAN, s, s, new Verdict(Outcome.DIFFERS, 1, 0.9, 1.1, 0.05, 0)));
        assertArrayEquals(new int[] {1, 1, 2}, Comparison.counts(rows), "reproduced, differs, inconclusive");
        assertArrayEquals(new int[] {0, 0, 0}, Comparison.counts(List.of()));
        assertEquals(List.of("experiment", "figure", "failed seeds: reference / ours", "Fisher's exact p",
                "seeds that learnt: difference [95% interval]", "tolerance", "verdict on the seeds that learnt"),
                Comparison.failureHeader(true));
        assertEquals(Comparison.failureHeader(true).subList(1, 7), Comparison.failureHeader(false));
    }

    @Test
    void aLossThatDoesNotMoveIsPlusZeroPercent() {
        Figures.Figure loss = new Figures.Figure(null, "final", "final_loss", 0.398, Figures.LOSS);
        Summary s = new Summary(3, 0.4, 0.06, 0.35, 0.45, 0.3, 0.5);
        assertEquals("+0.0% [-1.0%, +0.0%]", Comparison.cells(new Comparison.Row("f", loss, NAN, s, s,
                new Verdict(Outcome.REPRODUCED, 0.0, Math.log(0.99), 0.0, Math.log(1.1), 0)), null).get(4));
    }
}
