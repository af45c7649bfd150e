package rnnlab.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rnnlab.core.ResultsCsv;
import rnnlab.core.UserError;

/**
 * The seed plan: seeds a side for 80% power at a figure's tolerance, by hand-computed cases (scipy's t and normal
 * quantiles, the arithmetic in the comments), the cap, the largest need per setting, and the plan kept and reused.
 */
class SeedPlanTest {
    private static final double EPS = 1e-5;

    @Test
    void powerIsTheChanceTheIntervalLiesWhollyInsideOrWhollyOutside() {
        // d = 0.02, sd 0.04 a side, tol 0.05, n = 29: se = sqrt(0.0032 / 29) = 0.010505, df = 0.0032^2 * 28 /
        // (2 * 0.0016^2) = 56, h = t(0.975, 56) * se = 2.003241 * 0.010505 = 0.021043; inside: Phi((0.05 - h - d) / se)
        // - Phi((-0.05 + h - d) / se) = Phi(0.8528) - Phi(-4.6600) = 0.803078; outside 0.000001: 0.803079
        assertEquals(0.803079, SeedPlan.power(0.02, 0.0016, 0.0016, 0.05, 29), EPS);
        // n = 28: se 0.010690, df 54, h 0.021433: 0.788537, short of 0.8
        assertEquals(0.788537, SeedPlan.power(0.02, 0.0016, 0.0016, 0.05, 28), EPS);
        // d = 0.3 far outside, sd 0.05 a side, n = 2: se = 0.05, df 2, h = 4.302653 * 0.05 = 0.215133 > tol: no chance
        // inside; outside: 1 - Phi((0.05 + 0.215133 - 0.3) / 0.05) + Phi((-0.05 - 0.215133 - 0.3) / 0.05) = 0.757207
        assertEquals(0.757207, SeedPlan.power(0.3, 0.0025, 0.0025, 0.05, 2), EPS);
        // n = 3: se 0.040825, df 4, h 0.113348: 0.999592
        assertEquals(0.999592, SeedPlan.power(0.3, 0.0025, 0.0025, 0.05, 3), EPS);
        // unequal spreads, sd 0.06 and 0.02, d = 0.12, n = 8: se 0.022361, df = 0.004^2 * 7 / (0.0036^2 + 0.0004^2)
        // = 8.536585, h = 0.051005: outside 0.802193 (n = 7: 0.720491)
        assertEquals(0.802193, SeedPlan.power(0.12, 0.0036, 0.0004, 0.05, 8), EPS);
        assertEquals(0.720491, SeedPlan.power(0.12, 0.0036, 0.0004, 0.05, 7), EPS);
        // no spread: the interval is the difference itself, which always decides
        assertEquals(1, SeedPlan.power(0.05, 0, 0, 0.05, 2));
    }

    @Test
    void theSeedsNeededAreTheFewestWithEightyPercentPowerOrBeyondTheCap() {
        assertEquals(29, SeedPlan.needed(0.02, 0.0016, 0.0016, 0.05, 30)); // 28: 0.7885, 29: 0.8031 (above)
        assertEquals(30, SeedPlan.needed(0.02, 0.0016, 0.0016, 0.05, 28) + 1, "29 is beyond a cap of 28: cap + 1");
        assertEquals(29, SeedPlan.needed(0.02, 0.0016, 0.0016, 0.05, 29), "a need of exactly the cap is within it");
        SeedPlan.Need atCap = new SeedPlan.Need("length=5", "final", "test_accuracy", 5, 5, 0.02, 0.04, 0.04, 0.05, 29,
                29, 29);
        assertFalse(atCap.beyondCap(), "needing the cap is not beyond it");
        assertTrue(new SeedPlan.Need("length=5", "final", "test_accuracy", 5, 5, 0.02, 0.04, 0.04, 0.05, 30, 29, 29)
                .beyondCap());
        assertEquals(3, SeedPlan.needed(0.3, 0.0025, 0.0025, 0.05, 30)); // 2: 0.7572, 3: 0.9996
        assertEquals(8, SeedPlan.needed(0.12, 0.0036, 0.0004, 0.05, 30)); // 7: 0.7205, 8: 0.8022
        // d = 0, sd 0.03 and 0.01: n = 5: se 0.014142, df 4.878049, h 0.036629, inside 0.655597; n = 6: se 0.012910,
        // df 6.097561, h 0.031467, inside 0.848864
        assertEquals(6, SeedPlan.needed(0, 0.0009, 0.0001, 0.05, 30));
        // the difference on the tolerance's edge: at most half the intervals fall either side (0.045 at n = 30)
        assertEquals(31, SeedPlan.needed(0.05, 0.0025, 0.0025, 0.05, 30));
        assertEquals(2, SeedPlan.needed(0.01, 0, 0, 0.05, 30), "no spread: the fewest seeds with an interval");
    }

    @Test
    void theChanceOfADecidedVerdictAtASettingsCountIsThePowerThereWithBorrowedSpreads() {
        // the cases above: d = 0.02, sd 0.04 a side, tol 0.05: 0.803079 at 29 seeds, 0.788537 at 28
        SeedPlan.Need n = new SeedPlan.Need("length=5", "final", "test_accuracy", 5, 5, 0.02, 0.04, 0.04, 0.05, 29, 30, 29);
        assertEquals(0.803079, n.decidedAt(29), EPS);
        assertEquals(0.788537, n.decidedAt(28), EPS);
        // ours with one seed borrows the reference's sd, and the reverse: the same chance
        assertEquals(0.803079, new SeedPlan.Need("length=5", "final", "test_accuracy", 5, 1, 0.02, 0.04, Double.NaN, 0.05,
                29, 30, 29).decidedAt(29), EPS);
        assertEquals(0.803079, new SeedPlan.Need("length=5", "final", "test_accuracy", 1, 5, 0.02, Double.NaN, 0.04, 0.05,
                29, 30, 29).decidedAt(29), EPS);
        // sd 0.06 ours and 0.02 the reference's, d = 0.12: 0.802193 at 8, 0.720491 at 7 (above)
        SeedPlan.Need unequal = new SeedPlan.Need("length=35", "final", "test_accuracy", 5, 5, 0.12, 0.02, 0.06, 0.05, 8,
                30, 8);
        assertEquals(0.802193, unequal.decidedAt(8), EPS);
        assertEquals(0.720491, unequal.decidedAt(7), EPS);
        // without a cap: the same rule, further; the difference on the tolerance's edge never reaches 80%
        assertEquals(29, n.neededWithout(1000));
        assertEquals(29, new SeedPlan.Need("length=10", "final", "test_accuracy", 5, 5, 0.02, 0.04, 0.04, 0.05, 31, 28, 28)
                .neededWithout(1000), "the figure's own cap plays no part");
        assertEquals(1001, new SeedPlan.Need("length=10", "final", "test_accuracy", 5, 5, 0.05, 0.05, 0.05, 0.05, 31, 30, 30)
                .neededWithout(1000));
        assertEquals(101, new SeedPlan.Need("length=10", "final", "test_accuracy", 1, 1, 0.02, Double.NaN, Double.NaN, 0.05,
                31, 30, 30).neededWithout(100), "no pilot spread: more than any limit");
        // no spread on either side (all seeds alike): always decided; no pilot spread at all: unknown
        assertEquals(1, new SeedPlan.Need("length=5", "final", "best_dev_accuracy", 5, 5, 0, 0, 0, 0.05, 2, 30, 5)
                .decidedAt(30));
        assertTrue(Double.isNaN(new SeedPlan.Need("length=5", "final", "test_accuracy", 1, 1, 0.02, Double.NaN, Double.NaN,
                0.05, 31, 30, 30).decidedAt(30)));
    }

    private static void seeds(ResultsCsv csv, String base, String metric, double... v) {
        for (int s = 0; s < v.length; s++) {
            csv.addFinal(Seeds.setting(base, s), metric, v[s]);
        }
    }

    /** A DigitSumSrn pilot (its two accuracies at every length, cap 30): values chosen for the needs below. */
    private static ResultsCsv[] pilot() {
        ResultsCsv ours = new ResultsCsv();
        ResultsCsv ref = new ResultsCsv();
        // length=5: test d = -0.01, sd 0.031623 a side: 11 seeds; best dev the same everywhere: 2; the setting 11
        seeds(ours, "length=5", "test_accuracy", 0.80, 0.82, 0.84, 0.86, 0.88);
        seeds(ref, "length=5", "test_accuracy", 0.81, 0.83, 0.85, 0.87, 0.89);
        seeds(ours, "length=5", "best_dev_accuracy", 0.9, 0.9, 0.9, 0.9, 0.9);
        seeds(ref, "length=5", "best_dev_accuracy", 0.9, 0.9, 0.9, 0.9, 0.9);
        // length=35: test d = -0.10, variances 0.001 a side: n = 7: se 0.016903, df 12, h 0.036829, outside
        // 0.782077; n = 8: se 0.015811, df 14, h 0.033912, outside 0.845540: 8 seeds.
        // best dev d = 0, variances 0.00225 and 0.001: n = 14: se 0.015236, df 22.649485, h 0.031546, inside
        // 0.774189; n = 15: se 0.014720, df 24.391753, h 0.030354, inside 0.818021: 15 seeds. The setting: 15.
        seeds(ours, "length=35", "test_accuracy", 0.20, 0.22, 0.24, 0.26, 0.28);
        seeds(ref, "length=35", "test_accuracy", 0.30, 0.32, 0.34, 0.36, 0.38);
        seeds(ours, "length=35", "best_dev_accuracy", 0.30, 0.33, 0.36, 0.39, 0.42);
        seeds(ref, "length=35", "best_dev_accuracy", 0.32, 0.34, 0.36, 0.38, 0.40);
        // length=10: test d = 0.05, exactly the tolerance: beyond the cap, so 30; best dev the same: 2
        seeds(ours, "length=10", "test_accuracy", 0.50, 0.60, 0.70, 0.80, 0.90);
        seeds(ref, "length=10", "test_accuracy", 0.55, 0.60, 0.65, 0.70, 0.75);
        seeds(ours, "length=10", "best_dev_accuracy", 0.6, 0.6, 0.6, 0.6, 0.6);
        seeds(ref, "length=10", "best_dev_accuracy", 0.6, 0.6, 0.6, 0.6, 0.6);
        return new ResultsCsv[] {ours, ref};
    }

    @Test
    void aSettingsSeedsAreTheLargestNeedOfItsFiguresCappedAndNeverBelowThePilot() {
        ResultsCsv[] p = pilot();
        SeedPlan plan = SeedPlan.of("DigitSumSrn", p[0], p[1]);
        assertEquals(Map.of("length=5", 11, "length=35", 15, "length=10", 30), plan.perSetting());
        SeedPlan.Need test35 = plan.needs().stream().filter(n -> n.setting().equals("length=35")
                && n.metric().equals("test_accuracy")).findFirst().orElseThrow();
        assertEquals(8, test35.needed());
        assertEquals(8, test35.planned());
        assertEquals(-0.10, test35.difference(), 1e-12);
        assertEquals(Math.sqrt(0.001), test35.sdOurs(), 1e-12);
        assertEquals(Math.sqrt(0.001), test35.sdReference(), 1e-12);
        assertEquals(0.05, test35.tolerance(), 1e-12);
        assertEquals("length=35, test accuracy", test35.figure());
        SeedPlan.Need test10 = plan.needs().stream().filter(n -> n.setting().equals("length=10")
                && n.metric().equals("test_accuracy")).findFirst().orElseThrow();
        assertEquals(31, test10.needed());
        assertEquals(30, test10.planned(), "beyond the cap: runs at the cap");
        assertTrue(test10.beyondCap());
        assertFalse(test35.beyondCap());
        SeedPlan.Need dev5 = plan.needs().stream().filter(n -> n.setting().equals("length=5")
                && n.metric().equals("best_dev_accuracy")).findFirst().orElseThrow();
        assertEquals(2, dev5.needed());
        assertEquals(5, dev5.planned(), "never fewer than the seeds it has");
        // the chance each figure reports is the power its plan was made with: at its need, and not one seed before
        for (SeedPlan.Need n : plan.needs()) {
            if (!n.beyondCap()) {
                assertTrue(n.decidedAt(n.needed()) >= SeedPlan.POWER, n.toString());
                if (n.needed() > 2) {
                    assertTrue(n.decidedAt(n.needed() - 1) < SeedPlan.POWER, n.toString());
                }
            } else {
                assertTrue(n.decidedAt(n.cap()) < SeedPlan.POWER, n.toString());
            }
        }
    }

    @Test
    void aSideWithOneSeedBorrowsTheOthersSpreadAndNeitherMeansTheCap() {
        ResultsCsv ours = new ResultsCsv();
        ResultsCsv ref = new ResultsCsv();
        // ours one seed at 0.24, the reference's five of variance 0.001 (mean 0.34): d = -0.10 with 0.001 a side, as
        // length=35's test above: 8 seeds
        seeds(ours, "length=35", "test_accuracy", 0.24);
        seeds(ref, "length=35", "test_accuracy", 0.30, 0.32, 0.34, 0.36, 0.38);
        seeds(ours, "length=20", "test_accuracy", 0.5);
        seeds(ref, "length=20", "test_accuracy", 0.5);
        SeedPlan plan = SeedPlan.of("DigitSumSrn", ours, ref);
        Map<String, Integer> per = plan.perSetting();
        assertEquals(8, per.get("length=35"));
        SeedPlan.Need test35 = plan.needs().stream().filter(n -> n.setting().equals("length=35")).findFirst().orElseThrow();
        assertTrue(Double.isNaN(test35.sdOurs()), "one seed has no sd of its own");
        assertEquals(Math.sqrt(0.001), test35.sdReference(), 1e-12);
        assertEquals(30, per.get("length=20"), "no spread known on either side: the cap");
    }

    @Test
    void theKeptPlanIsReusedNotPlannedAgainAfterNewSeeds(@TempDir Path results) throws Exception {
        ResultsCsv[] p = pilot();
        SeedPlan first = SeedPlan.planned(results, "DigitSumSrn", p[0], p[1], true);
        assertTrue(Files.isRegularFile(results.resolve("plans/DigitSumSrn.csv")));
        // seven seeds a side that would plan otherwise: length=5's test far apart and all but spreadless (2 seeds would
        // do, so the seven it has)
        ResultsCsv ours = new ResultsCsv();
        ResultsCsv ref = new ResultsCsv();
        seeds(ours, "length=5", "test_accuracy", 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1);
        seeds(ref, "length=5", "test_accuracy", 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.91);
        assertEquals(Map.of("length=5", 7), SeedPlan.of("DigitSumSrn", ours, ref).perSetting(), "a new plan would differ");
        SeedPlan again = SeedPlan.planned(results, "DigitSumSrn", ours, ref, true);
        assertEquals(first.perSetting(), again.perSetting(), "the kept plan, not a new one");
        assertEquals(first.needs().size(), again.needs().size());
        for (int i = 0; i < first.needs().size(); i++) {
            SeedPlan.Need a = first.needs().get(i);
            SeedPlan.Need b = again.needs().get(i);
            assertEquals(List.of(a.setting(), a.epoch(), a.metric(), a.needed(), a.cap(), a.planned(), a.referenceSeeds(),
                    a.oursSeeds()), List.of(b.setting(), b.epoch(), b.metric(), b.needed(), b.cap(), b.planned(),
                    b.referenceSeeds(), b.oursSeeds()));
            assertEquals(a.difference(), b.difference(), 1e-5 * Math.abs(a.difference()) + 1e-12);
        }
        // a plan made without keeping it (a dry run) writes nothing
        SeedPlan.planned(results, "HelloOhlolRnn", ours, ref, false);
        assertFalse(Files.exists(results.resolve("plans/HelloOhlolRnn.csv")));
        Files.writeString(results.resolve("plans/DigitSumSrn.csv"), "what,ever\n");
        UserError e = assertThrows(UserError.class, () -> SeedPlan.read(results, "DigitSumSrn"));
        assertTrue(e.getMessage().contains("is not a seed plan"), e.getMessage());
    }

    @Test
    void theIntervalAPilotsSpreadsGiveAtACountIsWelchs() {
        // sd 0.2 a side, 30 seeds: df = 0.08^2 x 29 / (2 x 0.04^2) = 58, t(0.975, 58) x sqrt(0.08 / 30) = 0.103368 (scipy)
        SeedPlan.Need n = new SeedPlan.Need("length=35", "final", "test_accuracy", 5, 5, 0.01, 0.2, 0.2, 0.05, 31, 30, 30);
        assertEquals(0.103368, n.halfWidthAt(30), 1e-6);
        // one side with a single pilot seed borrows the other's sd; neither: unknown
        assertEquals(0.103368, new SeedPlan.Need("a", "final", "m", 1, 5, 0.01, Double.NaN, 0.2, 0.05, 31, 30, 30)
                .halfWidthAt(30), 1e-6);
        assertTrue(Double.isNaN(new SeedPlan.Need("a", "final", "m", 1, 1, 0.01, Double.NaN, Double.NaN, 0.05, 31, 30, 30)
                .halfWidthAt(30)));
    }

    @Test
    void aFigureInconclusiveAtItsCapSaysItsSeedsSpreadWiderThanItsTolerance() {
        Figures.Figure capped = new Figures.Figure("length=35", "final", "test_accuracy", Double.NaN, Figures.ACCURACY, 3);
        double[] ours = {0.2, 0.4, 0.6};
        double[] ref = {0.25, 0.45, 0.65};
        Verdict v = Verdict.of(ours, ref, Figures.ACCURACY); // d = -0.05, sd 0.2 a side: inconclusive
        assertEquals(Verdict.Outcome.INCONCLUSIVE, v.outcome());
        Comparison.Row atCap = new Comparison.Row("length=35, test accuracy", capped, Double.NaN,
                Seeds.summary("test_accuracy", ref), Seeds.summary("test_accuracy", ours), v);
        assertTrue(Comparison.atCap(atCap));
        assertEquals("**inconclusive** at 3 seeds: its seeds spread wider than its tolerance (sd 0.200 reference, 0.200 "
                + "ours)", Comparison.cells(atCap, null).get(6));
        // below the cap on one side: the usual estimate of seeds
        Comparison.Row below = new Comparison.Row("f", capped, Double.NaN, Seeds.summary("test_accuracy", ref),
                Seeds.summary("test_accuracy", new double[] {0.2, 0.6}), Verdict.of(new double[] {0.2, 0.6}, ref,
                        Figures.ACCURACY));
        assertFalse(Comparison.atCap(below));
        String cell = Comparison.cells(below, null).get(6);
        assertTrue(cell.startsWith("**inconclusive** (") && !cell.contains("at 3 seeds"), cell);
        // no cap: never at it
        assertFalse(Comparison.atCap(new Comparison.Row("f", new Figures.Figure("length=35", "final", "test_accuracy",
                Double.NaN, Figures.ACCURACY), Double.NaN, Seeds.summary("test_accuracy", ref),
                Seeds.summary("test_accuracy", ours), v)));
        // a loss's spread as a share of its mean, a perplexity's in nats
        Figures.Figure loss = new Figures.Figure("all", "final", "final_loss", Double.NaN, Figures.LOSS, 3);
        double[] lo = {1.0, 1.2, 1.4};
        double[] lr = {1.05, 1.25, 1.45};
        Comparison.Row l = new Comparison.Row("final loss", loss, Double.NaN, Seeds.summary("final_loss", lr),
                Seeds.summary("final_loss", lo), Verdict.of(lo, lr, Figures.LOSS));
        // sd 0.2: 16.7% of 1.2, 16.0% of 1.25
        assertEquals("**inconclusive** at 3 seeds: its seeds spread wider than its tolerance (sd 16.0% reference, 16.7% "
                + "ours)", Comparison.cells(l, null).get(6));
        // sd 0.01 a side, difference 0.05: half-width t(0.975, 4) 2.7764 x sqrt(2 x 0.0001 / 3) = 0.0227, under the
        // tolerance 0.05, so the interval [0.0273, 0.0727] straddles its edge: more seeds would not settle it
        double[] near = {0.50, 0.51, 0.52};
        double[] nearRef = {0.45, 0.46, 0.47};
        Verdict edge = Verdict.of(near, nearRef, Figures.ACCURACY);
        assertEquals(Verdict.Outcome.INCONCLUSIVE, edge.outcome());
        assertEquals(0.0227, (edge.high() - edge.low()) / 2, 1e-4);
        Comparison.Row atEdge = new Comparison.Row("length=35, test accuracy", capped, Double.NaN,
                Seeds.summary("test_accuracy", nearRef), Seeds.summary("test_accuracy", near), edge);
        assertEquals("**inconclusive** at 3 seeds: its difference lies at the tolerance's edge (its interval, narrower than "
                + "the tolerance, straddles it) (sd 0.010 reference, 0.010 ours)", Comparison.cells(atEdge, null).get(6));
    }

    @Test
    void aFigureInconclusiveAtItsPlannedCountBelowTheCapSaysSoAndNeverAsksForMore() {
        Figures.Figure capped = new Figures.Figure("length=35", "final", "test_accuracy", Double.NaN, Figures.ACCURACY, 30);
        double[] ours = {0.2, 0.4, 0.6};
        double[] ref = {0.25, 0.45, 0.65};
        Verdict v = Verdict.of(ours, ref, Figures.ACCURACY); // inconclusive, as above
        Summary r = Seeds.summary("test_accuracy", ref);
        Summary o = Seeds.summary("test_accuracy", ours);
        Comparison.Row atPlan = new Comparison.Row("f", capped, Double.NaN, r, o, v, null, 3);
        assertTrue(Comparison.atPlan(atPlan));
        assertFalse(Comparison.atCap(atPlan));
        assertEquals("**inconclusive** at its planned 3 seeds (the plan gives it no more): its seeds spread wider than "
                + "its tolerance (sd 0.200 reference, 0.200 ours)", Comparison.cells(atPlan, null).get(6));
        // a plan of 4: not there yet, so the usual estimate of seeds (a difference at the tolerance's edge: >100)
        Comparison.Row short1 = new Comparison.Row("f", capped, Double.NaN, r, o, v, null, 4);
        assertFalse(Comparison.atPlan(short1));
        assertEquals("**inconclusive** (>100 seeds)", Comparison.cells(short1, null).get(6));
        // no plan, or a plan at the cap (that is atCap's wording), or a decided verdict: not at a plan below the cap
        assertFalse(Comparison.atPlan(new Comparison.Row("f", capped, Double.NaN, r, o, v, null, 0)));
        Figures.Figure cap3 = new Figures.Figure("length=35", "final", "test_accuracy", Double.NaN, Figures.ACCURACY, 3);
        assertFalse(Comparison.atPlan(new Comparison.Row("f", cap3, Double.NaN, r, o, v, null, 3)));
        double[] tight = {0.50, 0.51, 0.52};
        Verdict same = Verdict.of(tight, tight, Figures.ACCURACY);
        assertEquals(Verdict.Outcome.REPRODUCED, same.outcome());
        Summary t = Seeds.summary("test_accuracy", tight);
        assertFalse(Comparison.atPlan(new Comparison.Row("f", capped, Double.NaN, t, t, same, null, 3)));
        // rows take their setting's count from a plan's perSetting map
        ResultsCsv oc = new ResultsCsv();
        ResultsCsv rc = new ResultsCsv();
        for (int s = 0; s < 3; s++) {
            oc.addFinal(Seeds.setting("length=35", s), "test_accuracy", ours[s]);
            rc.addFinal(Seeds.setting("length=35", s), "test_accuracy", ref[s]);
        }
        assertEquals(List.of(3), Comparison.rows("DigitSumSrn", oc, rc, Map.of("length=35", 3)).stream()
                .map(Comparison.Row::planned).toList());
        assertEquals(List.of(0), Comparison.rows("DigitSumSrn", oc, rc).stream().map(Comparison.Row::planned).toList());
    }
}
