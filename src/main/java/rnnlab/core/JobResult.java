package rnnlab.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one job (one setting and seed of an experiment) adds to its experiment's results: its rows of the
 * experiment's CSV and the texts its page shows (generated text, by name); {@code finished} is false for a job still
 * training, whose rows are those of the epochs done.
 */
public record JobResult(String setting, ResultsCsv rows, Map<String, List<String>> texts, boolean finished) {
    public JobResult {
        texts = new LinkedHashMap<>(texts);
    }

    /** All results' rows, in the results' order: the experiment's CSV before its summary rows. */
    public static ResultsCsv concat(List<JobResult> results) {
        ResultsCsv csv = new ResultsCsv();
        for (JobResult r : results) {
            for (ResultsCsv.Row row : r.rows().rows()) {
                csv.add(row.setting(), row.epoch(), row.metric(), row.value());
            }
        }
        return csv;
    }

    /** {@code done} and then {@code current}: the results a page shows while {@code current} is still training. */
    public static List<JobResult> with(List<JobResult> done, JobResult current) {
        List<JobResult> all = new ArrayList<>(done);
        all.add(current);
        return all;
    }

    /** This result's final value of {@code metric}, or NaN. */
    public double last(String metric) {
        return rows.get(setting, "final", metric).orElse(Double.NaN);
    }
}
