package rnnlab.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rnnlab.core.ResultsCsv;
import rnnlab.report.Scoreboard;

/**
 * Judging from the same starts: the paired interval ({@link Verdict#paired}) and its plan
 * ({@link SeedPlan#sameStartsOf}) by hand-computed cases (scipy's t and normal quantiles, the arithmetic in the
 * comments), pairs matched by seed, and the scoreboard's section.
 */
class SameStartsTest {
    private static final double EPS = 1e-6;
    private static final Verdict.Tolerance ACCURACY = Verdict.Tolerance.absolute(0.05);

    /** Five pairs: d = 0.02, -0.04, 0.01, 0.08, -0.02, mean 0.01, sd 0.045826. */
    private static final double[] OURS = {0.50, 0.62, 0.41, 0.70, 0.55};
    private static final double[] REFERENCE = {0.48, 0.66, 0.40, 0.62, 0.57};

    @Test
    void thePairedIntervalIsStudentsTOnTheDifferences() {
        // d = 0.02, -0.01, 0.04: mean 0.016667, sd 0.025166, t(0.975, 2) = 4.302653, half 4.302653 * 0.025166 /
        // sqrt(3) = 0.062516: [-0.045849, 0.079183], wider than +-0.05 on one side: inconclusive
        Verdict v = Verdict.paired(new double[] {0.5, 0.6, 0.7}, new double[] {0.48, 0.61, 0.66}, ACCURACY);
        assertEquals(0.016667, v.difference(), EPS);
        assertEquals(-0.045849, v.low(), EPS);
        assertEquals(0.079183, v.high(), EPS);
        assertEquals(Verdict.Outcome.INCONCLUSIVE, v.outcome());
        // the five pairs: t(0.975, 4) = 2.776445, half 0.056900: [-0.046900, 0.066900]; Welch's on the same values,
        // unpaired, is +-0.158191: the pairing takes the starts' share of the spread away
        Verdict five = Verdict.paired(OURS, REFERENCE, ACCURACY);
        assertEquals(-0.046900, five.low(), EPS);
        assertEquals(0.066900, five.high(), EPS);
        Verdict welch = Verdict.of(OURS, REFERENCE, ACCURACY);
        assertEquals(0.158191, (welch.high() - welch.low()) / 2, EPS);
        // d = +-0.01 alternating: mean 0, sd 0.011547, t(0.975, 3) = 3.182446, half 0.018374: inside, reproduced
        Verdict inside = Verdict.paired(new double[] {0.5, 0.6, 0.7, 0.8}, new double[] {0.49, 0.61, 0.69, 0.81},
                ACCURACY);
        assertEquals(-0.018374, inside.low(), EPS);
        assertEquals(Verdict.Outcome.REPRODUCED, inside.outcome());
        // d = 0.10, 0.11, 0.09: mean 0.1, sd 0.01, half 4.302653 * 0.01 / sqrt(3) = 0.024841: [0.075159, 0.124841]
        Verdict outside = Verdict.paired(new double[] {0.6, 0.71, 0.49}, new double[] {0.5, 0.6, 0.4}, ACCURACY);
        assertEquals(0.075159, outside.low(), EPS);
        assertEquals(0.124841, outside.high(), EPS);
        assertEquals(Verdict.Outcome.DIFFERS, outside.outcome());
    }

    @Test
    void theToleranceEdgeIsInsideAndAnIntervalAcrossOneEdgeIsOpen() {
        // every difference exactly +-0.05 (0.05 - 0 is 0.05 in doubles), no spread: the interval is the edge itself,
        // which counts as inside, as for two sets of seeds
        assertEquals(Verdict.Outcome.REPRODUCED, Verdict.paired(new double[] {0.05, 0.05}, new double[] {0, 0}, ACCURACY)
                .outcome());
        assertEquals(Verdict.Outcome.REPRODUCED, Verdict.paired(new double[] {0, 0}, new double[] {0.05, 0.05}, ACCURACY)
                .outcome());
        // d = -0.06, -0.04, -0.05: mean -0.05, sd 0.01, half 0.024841: [-0.074841, -0.025159] lies across -0.05 and
        // wholly below +0.05: inconclusive, not differs
        Verdict across = Verdict.paired(new double[] {0.34, 0.56, 0.75}, new double[] {0.4, 0.6, 0.8}, ACCURACY);
        assertEquals(-0.074841, across.low(), EPS);
        assertEquals(-0.025159, across.high(), EPS);
        assertEquals(Verdict.Outcome.INCONCLUSIVE, across.outcome());
    }

    @Test
    void aFigureOpenAtItsCapOrItsPlanSaysWhyInPairs() {
        Figures.Figure capped = new Figures.Figure("length=35", "final", "test_accuracy", Double.NaN, ACCURACY, 3);
        // d = -0.05, 0.04, -0.11: mean -0.04, sd sqrt((0.0001 + 0.0064 + 0.0049) / 2) = 0.075498, half 4.302653 x
        // 0.075498 / sqrt 3 = 0.187546, wider than the tolerance
        double[] ours = {0.2, 0.4, 0.6};
        double[] ref = {0.25, 0.36, 0.71};
        Comparison.Row wide = new Comparison.Row("length=35, test accuracy", capped, Double.NaN,
                Seeds.summary("test_accuracy", ref), Seeds.summary("test_accuracy", ours),
                Verdict.paired(ours, ref, ACCURACY), null, 3);
        List<String> cells = Comparison.sameStartsCells(wide);
        assertEquals(Comparison.sameStartsHeader().size(), cells.size());
        assertEquals("3", cells.get(1));
        assertEquals("**inconclusive** at 3 pairs (the cap): its pairs' differences spread wider than its tolerance (sd "
                + "of the differences 0.075)", cells.get(cells.size() - 1));
        // d = 0.05, 0.06, 0.04: mean 0.05, sd 0.01, half 0.024841, narrower than the tolerance: at its edge; planned 3
        // of a cap of 30, all 3 in (no "so far")
        Figures.Figure cap30 = new Figures.Figure("length=35", "final", "test_accuracy", Double.NaN, ACCURACY, 30);
        double[] near = {0.55, 0.66, 0.44};
        double[] nearRef = {0.5, 0.6, 0.4};
        Comparison.Row edge = new Comparison.Row("f", cap30, Double.NaN, Seeds.summary("test_accuracy", nearRef),
                Seeds.summary("test_accuracy", near), Verdict.paired(near, nearRef, ACCURACY), null, 3);
        List<String> edgeCells = Comparison.sameStartsCells(edge);
        assertEquals("**inconclusive** at its planned 3 pairs: its difference lies at the tolerance's edge (sd of the "
                + "differences 0.010)", edgeCells.get(edgeCells.size() - 1));
        // planned 4 with 3 in: judged again at the plan, and said to be so far
        Comparison.Row early = new Comparison.Row("f", cap30, Double.NaN, Seeds.summary("test_accuracy", nearRef),
                Seeds.summary("test_accuracy", near), Verdict.paired(near, nearRef, ACCURACY), null, 4);
        List<String> earlyCells = Comparison.sameStartsCells(early);
        assertTrue(earlyCells.get(earlyCells.size() - 1).startsWith("**inconclusive** (")
                && earlyCells.get(earlyCells.size() - 1).endsWith(", so far: 3 of its 4 planned pairs"),
                earlyCells.get(earlyCells.size() - 1));
        // decided at its planned 4 pairs (d = +-0.01, reproduced as above): nothing more said
        double[] inside = {0.5, 0.6, 0.7, 0.8};
        double[] insideRef = {0.49, 0.61, 0.69, 0.81};
        Comparison.Row decided = new Comparison.Row("f", cap30, Double.NaN, Seeds.summary("test_accuracy", insideRef),
                Seeds.summary("test_accuracy", inside), Verdict.paired(inside, insideRef, ACCURACY), null, 4);
        List<String> decidedCells = Comparison.sameStartsCells(decided);
        assertEquals("**reproduced**", decidedCells.get(decidedCells.size() - 1));
    }

    @Test
    void lossesArePairedByTheirLogarithmsAndOnePairHasNoInterval() {
        // each of ours twice the reference's: every log difference ln 2 = 0.693147, no spread: differs at +-ln 1.1
        Verdict twice = Verdict.paired(new double[] {2.0, 3.0}, new double[] {1.0, 1.5}, Verdict.Tolerance.relative(0.1));
        assertEquals(Math.log(2), twice.low(), 1e-12);
        assertEquals(Math.log(2), twice.high(), 1e-12);
        assertEquals(Verdict.Outcome.DIFFERS, twice.outcome());
        Verdict one = Verdict.paired(new double[] {0.5}, new double[] {0.4}, ACCURACY);
        assertEquals(Verdict.Outcome.INCONCLUSIVE, one.outcome());
        assertEquals(Verdict.SINGLE_SEED, one.seedsToSettle());
        assertThrows(IllegalArgumentException.class, () -> Verdict.paired(new double[] {0.5}, new double[] {0.4, 0.5},
                ACCURACY));
    }

    private static ResultsCsv csv(double[] values, int... seeds) {
        ResultsCsv csv = new ResultsCsv();
        for (int i = 0; i < seeds.length; i++) {
            csv.addFinal(Seeds.setting("length=5", seeds[i]), "test_accuracy", values[i]);
            csv.addFinal(Seeds.setting("length=5", seeds[i]), "best_dev_accuracy", values[i]);
        }
        return csv;
    }

    @Test
    void pairsAreMatchedBySeedNotByTheirOrder() {
        // ours has seeds 3, 0, 1 in that order; the reference 0 to 4: the pairs are seeds 0, 1 and 3
        ResultsCsv ours = csv(new double[] {OURS[3], OURS[0], OURS[1]}, 3, 0, 1);
        ResultsCsv reference = csv(REFERENCE, 0, 1, 2, 3, 4);
        List<Comparison.Row> rows = Comparison.sameStartsRows("DigitSumSrn", ours, reference, Map.of());
        Comparison.Row test = rows.stream().filter(r -> r.spec().metric().equals("test_accuracy")).findFirst().orElseThrow();
        Verdict expected = Verdict.paired(new double[] {OURS[0], OURS[1], OURS[3]},
                new double[] {REFERENCE[0], REFERENCE[1], REFERENCE[3]}, ACCURACY);
        assertEquals(expected, test.verdict());
        assertEquals(3, test.ours().n());
        assertEquals(3, test.reference().n(), "the reference's summary is of the paired seeds alone");
        // d = 0.02, -0.04, 0.08: mean 0.02
        assertEquals(0.02, test.verdict().difference(), EPS);
    }

    @Test
    void thePlanGivesEachFigureThePairsForEightyPercentPowerWithThePairedInterval() {
        // the pilot's d: mean 0.01, sd 0.045826; with n pairs se = sd / sqrt(n), h = t(0.975, n - 1) se, the chance
        // Phi((0.05 - h - 0.01) / se) - Phi((-0.05 + h - 0.01) / se) (+ the outside tails):
        // n = 12: se 0.013229, h 0.029116, 0.784887; n = 13: se 0.012710, h 0.027692, 0.828059: 13 pairs
        SeedPlan plan = SeedPlan.sameStartsOf("DigitSumSrn", csv(OURS, 0, 1, 2, 3, 4), csv(REFERENCE, 0, 1, 2, 3, 4));
        SeedPlan.Need need = plan.needs().stream().filter(n -> n.metric().equals("test_accuracy")).findFirst().orElseThrow();
        assertEquals(13, need.needed());
        assertEquals(13, need.planned());
        assertEquals(5, need.oursSeeds());
        assertEquals(0.045826, need.sdOurs(), EPS);
        assertEquals(0, need.sdReference(), "the paired plan keeps the differences' sd as ours and none as the reference's");
        assertEquals(0.784887, need.decidedAt(12), EPS);
        assertEquals(0.828059, need.decidedAt(13), EPS);
        assertEquals(Map.of("length=5", 13), plan.perSetting());
        // pairs that agree to the digit need no more than the pilot: planned never below the pairs there are
        SeedPlan same = SeedPlan.sameStartsOf("DigitSumSrn", csv(OURS, 0, 1, 2, 3, 4), csv(OURS, 0, 1, 2, 3, 4));
        assertEquals(2, same.needs().get(0).needed());
        assertEquals(5, same.needs().get(0).planned());
    }

    @Test
    void theScoreboardSaysTheSameStartsVerdictsAndTheirCounts(@TempDir Path results) throws Exception {
        Files.createDirectories(results.resolve("reference"));
        csv(REFERENCE, 0, 1, 2, 3, 4).write(results.resolve("reference").resolve("DigitSumSrn.csv"));
        Path same = Files.createDirectories(results.resolve(Scoreboard.SAME_STARTS));
        csv(OURS, 0, 1, 2, 3, 4).write(same.resolve("DigitSumSrn.csv"));
        csv(OURS, 0, 1, 2, 3, 4).write(results.resolve("DigitSumSrn.csv")); // our own seeds': the summary at the top
        Scoreboard.write(results);
        String page = Files.readString(results.resolve("README.md"));
        assertTrue(page.contains("## Verdicts from the same starts"), page);
        // both figures inconclusive, no plan: 0 / 0 / 2 of 2
        assertTrue(page.contains("| [DigitSumSrn](DigitSumSrn.md) | 0 | 0 | 2 | 0 | 0 | 2 |"), page);
        // the paired interval of the five pairs, to the accuracies' two decimals: +0.01 [-0.05, +0.07]
        assertTrue(page.contains("| length=5, test accuracy | 5 |"), page);
        // a row per experiment above its figures, a cell per column
        assertTrue(page.contains("\n| **[DigitSumSrn](DigitSumSrn.md)** |  |  |  |  |  |  |  |\n"), page);
        assertTrue(page.contains("[from the same starts](#verdicts-from-the-same-starts)"), page);
        assertTrue(page.contains("[-0.05, +0.07]"), page);
        // with a plan of 13 pairs, the five so far say so; ~8: t(0.975, 7) 0.045826 / sqrt(8) = 0.0383 clears 0.05 - 0.01
        SeedPlan.sameStartsOf("DigitSumSrn", csv(OURS, 0, 1, 2, 3, 4), csv(REFERENCE, 0, 1, 2, 3, 4)).write(same);
        Scoreboard.write(results);
        page = Files.readString(results.resolve("README.md"));
        assertTrue(page.contains("| **inconclusive** (~8 pairs), so far: 5 of its 13 planned pairs |"), page);
    }
}
