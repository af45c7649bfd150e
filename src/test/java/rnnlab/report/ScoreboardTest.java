package rnnlab.report;

import rnnlab.core.ResultsCsv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scoreboard's Bench table: one row per model, with both peers' ratios, and no row for the products. */
class ScoreboardTest {

    @Test
    void benchTableHasTheModelsAndBothRatios(@TempDir Path dir) throws Exception {
        new ResultsCsv().addFinal("tm-rnn", "tokens_per_second", 82078).addFinal("tm-rnn", "ratio_vs_peer", 2.869)
                .addFinal("tm-rnn", "ratio_vs_djl", 3.2186).addFinal("tm-rnn", "peak_rss_mb", 529)
                .addFinal("sgemm-2048", "gflops", 189.3).addFinal("product-0", "gflops_onednn", 189.3)
                .write(dir.resolve("Bench.csv"));
        Scoreboard.write(dir);
        List<String> lines = Files.readAllLines(dir.resolve("README.md"));
        assertTrue(lines.contains("| model | tokens/s | ratio to PyTorch | ratio to DJL | peak RSS MB |"), lines.toString());
        assertTrue(lines.contains("| tm-rnn | 82078 | 2.87 | 3.22 | 529 |"), lines.toString());
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("| sgemm-2048") || l.startsWith("| product-0")));
        assertEquals(1, lines.stream().filter(l -> l.startsWith("| tm-rnn")).count());
    }
}
