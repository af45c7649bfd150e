package rnnlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** A job's result: its rows joined with others' in order, the page's list while one trains, its final figures. */
class JobResultTest {
    private static JobResult result(String setting, double value, boolean finished) {
        ResultsCsv rows = new ResultsCsv().add(setting, "1", "perplexity", value + 1);
        if (finished) {
            rows.addFinal(setting, "perplexity", value);
        }
        return new JobResult(setting, rows, Map.of(), finished);
    }

    @Test
    void resultsJoinInTheirOrderAndTheTrainingOneComesLast() {
        JobResult a = result("seed=0", 2.0, true);
        JobResult b = result("seed=1", 3.0, true);
        JobResult c = result("seed=2", 4.0, false);
        assertEquals(ResultsCsv.HEADER + "\nseed=0,1,perplexity,3\nseed=0,final,perplexity,2\nseed=1,1,perplexity,4\n"
                + "seed=1,final,perplexity,3\n", JobResult.concat(List.of(a, b)).text());
        assertEquals(ResultsCsv.HEADER + "\n", JobResult.concat(List.of()).text());
        assertEquals(List.of(a, b, c), JobResult.with(List.of(a, b), c));
        assertEquals(2.0, a.last("perplexity"));
        assertTrue(Double.isNaN(c.last("perplexity")), "not finished: no final row");
        assertTrue(Double.isNaN(a.last("accuracy")));
    }
}
