package rnnlab.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import rnnlab.core.UserError;

/** The halving schedule's rungs and promotions, the seed-averaged ranking and the confirmation's verdict, by hand. */
class HalvingTest {
    private static Halving accuracy(int eta) {
        return new Halving(Halving.rungs(9, eta, 3, 3), eta, "best_dev_accuracy", false);
    }

    @Test
    void rungsGrowByEtaInEpochsAndGeometricallyInSeeds() {
        assertEquals(List.of(new Halving.Rung(0, 1, 1), new Halving.Rung(1, 3, 2), new Halving.Rung(2, 9, 3)),
                Halving.rungs(9, 3, 3, 3));
        assertEquals(List.of(11, 33, 100), Halving.rungs(100, 3, 3, 3).stream().map(Halving.Rung::epochs).toList());
        assertEquals(List.of(new Halving.Rung(0, 20, 3)), Halving.rungs(20, 3, 1, 3));
        assertEquals(3, Halving.mostRungs(9, 3));
        assertEquals(2, Halving.mostRungs(8, 3));
        assertEquals(1, Halving.mostRungs(2, 3));
        UserError e = assertThrows(UserError.class, () -> Halving.rungs(8, 3, 3, 3));
        assertTrue(e.getMessage().contains("needs at least 9 epochs") && e.getMessage().contains("at most 2 rungs"),
                e.getMessage());
    }

    @Test
    void theBestThirdOfEachRungIsPromotedAsSoonAsItIsKnownHighestRungFirst() {
        Halving h = accuracy(3);
        for (int c = 0; c < 9; c++) {
            h.start(c);
        }
        h.finished(0, 0, new double[] {0.5});
        h.finished(1, 0, new double[] {0.7});
        assertNull(h.promotion(false), "two finished: floor(2/3) = 0 go on");
        h.finished(2, 0, new double[] {0.6});
        assertEquals(new Halving.Promotion(1, 1), h.promotion(false), "the best of three");
        assertNull(h.promotion(false), "each candidate goes on once");
        h.finished(3, 0, new double[] {0.9});
        h.finished(4, 0, new double[] {0.1});
        h.finished(5, 0, new double[] {0.2});
        // six finished: the best two are 3 (0.9) and 1 (0.7); 1 went on already
        assertEquals(new Halving.Promotion(3, 1), h.promotion(false));
        assertNull(h.promotion(false));
        h.finished(1, 1, new double[] {0.8, 0.6});
        h.finished(3, 1, new double[] {0.5, 0.5});
        h.finished(6, 0, new double[] {0.8});
        h.finished(7, 0, new double[] {0.05});
        h.finished(8, 0, new double[] {0.05});
        // rung 1 has two finished (none go on yet), rung 0 nine: its best three are 3, 6, 1, so 6 goes on
        assertEquals(new Halving.Promotion(6, 1), h.promotion(false));
        h.finished(6, 1, new double[] {0.75, 0.8});
        // rung 1 now has three: its best by the mean over seeds is 6 (0.775), not 1 (0.7, whose best seed is 0.8)
        assertEquals(new Halving.Promotion(6, 2), h.promotion(false), "the highest rung first");
        assertNull(h.promotion(false));
        assertNull(h.promotion(true), "rung 2 has a candidate already: draining promotes no one more");
    }

    @Test
    void aDrainingSearchSendsTheBestOfASmallRungOn() {
        Halving h = accuracy(3);
        h.start(0);
        h.start(1);
        h.finished(0, 0, new double[] {0.2});
        h.finished(1, 0, new double[] {0.4});
        assertNull(h.promotion(false));
        assertEquals(new Halving.Promotion(1, 1), h.promotion(true));
        h.finished(1, 1, new double[] {0.5, 0.5});
        assertEquals(new Halving.Promotion(1, 2), h.promotion(true));
        assertNull(h.promotion(true));
    }

    @Test
    void candidatesRankByTheLastRungReachedThenByTheirMeanOverSeeds() {
        Halving h = new Halving(Halving.rungs(9, 3, 3, 3), 3, "heldout_perplexity", true);
        for (int c = 0; c < 5; c++) {
            h.start(c);
        }
        h.finished(0, 0, new double[] {50});
        h.finished(1, 0, new double[] {30});
        h.finished(2, 0, new double[] {40});
        h.finished(1, 1, new double[] {150, 150});
        h.finished(2, 1, new double[] {10, 1000}); // geometric mean 100 (arithmetic 505): better than 150
        h.failed(3);
        // 4 started and finished nothing
        assertEquals(List.of(2, 1, 0, 3, 4), h.ranking().stream().map(t -> t.candidate).toList());
        assertEquals(100, h.summary(h.trial(2).finished.get(1)).mean(), 1e-9);
    }

    @Test
    void confirmationVerdictsOnHandMadeValues() {
        // 0.8, 0.9 against 0.1, 0.2: difference 0.7; each variance 0.005, se^2 0.005, Welch's df 2, t 4.3027
        Confirmation better = Confirmation.of("best_dev_accuracy", false, new double[] {0.8, 0.9},
                new double[] {0.1, 0.2});
        double half = 4.302652729911275 * Math.sqrt(0.005);
        assertEquals(0.7, better.verdict().difference(), 1e-12);
        assertEquals(0.7 - half, better.verdict().low(), 1e-9);
        assertEquals(0.7 + half, better.verdict().high(), 1e-9);
        assertEquals(Confirmation.Outcome.BETTER, better.outcome());
        assertEquals("+0.70 [+0.40, +1.00]", better.difference(2));
        assertEquals("better", better.outcome().toString());
        // the same as the own settings, to within 0.01: wholly short of +0.05
        assertEquals(Confirmation.Outcome.NOT_BETTER, Confirmation.of("best_dev_accuracy", false,
                new double[] {0.50, 0.51, 0.50, 0.51}, new double[] {0.50, 0.51, 0.51, 0.50}).outcome());
        // worse by far is not better either
        assertEquals(Confirmation.Outcome.NOT_BETTER, Confirmation.of("best_dev_accuracy", false,
                new double[] {0.1, 0.2}, new double[] {0.8, 0.9}).outcome());
        // 0.1 better on average but spread wide: the interval straddles +0.05
        assertEquals("not better", Confirmation.Outcome.NOT_BETTER.toString());
        assertEquals(Confirmation.Outcome.INCONCLUSIVE, Confirmation.of("best_dev_accuracy", false,
                new double[] {0.3, 0.9}, new double[] {0.4, 0.6}).outcome());
        // perplexities: lower is better, compared as cross-entropy (nats) against the verdicts' bound
        Confirmation ppl = Confirmation.of("heldout_perplexity", true, new double[] {200, 220, 210},
                new double[] {2000, 2200, 2100});
        assertEquals(Confirmation.Outcome.BETTER, ppl.outcome());
        assertEquals(Math.log(0.1), ppl.verdict().difference(), 1e-12);
        assertTrue(ppl.difference(1).startsWith("-2.303 ["), ppl.difference(1)); // log 0.1 nats
        assertEquals(Confirmation.Outcome.NOT_BETTER, Confirmation.of("heldout_perplexity", true,
                new double[] {2000, 2200, 2100}, new double[] {200, 220, 210}).outcome());
    }

    @Test
    void thePlannedCostCountsEachRungsRunsByTheirLengthAndTheConfirmation() {
        // 9 candidates: 9 x 1 seed x 1/9, 3 x 2 x 3/9, 1 x 3 x 1; then 1 candidate and the own settings x 10 seeds
        assertEquals(1 + 2 + 3 + 20, Halving.plannedRuns(Halving.rungs(9, 3, 3, 3), 3, 9, 1, 10), 1e-12);
        // no halving: every candidate the whole length on its seeds
        assertEquals(30 * 3 + 4 * 10, Halving.plannedRuns(Halving.rungs(100, 3, 1, 3), 3, 30, 3, 10), 1e-12);
    }

    @Test
    void thePageNamesTheScheduleAndSaysWhenThereIsNoHalving() {
        assertEquals("asynchronous successive halving (ASHA, Li et al. 2018): reduction factor eta 3, 3 rungs (11 epochs "
                + "on 1 seed; 33 epochs on 2 seeds; 100 epochs on 3 seeds)", Search.schedule(3, Halving.rungs(100, 3, 3, 3)));
        assertEquals("no halving (`-Dhalving_rungs=1`): every candidate 100 epochs on 3 seeds",
                Search.schedule(3, Halving.rungs(100, 3, 1, 3)));
    }
}
