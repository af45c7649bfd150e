package rnnlab.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import rnnlab.core.ResultsCsv;
import rnnlab.stats.Verdict.Outcome;
import rnnlab.stats.Verdict.Tolerance;

class StatsTest {
    @Test
    void studentsTQuantilesForSmallSamples() {
        // the two-sided 95% points of the printed tables
        assertEquals(12.7062, Summary.t975(1), 1e-4);
        assertEquals(4.3027, Summary.t975(2), 1e-4);
        assertEquals(3.1824, Summary.t975(3), 1e-4);
        assertEquals(2.7764, Summary.t975(4), 1e-4);
        assertEquals(2.2622, Summary.t975(9), 1e-4);
    }

    @Test
    void summaryByHand() {
        Summary s = Summary.of(1, 2, 3, 4);
        assertEquals(4, s.n());
        assertEquals(2.5, s.mean(), 1e-12);
        assertEquals(Math.sqrt(5.0 / 3), s.sd(), 1e-12);
        assertEquals(1, s.min());
        assertEquals(4, s.max());
        double half = 3.182446305 * Math.sqrt(5.0 / 3) / 2; // t(0.975, 3) sd / sqrt(n)
        assertEquals(2.5 - half, s.ci95Low(), 1e-8);
        assertEquals(2.5 + half, s.ci95High(), 1e-8);
        Summary one = Summary.of(0.7);
        assertTrue(Double.isNaN(one.sd()) && Double.isNaN(one.ci95Low()));
    }

    @Test
    void perplexitiesAverageTheirLogs() {
        Summary s = Summary.ofPerplexities(100, 121);
        assertEquals(110, s.mean(), 1e-9, "exp of the mean log perplexity: the geometric mean");
        double sd = Math.abs(Math.log(121) - Math.log(100)) / Math.sqrt(2);
        assertEquals(110 * Math.exp(-12.706204736 * sd / Math.sqrt(2)), s.ci95Low(), 1e-6);
        assertTrue(s.ci95Low() < 100 && s.ci95High() > 121);
        assertEquals(100, s.min());
        assertEquals(121, s.max());
    }

    @Test
    void summaryRowsInTheCsv() {
        ResultsCsv csv = new ResultsCsv();
        Summary.of(0.5, 0.7).addTo(csv, "length=20", "test_accuracy");
        assertEquals(0.6, csv.get("length=20", "final", "test_accuracy_mean").orElseThrow(), 1e-12);
        assertEquals(2, csv.get("length=20", "final", "test_accuracy_n").orElseThrow());
        assertEquals(Math.sqrt(0.02), csv.get("length=20", "final", "test_accuracy_sd").orElseThrow(), 1e-6); // as the CSV holds it
        assertTrue(csv.get("length=20", "final", "test_accuracy_ci95_low").orElseThrow() < 0.5);
    }

    @Test
    void anIntervalInsideTheToleranceReproduces() {
        Verdict v = Verdict.of(new double[] {0.80, 0.82, 0.81}, new double[] {0.81, 0.80, 0.82}, Tolerance.absolute(0.05));
        assertEquals(Outcome.REPRODUCED, v.outcome());
        // equal spreads of 0.01, n = 3: se = 0.01 sqrt(2/3), Welch's df = 4
        double half = 2.776445105 * 0.01 * Math.sqrt(2.0 / 3);
        assertEquals(-half, v.low(), 1e-9);
        assertEquals(half, v.high(), 1e-9);
        assertEquals("**reproduced**", Comparison.verdict(v));
    }

    @Test
    void anIntervalWhollyOutsideDiffers() {
        Verdict v = Verdict.of(new double[] {0.50, 0.52, 0.51}, new double[] {0.80, 0.82, 0.81}, Tolerance.absolute(0.05));
        assertEquals(Outcome.DIFFERS, v.outcome());
        assertEquals(-0.30, v.difference(), 1e-12);
        assertTrue(v.high() < -0.05);
    }

    @Test
    void aStraddlingIntervalIsInconclusiveWithTheSeedsThatWouldSettleIt() {
        double[] ours = {0.80, 0.83, 0.86};
        double[] ref = {0.80, 0.85, 0.90};
        Verdict v = Verdict.of(ours, ref, Tolerance.absolute(0.05));
        assertEquals(Outcome.INCONCLUSIVE, v.outcome());
        assertTrue(v.low() < -0.05 && v.high() > -0.05, v.toString());
        int n = v.seedsToSettle();
        assertTrue(n > 3 && n <= Verdict.MAX_SEEDS, "n " + n);
        assertEquals("**inconclusive** (~" + n + " seeds)", Comparison.verdict(v));
        // the interval reaches past both edges: not "differs" whichever edge it is compared with
        assertTrue(v.high() > 0.05 && v.low() < -0.05, v.toString());
        // one seed a side: no interval at all
        Verdict single = Verdict.of(new double[] {0.8}, new double[] {0.9}, Tolerance.absolute(0.05));
        assertEquals(Outcome.INCONCLUSIVE, single.outcome());
    }

    @Test
    void welchsIntervalForUnequalSpreadsAndCountsByHand() {
        // ours 10, 12, 14: mean 12, variance 4; reference 9, 10, 11, 9, 10, 11: mean 10, variance 0.8.
        // se^2 = 4/3 + 0.8/6 = 1.466667; Welch's df = se^4 / ((4/3)^2/2 + (0.8/6)^2/5) = 2.410359;
        // t(0.975, 2.410359) = 3.671588 (SciPy): half width 3.671588 * sqrt(1.466667) = 4.446514.
        // A pooled t-test would give df 7 and a half width of 2.189217.
        Verdict v = Verdict.of(new double[] {10, 12, 14}, new double[] {9, 10, 11, 9, 10, 11}, Tolerance.absolute(5));
        assertEquals(2, v.difference(), 1e-12);
        assertEquals(2 - 4.446514, v.low(), 1e-5);
        assertEquals(2 + 4.446514, v.high(), 1e-5);
        assertEquals(Outcome.INCONCLUSIVE, v.outcome());
        // the same with the sides swapped: the interval mirrors
        Verdict w = Verdict.of(new double[] {9, 10, 11, 9, 10, 11}, new double[] {10, 12, 14}, Tolerance.absolute(5));
        assertEquals(-2 - 4.446514, w.low(), 1e-5);
        assertEquals(-2 + 4.446514, w.high(), 1e-5);
        // a side without spread: df = n - 1 of the other side, t(0.975, 1) = 12.706205
        Verdict flat = Verdict.of(new double[] {1, 3}, new double[] {0, 0, 0, 0}, Tolerance.absolute(1));
        assertEquals(2 - 12.706205, flat.low(), 1e-5);
        assertEquals(2 + 12.706205, flat.high(), 1e-5);
    }

    @Test
    void seedsToSettleByHand() {
        // both spreads 0.01 (variance 1e-4): df = 2(n - 1) and half width t(0.975, df) * 0.01 * sqrt(2/n), t from
        // the printed table: n = 3: 2.7764 * 0.008165 = 0.02267; n = 4: 2.4469 * 0.007071 = 0.01730
        assertEquals(4, Verdict.seedsNeeded(0.03, 1e-4, 1e-4, 0.05), "0.02 from the edge at 0.05");
        assertEquals(4, Verdict.seedsNeeded(-0.07, 1e-4, 1e-4, 0.05), "0.02 beyond the edge at -0.05");
        assertEquals(3, Verdict.seedsNeeded(0.027, 1e-4, 1e-4, 0.05), "0.023 from the edge");
        // variances 9e-4 and 1e-4 (SciPy): Welch's df = (n - 1) / 0.82, half width at n = 6 0.031467, at n = 7
        // 0.028016, so 0.03 from the edge takes 7; a pooled df of 2(n - 1) would have said 6 (0.028765)
        assertEquals(7, Verdict.seedsNeeded(0.02, 9e-4, 1e-4, 0.05));
        assertEquals(7, Verdict.seedsNeeded(0.02, 1e-4, 9e-4, 0.05));
        // no spread on either side: two seeds settle any margin
        assertEquals(2, Verdict.seedsNeeded(0.02, 0, 0, 0.05));
        // on the edge: no number of seeds can clear it
        assertEquals(Verdict.MAX_SEEDS + 1, Verdict.seedsNeeded(0.05, 1e-4, 1e-4, 0.05));
        assertEquals(Verdict.MAX_SEEDS + 1, Verdict.seedsNeeded(-0.05, 1e-4, 1e-4, 0.05));
        // spread far wider than the margin: past the cap
        assertEquals(Verdict.MAX_SEEDS + 1, Verdict.seedsNeeded(0.0, 1, 1, 0.05));
        // a margin just inside the half width at MAX_SEEDS: exactly MAX_SEEDS
        int m = Verdict.MAX_SEEDS;
        double at = Summary.t975(2.0 * (m - 1)) * Math.sqrt(2.0 / m);
        double before = Summary.t975(2.0 * (m - 2)) * Math.sqrt(2.0 / (m - 1));
        double margin = (at + before) / 2;
        assertEquals(m, Verdict.seedsNeeded(1 - margin, 1, 1, 1));
    }

    @Test
    void anIntervalTouchingAnEdgeFromInsideReproducesAndFromOutsideDoesNotDiffer() {
        // no spread: the interval is the difference itself
        Verdict atEdge = Verdict.of(new double[] {0.25, 0.25}, new double[] {0, 0}, Tolerance.absolute(0.25));
        assertEquals(0, atEdge.high() - atEdge.low());
        assertEquals(Outcome.REPRODUCED, atEdge.outcome(), "an interval ending on the edge lies inside");
        Verdict atLowEdge = Verdict.of(new double[] {0, 0}, new double[] {0.25, 0.25}, Tolerance.absolute(0.25));
        assertEquals(Outcome.REPRODUCED, atLowEdge.outcome());
        Verdict past = Verdict.of(new double[] {0.5, 0.5}, new double[] {0, 0}, Tolerance.absolute(0.25));
        assertEquals(Outcome.DIFFERS, past.outcome());
        Verdict pastLow = Verdict.of(new double[] {0, 0}, new double[] {0.5, 0.5}, Tolerance.absolute(0.25));
        assertEquals(Outcome.DIFFERS, pastLow.outcome());

        double[] ours = {0.50, 0.52, 0.51};
        double[] ref = {0.80, 0.82, 0.81};
        Verdict v = Verdict.of(ours, ref, Tolerance.absolute(0.05));
        // the tolerance set to where the interval ends: wholly inside, and touching from outside is not "differs"
        assertEquals(Outcome.REPRODUCED, Verdict.of(ours, ref, Tolerance.absolute(-v.low())).outcome());
        Verdict touching = Verdict.of(ours, ref, Tolerance.absolute(-v.high()));
        assertEquals(Outcome.INCONCLUSIVE, touching.outcome(), touching.toString());
        Verdict touchingAbove = Verdict.of(ref, ours, Tolerance.absolute(Verdict.of(ref, ours, Tolerance.absolute(1)).low()));
        assertEquals(Outcome.INCONCLUSIVE, touchingAbove.outcome(), touchingAbove.toString());
        // an interval inside (-tol, tol) on one side only: [-0.0x, +0.0y] straddling -tol is inconclusive, never differs
        Verdict straddle = Verdict.of(new double[] {0.80, 0.78, 0.82}, new double[] {0.84, 0.86, 0.85}, Tolerance.absolute(0.05));
        assertTrue(straddle.low() < -0.05 && straddle.high() > -0.05 && straddle.high() < 0.05, straddle.toString());
        assertEquals(Outcome.INCONCLUSIVE, straddle.outcome());
    }

    @Test
    void theSeedsToSettleAreSaidUpToTheCap() {
        assertEquals("**inconclusive** (~100 seeds)",
                Comparison.verdict(new Verdict(Outcome.INCONCLUSIVE, 0, 0, 0, 0, Verdict.MAX_SEEDS)));
        assertEquals("**inconclusive** (>100 seeds)",
                Comparison.verdict(new Verdict(Outcome.INCONCLUSIVE, 0, 0, 0, 0, Verdict.MAX_SEEDS + 1)));
        assertEquals("**differs**", Comparison.verdict(new Verdict(Outcome.DIFFERS, 0, 0, 0, 0, 0)));
    }

    @Test
    void aSpreadOfLargeValuesIsComputedFromTheirDeviations() {
        // 1e16 + 2, + 4, + 6 are exact doubles, as are their mean and deviations: the sd is exactly 2, where
        // summing squares first (sum v^2 - n mean^2) loses it to rounding
        Summary s = Summary.of(1e16 + 2, 1e16 + 4, 1e16 + 6);
        assertEquals(1e16 + 4, s.mean());
        assertEquals(2.0, s.sd());
    }

    @Test
    void perEpochSummariesPerBaseSetting() {
        ResultsCsv csv = new ResultsCsv();
        csv.add("sampling=random;seed=0", "10", "perplexity", 2).add("sampling=random;seed=1", "10", "perplexity", 8)
                .add("sampling=random;seed=0", "5", "perplexity", 10).add("sampling=random", "5", "perplexity", 99)
                .add("sampling=random;seed=0", "5", "loss", 7).addFinal("sampling=random;seed=0", "perplexity", 3)
                .add("sampling=sequential;seed=0", "10", "perplexity", 3);
        Map<String, Map<Double, Summary>> e = Seeds.perEpoch(csv, "perplexity");
        assertEquals(List.of("sampling=random", "sampling=sequential"), List.copyOf(e.keySet()));
        assertEquals(List.of(5.0, 10.0), List.copyOf(e.get("sampling=random").keySet()), "epochs in numeric order");
        assertEquals(4, e.get("sampling=random").get(10.0).mean(), 1e-9, "geometric mean of 2 and 8");
        assertEquals(2, e.get("sampling=random").get(10.0).n());
        assertEquals(1, e.get("sampling=random").get(5.0).n(), "the row without a seed and the loss are left out");
        assertEquals(10, e.get("sampling=random").get(5.0).mean(), 1e-9);
        assertEquals(3, e.get("sampling=sequential").get(10.0).mean(), 1e-9);
        // other metrics are summarised as they are
        assertEquals(7, Seeds.perEpoch(csv, "loss").get("sampling=random").get(5.0).mean());
    }

    @Test
    void perplexitiesCompareRelatively() {
        Verdict v = Verdict.of(new double[] {106.8, 107.2, 106.5}, new double[] {106.9, 107.5, 106.0},
                Tolerance.relative(0.05));
        assertEquals(Outcome.REPRODUCED, v.outcome());
        assertEquals(Math.log(1.05), v.tolerance(), 1e-12);
        Verdict far = Verdict.of(new double[] {150, 152, 151}, new double[] {106.9, 107.5, 106.0}, Tolerance.relative(0.05));
        assertEquals(Outcome.DIFFERS, far.outcome());
    }

    @Test
    void seedsAreTheLastPartOfASetting() {
        assertEquals("length=20;seed=3", Seeds.setting("length=20", 3));
        assertEquals("seed=3", Seeds.setting(Seeds.ALL, 3));
        assertEquals(Optional.of(3), Seeds.seed("length=20;seed=3"));
        assertEquals(Optional.empty(), Seeds.seed("length=20"));
        assertEquals(Optional.empty(), Seeds.seed("myseed=3"));
        assertEquals("length=20", Seeds.base("length=20;seed=3"));
        assertEquals("all", Seeds.base("seed=3"));
        assertEquals("impl=srn", Seeds.base("impl=srn"));
    }

    @Test
    void summaryRowsPerBaseSettingFromEverySeedsFinalRow() {
        ResultsCsv csv = new ResultsCsv();
        csv.add("length=10;seed=0", "1", "test_accuracy", 0.9); // not final: left out
        csv.addFinal("length=10;seed=0", "test_accuracy", 0.5).addFinal("length=10;seed=1", "test_accuracy", 0.7)
                .addFinal("length=10;seed=2", "test_accuracy", 0.6).addFinal("length=35;seed=0", "test_accuracy", 0.2)
                .addFinal("sampling=random;seed=0", "perplexity", 2).addFinal("sampling=random;seed=1", "perplexity", 8);
        Seeds.addSummaries(csv, List.of("test_accuracy", "perplexity"));
        assertEquals(0.6, csv.get("length=10", "final", "test_accuracy_mean").orElseThrow(), 1e-12);
        assertEquals(3, csv.get("length=10", "final", "test_accuracy_n").orElseThrow());
        assertEquals(0.1, csv.get("length=10", "final", "test_accuracy_sd").orElseThrow(), 1e-12);
        // t(2) = 4.3027: 0.6 -+ 4.3027 * 0.1 / sqrt(3)
        assertEquals(0.6 - 4.302653 * 0.1 / Math.sqrt(3), csv.get("length=10", "final", "test_accuracy_ci95_low").orElseThrow(), 1e-6);
        assertEquals(1, csv.get("length=35", "final", "test_accuracy_n").orElseThrow());
        assertTrue(csv.get("length=35", "final", "test_accuracy_sd").isEmpty(), "one seed has no spread");
        // perplexities 2 and 8: mean loss log 4, so the mean perplexity is 4
        assertEquals(4, csv.get("sampling=random", "final", "perplexity_mean").orElseThrow(), 1e-9);
        assertEquals(2, csv.get("sampling=random", "final", "perplexity_min").orElseThrow(), 1e-12);
    }

    @Test
    void comparisonRowsGiveEachFiguresVerdict() {
        ResultsCsv ours = new ResultsCsv();
        ResultsCsv ref = new ResultsCsv();
        double[] a = {1.00, 1.01, 1.02, 0.99, 1.00};
        for (int s = 0; s < a.length; s++) {
            ours.addFinal("sampling=sequential;seed=" + s, "perplexity", a[s]);
            ref.addFinal("sampling=sequential;seed=" + s, "perplexity", a[s] + 0.005);
            ours.addFinal("sampling=random;seed=" + s, "perplexity", 1.4 + 0.01 * s);
            ref.addFinal("sampling=random;seed=" + s, "perplexity", 2.0 + 0.01 * s);
        }
        List<Comparison.Row> rows = Comparison.rows("TimeMachineRnnScratch", ours, ref);
        assertEquals(2, rows.size());
        assertEquals("sampling=sequential, perplexity", rows.get(0).figure());
        // perplexity about 1.01: the memorisation regime, where the bound is a quarter of the reference's mean
        // cross-entropy (0.0088 nats), and ours' 0.005 nats lower with a spread of 0.011 cannot be told
        double refCe = 0;
        for (double v : a) {
            refCe += Math.log(v + 0.005) / a.length;
        }
        assertEquals(Outcome.INCONCLUSIVE, rows.get(0).verdict().outcome());
        assertTrue(rows.get(0).verdict().memorisation());
        assertEquals(0.25 * refCe, rows.get(0).verdict().tolerance(), 1e-15);
        assertEquals(Math.log(1.05), rows.get(1).verdict().tolerance(), 1e-15, "perplexity 2: 5% applies");
        assertFalse(rows.get(1).verdict().memorisation());
        assertEquals(1.0, rows.get(0).printed());
        assertEquals(Boolean.TRUE, rows.get(0).printedWithin(rows.get(0).ours()));
        assertEquals(Outcome.DIFFERS, rows.get(1).verdict().outcome());
        assertEquals(Boolean.FALSE, rows.get(1).printedWithin(rows.get(1).reference()));
        // without a reference: ours alone, no verdict
        Comparison.Row alone = Comparison.rows("TimeMachineRnnScratch", ours, null).get(0);
        assertEquals(null, alone.verdict());
        assertEquals(5, alone.ours().n());
        // DigitSum: every length our CSV has
        ResultsCsv ds = new ResultsCsv().addFinal("length=10;seed=0", "test_accuracy", 0.5)
                .addFinal("length=35;seed=0", "test_accuracy", 0.1);
        assertEquals(List.of("length=10, test accuracy", "length=35, test accuracy"),
                Comparison.rows("DigitSumSrn", ds, null).stream().map(Comparison.Row::figure).toList());
    }

    @Test
    void aSingleSeedOnASideIsInconclusiveForLackOfAnInterval() {
        Verdict v = Verdict.of(new double[] {1.0, 1.01, 0.99}, new double[] {1.0}, Tolerance.relative(0.05));
        assertEquals(Outcome.INCONCLUSIVE, v.outcome());
        assertEquals(Verdict.SINGLE_SEED, v.seedsToSettle());
        assertEquals("**inconclusive** (single seed)", Comparison.verdict(v));
    }

    @Test
    void perplexitiesAreJudgedOnTheirCrossEntropyWithTheSmallerOfTwoBounds() {
        Tolerance t = Figures.PERPLEXITY;
        // 5% in perplexity: log 1.05 = 0.04879 nats, while a quarter of the reference's cross-entropy is more
        assertEquals(Math.log(1.05), t.on(1.0), 1e-15);
        assertFalse(t.memorisation(1.0));
        assertEquals(Tolerance.crossEntropy(0.05, 0.25), t);
        assertEquals(Verdict.Tolerance.Kind.CROSS_ENTROPY, t.kind());
        assertEquals(Math.log(1.05), t.on(4 * Math.log1p(0.05)), 1e-15, "at the crossing: the same bound either way");
        assertFalse(t.memorisation(4 * Math.log1p(0.05)), "at the crossing exactly: still the 5% bound");
        assertTrue(t.memorisation(Math.nextDown(4 * Math.log1p(0.05))));
        // below 4 log 1.05 = 0.195 nats, the quarter: 0.02 nats of cross-entropy allow 0.005
        assertEquals(0.005, t.on(0.02), 1e-15);
        assertTrue(t.memorisation(0.02));
        // accuracies and losses: one bound, never the memorisation regime
        assertEquals(0.05, Figures.ACCURACY.on(0.3), 0);
        assertEquals(Math.log(1.1), Figures.LOSS.on(0.01), 1e-15);
        assertFalse(Figures.LOSS.memorisation(0.01));
        assertFalse(Figures.ACCURACY.logs());
        assertTrue(Figures.LOSS.logs() && t.logs());
    }

    @Test
    void twiceTheReferencesCrossEntropyIsNeverReproduced() {
        // JayChouBiGru at epoch 160: perplexity 1.00014, 0.00014 nats; twice that is perplexity 1.00028, and 280
        // times it perplexity 1.04: both were "reproduced" under log 1.05 alone
        double[] ref = {1.00014, 1.00014, 1.00014};
        double[] twice = {Math.exp(2 * Math.log(1.00014)), Math.exp(2 * Math.log(1.00014)), Math.exp(2 * Math.log(1.00014))};
        Verdict v = Verdict.of(twice, ref, Figures.PERPLEXITY);
        assertEquals(Outcome.DIFFERS, v.outcome());
        assertEquals(0.25 * Math.log(1.00014), v.tolerance(), 1e-15);
        assertTrue(v.memorisation());
        assertEquals(Outcome.REPRODUCED, Verdict.of(twice, ref, Tolerance.relative(0.05)).outcome(), "the old rule");
        // the same at perplexity 1.5: 2 x 0.405 nats differs under log 1.05 too
        Verdict high = Verdict.of(new double[] {2.25, 2.25}, new double[] {1.5, 1.5}, Figures.PERPLEXITY);
        assertEquals(Outcome.DIFFERS, high.outcome());
        assertFalse(high.memorisation());
        // within a quarter: 1.25 times the cross-entropy of perplexity 1.1, with no spread, is reproduced
        double ce = Math.log(1.1);
        Verdict near = Verdict.of(new double[] {Math.exp(1.2 * ce), Math.exp(1.2 * ce)}, new double[] {1.1, 1.1},
                Figures.PERPLEXITY);
        assertEquals(Outcome.REPRODUCED, near.outcome());
        assertEquals(0.2 * ce, near.difference(), 1e-12);
    }

    @Test
    void intervalsStayInTheFiguresRange() {
        // perplexities 1.01 and 241: log interval log(15.6) -+ 12.706 x 3.870 / sqrt 2 reaches far below 0 nats
        Summary p = Summary.ofPerplexities(1.01, 241);
        assertEquals(1.0, p.ci95Low(), 0, "no perplexity below 1");
        double meanLog = (Math.log(1.01) + Math.log(241)) / 2;
        double half = 12.706204736 * Math.abs(Math.log(241) - Math.log(1.01)) / Math.sqrt(2) / Math.sqrt(2);
        assertEquals(Math.exp(meanLog + half), p.ci95High(), 1e-6 * p.ci95High());
        assertEquals(Math.exp(meanLog), p.mean(), 1e-12);
        // accuracies 0.9 and 1.0: 0.95 -+ 12.706 x 0.0707 / sqrt 2 = 0.95 -+ 0.635: [0.315, 1]
        Summary a = Seeds.summary("test_accuracy", new double[] {0.9, 1.0});
        assertEquals(0.95 - 12.706204736 * 0.05, a.ci95Low(), 1e-8);
        assertEquals(1.0, a.ci95High(), 0, "no accuracy above 1");
        assertEquals(0.0, Seeds.summary("best_dev_accuracy", new double[] {0.0, 0.1}).ci95Low(), 0, "nor below 0");
        // losses (cross-entropies) from 0; other metrics as they are
        assertEquals(0.0, Seeds.summary("final_loss", new double[] {0.1, 0.5}).ci95Low(), 0);
        assertEquals(2 - 12.706204736, Seeds.summary("tokens_per_second", new double[] {1, 3}).ci95Low(), 1e-8);
        // an interval already inside its range is left as it is; a single seed keeps no interval
        Summary inside = Seeds.summary("test_accuracy", new double[] {0.5, 0.52, 0.51});
        assertEquals(Summary.of(0.5, 0.52, 0.51), inside);
        assertTrue(Double.isNaN(Seeds.summary("test_accuracy", new double[] {0.5}).ci95Low()));
        Summary q = Summary.ofPerplexities(1.5, 1.6);
        assertEquals(Math.exp(Summary.of(Math.log(1.5), Math.log(1.6)).ci95Low()), q.ci95Low(), 1e-12,
                "above 1 the log interval's end is kept");
    }
}
