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
