package rnnlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rnnlab.core.ResultsCsv;

/**
 * The scoreboard: one table per concern, a row per experiment and setting, each figure at its noise's precision,
 * thousands separated, short lines; the Bench table with both peers' ratios and no row for the products.
 */
class ScoreboardTest {

    @Test
    void benchTableHasTheModelsAndBothRatios(@TempDir Path dir) throws Exception {
        new ResultsCsv().addFinal("tm-rnn", "tokens_per_second", 82078).addFinal("tm-rnn", "ratio_vs_peer", 2.869)
                .addFinal("tm-rnn", "ratio_vs_djl", 3.2186).addFinal("tm-rnn", "peak_rss_mb", 529)
                .addFinal("ds-srn", "tokens_per_second", 224885.4).addFinal("ds-srn", "ratio_vs_peer", 1.0149)
                .addFinal("ds-srn", "peak_rss_mb", 2025.2)
                .addFinal("sgemm-2048", "gflops", 189.3).addFinal("product-0", "gflops_onednn", 189.3)
                .write(dir.resolve("Bench.csv"));
        Scoreboard.write(dir);
        List<String> lines = Files.readAllLines(dir.resolve("README.md"));
        assertTrue(lines.contains("| model | tokens/s | ratio to PyTorch | ratio to DJL | peak RSS MB |"), lines.toString());
        assertTrue(lines.contains("| tm-rnn | 82,078 | 2.87 | 3.22 | 529 |"), lines.toString());
        assertTrue(lines.contains("| ds-srn | 224,885 | 1.01 | - | 2,025 |"), lines.toString());
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("| sgemm-2048") || l.startsWith("| product-0")));
        assertEquals(1, lines.stream().filter(l -> l.startsWith("| tm-rnn")).count());
    }

    /** DigitSumSrn at two lengths, JayChouRnn and HelloOhlolRnn over two seeds each, a reference and a search. */
    private static void results(Path dir) throws Exception {
        ResultsCsv digits = new ResultsCsv();
        double[][] acc = {{0.70, 0.74}, {0.61, 0.65}};
        double[][] secs = {{100, 200}, {30.4, 30}};
        String[] lengths = {"length=5", "length=10"};
        for (int l = 0; l < 2; l++) {
            for (int s = 0; s < 2; s++) {
                String setting = lengths[l] + ";seed=" + s;
                for (int e = 1; e <= 3; e++) {
                    digits.add(setting, e, "train_loss", 1.0 / e);
                }
                digits.addFinal(setting, "test_accuracy", acc[l][s]).addFinal(setting, "train_seconds", secs[l][s]);
            }
        }
        digits.write(dir.resolve("DigitSumSrn.csv"));
        ResultsCsv jay = new ResultsCsv();
        double[] held = {21000, 21400};
        double[] tokens = {5000.4, 5600};
        for (int s = 0; s < 2; s++) {
            String setting = "sampling=sequential;seed=" + s;
            jay.add(setting, 1, "perplexity", 300).add(setting, 2, "perplexity", 1.022).addFinal(setting, "perplexity", 1.022)
                    .addFinal(setting, "heldout_perplexity", held[s]).addFinal(setting, "tokens_per_second", tokens[s])
                    .addFinal(setting, "train_seconds", 3000 + 1000 * s);
        }
        jay.write(dir.resolve("JayChouRnn.csv"));
        new ResultsCsv().add("seed=0", 5, "loss", 0.6).add("seed=1", 4, "loss", 0.7).addFinal("seed=0", "final_loss", 0.5)
                .addFinal("seed=1", "final_loss", 0.4).write(dir.resolve("HelloOhlolRnn.csv"));
        Files.createDirectories(dir.resolve("reference"));
        new ResultsCsv().addFinal("seed=0", "final_loss", 0.39).addFinal("seed=1", "final_loss", 0.41)
                .write(dir.resolve("reference/HelloOhlolRnn.csv"));
        for (String plot : List.of("DigitSumSrn-loss-L10.png", "DigitSumSrn-accuracy.png", "DigitSumSrn-loss-L5.png")) {
            Files.writeString(dir.resolve(plot), "");
        }
        Files.createDirectories(dir.resolve("search"));
        Files.writeString(dir.resolve("search/JayChouLstm.csv"), Scoreboard.SEARCH_HEADER + ",lr,error\n"
                + "1,3,complete,216.326,12,0.01,\n2,baseline,complete,2131.59,10,0.1,\n3,4,failed,,1,5,diverged\n");
        // a search with the confirmation, as SearchReport writes it
        Files.writeString(dir.resolve("search/DigitSumSrn_lengths-20.csv"), Scoreboard.SEARCH_HEADER
                + ",hidden_size,lr,error,rung,epochs,seeds,ci95_low,ci95_high,difference,difference_ci95_low,"
                + "difference_ci95_high,verdict\n"
                + "-,baseline,complete,0.389,86.2,32,0.001,,,100,10,0.323052,0.454948,,,,\n"
                + "1,19,complete,0.611,71.4,64,0.000973,,2,100,10,0.519922,0.702078,0.222,0.116833,0.327167,better\n"
                + "2,23,complete,0.633333,15.4,128,0.000368,,2,100,3,0.370046,0.896621,,,,\n"
                + "3,7,pruned,0.12,2.1,16,0.02,,0,11,1,,,,,,\n");
    }

    @Test
    void anExperimentBeyondTheTutorialsIsListedAsSuchNotByATutorialFile(@TempDir Path dir) throws Exception {
        new ResultsCsv().add("model=small;seed=0", 13, "valid_perplexity", 118).addFinal("model=small;seed=0",
                "test_perplexity", 113).write(dir.resolve("PtbZarembaSmall.csv"));
        Scoreboard.write(dir);
        String board = Files.readString(dir.resolve("README.md"));
        assertTrue(board.contains("- [PtbZarembaSmall](PtbZarembaSmall.md) (beyond the tutorials): -\n"), board);
    }

    @Test
    void oneTablePerConcernWithLabelledRows(@TempDir Path dir) throws Exception {
        results(dir);
        Scoreboard.write(dir);
        String board = Files.readString(dir.resolve("README.md"));
        assertTrue(board.contains("""
                ## Headline figures

                | experiment | figure | setting | ours | seeds | epochs | tutorial's figure |
                |---|---|---|---|---|---|---|
                | [DigitSumSrn](DigitSumSrn.md) | test accuracy | length=5 | 0.72 | 2 | 3 | figures only (accuracy falls past length 15) |
                |  |  | length=10 | 0.63 | 2 | 3 |  |
                | [JayChouRnn](JayChouRnn.md) | perplexity | sampling=sequential | 1.022 | 2 | 2 | perplexity 1.021 (250 epochs) |
                | [HelloOhlolRnn](HelloOhlolRnn.md) | final loss | - | 0.450 | 2 | 5 | final loss 0.398 (one run) |
                """), board);
        assertTrue(board.contains("""
                | experiment | setting | held-out perplexity | tokens/s | training time, summed over seeds | seeds |
                |---|---|---|---|---|---|
                | [DigitSumSrn](DigitSumSrn.md) | length=5 | - | - | 5:00 | 2 |
                |  | length=10 | - | - | 1:00 | 2 |
                |  | all settings |  |  | 6:00 |  |
                | [JayChouRnn](JayChouRnn.md) | sampling=sequential | 21,199 | 5,300 | 1:56:40 | 2 |

                """), board);
        assertTrue(board.contains("""
                - [DigitSumSrn](DigitSumSrn.md) (`nndl-digitsum-srn-memory.txt`): [accuracy](DigitSumSrn-accuracy.png),
                  [loss-L5](DigitSumSrn-loss-L5.png), [loss-L10](DigitSumSrn-loss-L10.png)
                - [JayChouRnn](JayChouRnn.md) (`d2l-zh-v1-rnn-gru-lstm-deep-bi-jaychou-lyrics.txt`): -
                - [HelloOhlolRnn](HelloOhlolRnn.md) (`rnncell-rnn-hello-ohlol.txt`): -
                """), board);
        // the verdicts: the experiment on a row of its own, its figures below
        // its reference's runs lack DigitSumSrn's accuracies: dashes but for ours and the tolerance
        assertTrue(board.contains("""
                | experiment | figure | tutorial printed | reference: mean [95% interval] | ours: mean [95% interval] | difference [95% interval] | tolerance | verdict |
                |---|---|---|---|---|---|---|---|
                | **[DigitSumSrn](DigitSumSrn.md)** |  |  |  |  |  |  |  |
                |  | length=5, test accuracy | - | - | 0.72 [0.47, 0.97] | - | ±0.05 | - |
                |  | length=10, test accuracy | - | - | 0.63 [0.38, 0.88] | - | ±0.05 | - |
                | **[HelloOhlolRnn](HelloOhlolRnn.md)** |  |  |  |  |  |  |  |
                |  | final loss | 0.398 | 0.400 [0.273, 0.527] | 0.450 [0.000, 1.085] | +11.8% [-65.4%, +262.0%] | ±10% | **inconclusive** (>100 seeds) |
                """), board);
        assertTrue(board.contains("""
                | experiment | figure | seeds: reference / ours | reference: min–max | ours: min–max | printed value within min–max: reference / ours |
                |---|---|---|---|---|---|
                | **[DigitSumSrn](DigitSumSrn.md)** |  |  |  |  |  |
                |  | length=5, test accuracy | - / 2 | - | 0.70–0.74 | - |
                |  | length=10, test accuracy | - / 2 | - | 0.61–0.65 | - |
                | **[HelloOhlolRnn](HelloOhlolRnn.md)** |  |  |  |  |  |
                |  | final loss | 2 / 2 | 0.390–0.410 | 0.400–0.500 | yes / no |
                """), board);
        assertTrue(board.contains("| [JayChouLstm](search/JayChouLstm.md) | heldout_perplexity | 2,132 | 216.3 (candidate 3) "
                + "| 1 | not confirmed (one seed a candidate) | `lr=0.01` | 2 |"), board);
        assertTrue(board.contains("| [DigitSumSrn_lengths-20](search/DigitSumSrn_lengths-20.md) | best_dev_accuracy "
                + "| 0.39 [0.32, 0.45] | 0.61 [0.52, 0.70] (candidate 19) | 10 | **better** "
                + "| `hidden_size=64`, `lr=0.000973` | 3 |"), board);
        assertTrue(board.contains("Square brackets are always a 95% interval of a mean; a–b is\nalways the seeds' own "
                + "minimum to maximum."), board);
        assertFalse(board.contains("Quick profile"), "the full profile's board says nothing of it");
        for (String line : board.split("\n")) {
            assertTrue(line.length() <= (line.startsWith("|") ? 200 : 110), line);
        }
    }

    @Test
    void theSummaryCountsTheVerdictsAndTheNegativeControlsAreJudgedByTheSameRules(@TempDir Path dir) throws Exception {
        results(dir);
        // HelloOhlolRnnCell: ours as the reference (reproduced); its control, lr a tenth, ends far higher (differs)
        ResultsCsv cell = new ResultsCsv();
        ResultsCsv cellRef = new ResultsCsv();
        ResultsCsv control = new ResultsCsv();
        double[] loss = {1.90, 1.95, 2.00, 1.92, 1.97};
        for (int s = 0; s < loss.length; s++) {
            cell.addFinal("seed=" + s, "final_loss", loss[s]);
            cellRef.addFinal("seed=" + s, "final_loss", loss[s] + 0.01);
            control.addFinal("seed=" + s, "final_loss", 2 * loss[s] + 1);
        }
        cell.write(dir.resolve("HelloOhlolRnnCell.csv"));
        cellRef.write(dir.resolve("reference/HelloOhlolRnnCell.csv"));
        Files.createDirectories(dir.resolve("controls"));
        control.write(dir.resolve("controls/HelloOhlolRnnCell.csv"));
        Scoreboard.write(dir);
        String board = Files.readString(dir.resolve("README.md"));
        assertTrue(board.contains("""
                | experiment | reproduced | differs | inconclusive | of them at the seed cap | of them at their planned seeds, below the cap | figures |
                |---|---|---|---|---|---|---|
                | [HelloOhlolRnnCell](HelloOhlolRnnCell.md) | 1 | 0 | 0 | 0 | 0 | 1 |
                | [HelloOhlolRnn](HelloOhlolRnn.md) | 0 | 0 | 1 | 0 | 0 | 1 |
                | **total** | 1 | 0 | 1 | 0 | 0 | 2 |
                """), board);
        assertTrue(board.indexOf("## Verdicts at a glance") < board.indexOf("## Headline figures"), "at the top");
        // the control: 2 x loss + 1, mean 4.896, sd 0.0792, 4.896 -+ 2.776 x 0.0792 / sqrt 5; the reference 1.958,
        // sd 0.0396; the difference as a ratio of geometric means; the rest not run yet
        assertTrue(board.contains("""
                | experiment | control | figure | reference: mean [95% interval] | control: mean [95% interval] | difference [95% interval] | tolerance | verdict |
                |---|---|---|---|---|---|---|---|
                | [DigitSumSrn](DigitSumSrn.md) | 5 of the tutorial's 500 epochs, at lengths 10 and 35: the model has barely begun to learn (`lengths=10,35;epochs=5`) | - | - | - | - | - | not run yet |
                """), board);
        String hello = board.lines().filter(l -> l.startsWith("| [HelloOhlolRnnCell](HelloOhlolRnnCell.md) | a learning "
                + "rate a tenth")).findFirst().orElseThrow();
        assertTrue(hello.endsWith("| final loss | 1.958 [1.909, 2.007] | 4.896 [4.798, 4.994] | +150.1% [+143.4%, "
                + "+156.9%] | ±10% | **differs** |"), hello);
        assertTrue(board.contains("| [JayChouLstm](JayChouLstm.md) | a learning rate a tenth of the tutorial's 0.01 "
                + "(`lr=0.001`) | - | - | - | - | - | not run yet |"), board);
        assertFalse(board.contains("## Seeds that failed outright"), "no seed failed");

        // HelloOhlolRnn at its cap of 30 seeds a side, the seeds alternating 1 and 3 (sd of the log 0.56): the
        // difference's interval (about +-0.29 in log) is wider than the 10% tolerance, so it stays open at the cap
        alternatingHelloLosses(dir, 30);
        Scoreboard.write(dir);
        board = Files.readString(dir.resolve("README.md"));
        assertTrue(board.contains("""
                | [HelloOhlolRnn](HelloOhlolRnn.md) | 0 | 0 | 1 | 1 | 0 | 1 |
                | **total** | 1 | 0 | 1 | 1 | 0 | 2 |
                """), board);
        assertTrue(board.contains("**inconclusive** at 30 seeds: its seeds spread wider than its tolerance"), board);

        // the same figure at 6 seeds a side with a kept plan of 6 (below the cap): judged once there, it stays open
        // and says so, counted apart from the cap
        alternatingHelloLosses(dir, 6);
        Scoreboard.write(dir);
        board = Files.readString(dir.resolve("README.md"));
        assertTrue(board.contains("| [HelloOhlolRnn](HelloOhlolRnn.md) | 0 | 0 | 1 | 0 | 0 | 1 |"), "no plan yet: " + board);
        Files.createDirectories(dir.resolve("plans"));
        Files.writeString(dir.resolve("plans/HelloOhlolRnn.csv"), "setting,epoch,metric,seeds_reference,seeds_ours,"
                + "difference,sd_reference,sd_ours,tolerance,needed,cap,planned\n"
                + "all,final,final_loss,5,5,0,0.5,0.5,0.0953,31,30,6\n");
        Scoreboard.write(dir);
        board = Files.readString(dir.resolve("README.md"));
        assertTrue(board.contains("""
                | [HelloOhlolRnn](HelloOhlolRnn.md) | 0 | 0 | 1 | 0 | 1 | 1 |
                | **total** | 1 | 0 | 1 | 0 | 1 | 2 |
                """), board);
        assertTrue(board.contains("**inconclusive** at its planned 6 seeds (the plan gives it no more): its seeds spread "
                + "wider than its tolerance"), board);
    }

    /** HelloOhlolRnn's final loss at {@code seeds} a side, alternating 1 and 3 on ours, 3 and 1 on the reference. */
    private static void alternatingHelloLosses(Path dir, int seeds) throws Exception {
        ResultsCsv ours = new ResultsCsv();
        ResultsCsv reference = new ResultsCsv();
        for (int s = 0; s < seeds; s++) {
            ours.addFinal("seed=" + s, "final_loss", s % 2 == 0 ? 1.0 : 3.0);
            reference.addFinal("seed=" + s, "final_loss", s % 2 == 0 ? 3.0 : 1.0);
        }
        ours.write(dir.resolve("HelloOhlolRnn.csv"));
        reference.write(dir.resolve("reference/HelloOhlolRnn.csv"));
    }

    @Test
    void theQuickBoardSaysAtItsTopThatItIsNotComparable(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("quick");
        Files.createDirectories(dir);
        results(dir);
        Scoreboard.write(dir);
        List<String> lines = Files.readAllLines(dir.resolve("README.md"));
        assertEquals("# Results", lines.get(0));
        assertEquals("", lines.get(1));
        assertEquals("> **Quick profile: these figures are not comparable with the tutorials'.** The quick profile trains "
                + "for a few", lines.get(2));
        assertEquals("> show that the code runs end to end. The figures to set beside the tutorials' are the full "
                + "profile's, in", lines.get(4));
        assertTrue(String.join(" ", lines.subList(2, 6)).contains("the tutorials' figures come after up to 500),"), lines.toString());
        assertTrue(lines.subList(2, 6).stream().allMatch(l -> l.startsWith("> ")), lines.toString());
        assertEquals("> [../README.md](../README.md).", lines.get(5));
        assertEquals("", lines.get(6));

        Path custom = tmp.resolve("custom");
        Files.createDirectories(custom);
        Scoreboard.write(custom);
        assertTrue(Files.readString(custom.resolve("README.md")).startsWith("# Results\n\n> **Custom settings: these figures "
                + "are not comparable with the tutorials'.**"));
    }

    @Test
    void figuresHaveThePrecisionOfTheirNoise() {
        assertEquals("0.70", Scoreboard.figure("test_accuracy", 0.704));
        assertEquals("0.33", Scoreboard.figure("best_dev_accuracy", 0.334));
        assertEquals("2.042", Scoreboard.figure("final_loss", 2.0424));
        assertEquals("1.00014", Scoreboard.figure("perplexity", 1.000144));
        assertEquals("1.00999", Scoreboard.figure("perplexity", 1.00999));
        assertEquals("1.010", Scoreboard.figure("perplexity", 1.01));
        assertEquals("1.499", Scoreboard.figure("perplexity", 1.4993));
        assertEquals("1.50", Scoreboard.figure("perplexity", 1.5));
        assertEquals("9.99", Scoreboard.figure("perplexity", 9.994));
        assertEquals("10.0", Scoreboard.figure("perplexity", 10.0));
        assertEquals("155.6", Scoreboard.figure("test_perplexity", 155.637));
        assertEquals("999.9", Scoreboard.figure("heldout_perplexity", 999.94));
        assertEquals("1,000", Scoreboard.figure("heldout_perplexity", 1000));
        assertEquals("21,179", Scoreboard.figure("heldout_perplexity", 21178.7));
        assertEquals("216.3", Scoreboard.score("heldout_perplexity", "216.326"));
        assertEquals("failed", Scoreboard.score("heldout_perplexity", "failed"));
    }

    @Test
    void epochsAreTheLastOneAnyRunOfTheSettingReached() {
        ResultsCsv csv = new ResultsCsv().add("a;seed=0", 3, "loss", 1).add("a;seed=1", 5, "loss", 1)
                .add("b;seed=0", 2.5, "loss", 1).add("b;seed=0", "2", "loss", 1).addFinal("a;seed=0", "loss", 1);
        assertEquals("5", Scoreboard.epochs(csv, "a"));
        assertEquals("2.5", Scoreboard.epochs(csv, "b"));
        assertEquals("-", Scoreboard.epochs(csv, "c"));
    }
}
