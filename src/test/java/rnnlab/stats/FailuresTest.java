package rnnlab.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import rnnlab.core.ResultsCsv;
import rnnlab.stats.Verdict.Outcome;

/** Seeds that failed outright: the rule per kind, Fisher's exact test by hand, the learnt seeds' verdict. */
class FailuresTest {
    @Test
    void fishersExactTestTwoSidedByHand() {
        // 5 of 5 against 0 of 5: margins 5 and 5 of 10; only the two extreme tables, each 1 / C(10,5) = 1/252
        assertEquals(2.0 / 252, Failures.fisher(5, 5, 0, 5), 1e-12);
        assertEquals(2.0 / 252, Failures.fisher(0, 5, 5, 5), 1e-12);
        // 3 of 4 against 0 of 4: P(x) = C(3,x) C(5,4-x) / 70 = 5, 30, 30, 5 (/70) for x = 0..3; the two 5s
        assertEquals(10.0 / 70, Failures.fisher(3, 4, 0, 4), 1e-12);
        // 2 of 3 against 1 of 7: P(x) = C(3,x) C(7,3-x) / 120 = 35, 63, 21, 1 (/120); 21 and 1 are no likelier
        assertEquals(22.0 / 120, Failures.fisher(2, 3, 1, 7), 1e-12);
        // the same table seen from the other side: 1 of 7 against 2 of 3
        assertEquals(22.0 / 120, Failures.fisher(1, 7, 2, 3), 1e-12);
        // 1 of 5 against 0 of 5: both tables have probability 1/2
        assertEquals(1.0, Failures.fisher(1, 5, 0, 5), 1e-12);
        // 1 of 5 against 2 of 5: P(x) = 21, 105, 105, 21 (/252); every table is no likelier than 105
        assertEquals(1.0, Failures.fisher(1, 5, 2, 5), 1e-12);
        // 0 of 5 against 3 of 5: x = 0 is 21/252; tables 0 and 3
        assertEquals(42.0 / 252, Failures.fisher(0, 5, 3, 5), 1e-12);
        assertEquals(1.0, Failures.fisher(0, 5, 0, 5), 1e-12, "no failures: nothing to tell apart");
    }

    private static final Figures.Figure PERPLEXITY = new Figures.Figure("sampling=sequential", "160", "perplexity",
            1.02, Figures.PERPLEXITY);

    @Test
    void jayChouDeepLstmsSeedThreeFailedAndTheOthersAreJudgedWithoutIt() {
        // epoch 160 as committed: pooled median (1.01585 + 1.01644) / 2, so a failure is above 10.16145
        double[] ours = {1.01644, 1.01585, 1.00871, 76.3655, 1.0103};
        double[] ref = {1.01004, 1.02603, 1.01438, 1.0232, 1.03335};
        assertEquals((1.01585 + 1.01644) / 2, Failures.median(concat(ours, ref)), 1e-12);
        Failures f = Failures.of(PERPLEXITY, ours, ref);
        assertEquals(List.of(1, 5, 0, 5), List.of(f.oursFailed(), f.oursSeeds(), f.referenceFailed(), f.referenceSeeds()));
        assertTrue(f.any());
        assertEquals(1.0, f.p(), 1e-12);
        Verdict learnt = Verdict.of(new double[] {1.01644, 1.01585, 1.00871, 1.0103}, ref, Figures.PERPLEXITY);
        assertEquals(learnt, f.learnt());
        assertTrue(f.learnt().memorisation());
    }

    @Test
    void theRulePerKind() {
        // perplexities and losses: more than 10 times the pooled median (median 2 here: 20 is not, 20.01 is)
        assertFalse(PERPLEXITY.failed(20, 2));
        assertTrue(PERPLEXITY.failed(20.01, 2));
        Figures.Figure loss = new Figures.Figure(Seeds.ALL, "final", "final_loss", 1.9, Figures.LOSS);
        assertTrue(loss.failed(5.01, 0.5));
        assertFalse(loss.failed(5, 0.5));
        // accuracies: at or below chance, 1/19 (DigitSum's 19 sums), whatever the median
        Figures.Figure acc = new Figures.Figure(null, "final", "test_accuracy", Double.NaN, Figures.ACCURACY);
        assertTrue(acc.failed(1.0 / 19, 0.8));
        assertTrue(acc.failed(0.05, 0.8));
        assertFalse(acc.failed(0.06, 0.006));
        // an odd count's median is its middle value
        assertEquals(3, Failures.median(new double[] {9, 1, 3}), 0);
    }

    @Test
    void aSideWithNoSeedThatLearntHasNoLearntVerdict() {
        Failures f = Failures.of(PERPLEXITY, new double[] {300, 400}, new double[] {1.0, 1.1, 1.05});
        assertEquals(2, f.oursFailed());
        assertEquals(0, f.referenceFailed());
        assertNull(f.learnt());
        // and the other way round: the reference's seeds failed
        Failures r = Failures.of(PERPLEXITY, new double[] {1.0, 1.1, 1.05}, new double[] {300, 400});
        assertEquals(List.of(0, 3, 2, 2), List.of(r.oursFailed(), r.oursSeeds(), r.referenceFailed(), r.referenceSeeds()));
        assertTrue(r.any(), "the reference's failures alone count");
        assertNull(r.learnt());
        Failures none = Failures.of(PERPLEXITY, new double[] {1.0, 1.1}, new double[] {1.05, 1.2});
        assertFalse(none.any());
        assertEquals(Verdict.of(new double[] {1.0, 1.1}, new double[] {1.05, 1.2}, Figures.PERPLEXITY), none.learnt());
        // 2 of 2 against 0 of 3: P(x) = C(2,x) C(3,2-x) / 10 = 3, 6, 1 (/10) for x = 0..2; only x = 2 is no likelier
        assertEquals(0.1, f.p(), 1e-12);
    }

    @Test
    void thePagesAndScoreboardShowTheFailuresBesideTheVerdict() {
        ResultsCsv ours = new ResultsCsv();
        ResultsCsv ref = new ResultsCsv();
        double[] o = {1.01644, 1.01585, 1.00871, 76.3655, 1.0103};
        double[] r = {1.01004, 1.02603, 1.01438, 1.0232, 1.03335};
        for (int s = 0; s < 5; s++) {
            ours.add("sampling=sequential;seed=" + s, "160", "perplexity", o[s]);
            ref.add("sampling=sequential;seed=" + s, "160", "perplexity", r[s]);
        }
        List<Comparison.Row> rows = Comparison.rows("JayChouDeepLstm", ours, ref);
        List<Comparison.Row> failed = Comparison.withFailures(rows);
        assertEquals(1, failed.size());
        Comparison.Row row = failed.get(0);
        assertEquals(Outcome.INCONCLUSIVE, row.verdict().outcome());
        List<String> cells = Comparison.failureCells(row, null);
        assertEquals(List.of("sampling=sequential, perplexity at epoch 160", "0 of 5 / 1 of 5", "1.000"),
                cells.subList(0, 3));
        assertEquals(Comparison.verdict(row.failures().learnt()), cells.get(5));
        assertTrue(cells.get(4).contains("memorisation regime"), cells.get(4));
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = new double[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
