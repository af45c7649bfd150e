package rnnlab.search;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.runner.CandidateInfo;
import org.deeplearning4j.arbiter.optimize.runner.CandidateStatus;
import org.deeplearning4j.arbiter.optimize.runner.IOptimizationRunner;
import org.deeplearning4j.arbiter.optimize.runner.listener.StatusListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import rnnlab.core.Catalog;
import rnnlab.core.AtomicFiles;
import rnnlab.core.Markdown;
import rnnlab.core.ResultsCsv;
import rnnlab.report.Scoreboard;
import rnnlab.core.Clock;

/**
 * A search's page and CSV, rewritten whole (atomically) each time a candidate finishes, so an interrupted
 * search keeps every finished candidate; and a progress line per candidate. As an Arbiter
 * {@link StatusListener} it hears of each candidate from the task that ran it.
 */
final class SearchReport implements StatusListener {
    private static final Logger log = LoggerFactory.getLogger(SearchReport.class);

    /** One finished candidate; {@code index} -1 is the experiment's own settings (the baseline). */
    record Row(int index, Map<String, String> values, boolean ok, Double score, double seconds, String error) {
        String label() {
            return index < 0 ? "baseline" : Integer.toString(index);
        }
    }

    /** What the page says about the search besides its rows. */
    record Plan(String experiment, String title, String generator, Catalog.Objective objective, SearchSpace space,
            Map<String, String> ownValues, String command, int candidates) {
    }

    private final Plan plan;
    private final Path md;
    private final Path csv;
    private final List<Row> rows = new ArrayList<>();
    private final long start = System.nanoTime();

    SearchReport(Plan plan, Path md, Path csv) {
        this.plan = plan;
        this.md = md;
        this.csv = csv;
    }

    /** Records a finished candidate, logs it and rewrites both files. */
    synchronized void add(Row row) {
        rows.add(row);
        int done = (int) rows.stream().filter(r -> r.index >= 0).count();
        Row best = best();
        String what = row.index < 0 ? "baseline (the experiment's own settings)"
                : "candidate " + row.index + " (" + done + " of " + plan.candidates + ") " + row.values;
        if (row.ok) {
            log.info("search {}: {} scored {} in {}{}", plan.title, what, fmt(row.score), Clock.format(row.seconds),
                    best == null ? "" : "; best so far " + fmt(best.score) + " (candidate " + best.label() + ")");
        } else {
            log.info("search {}: {} failed after {}: {}", plan.title, what, Clock.format(row.seconds), row.error);
        }
        write(false);
    }

    synchronized List<Row> rows() {
        return new ArrayList<>(rows);
    }

    /** Finished rows best first (the baseline among them), failed ones after in the order they ran. */
    synchronized List<Row> ranked() {
        Comparator<Row> byScore = Comparator.comparingDouble(r -> r.score);
        if (!plan.objective.minimize()) {
            byScore = byScore.reversed();
        }
        List<Row> ok = new ArrayList<>(rows.stream().filter(Row::ok).sorted(byScore).toList());
        ok.addAll(rows.stream().filter(r -> !r.ok).toList());
        return ok;
    }

    /** The best finished candidate (not the baseline), or null. */
    synchronized Row best() {
        return ranked().stream().filter(r -> r.ok && r.index >= 0).findFirst().orElse(null);
    }

    String command(Row row) {
        StringBuilder sb = new StringBuilder(plan.command);
        row.values.forEach((k, v) -> sb.append(" -D").append(k).append('=').append(v));
        return sb.toString();
    }

    synchronized void write(boolean finished) {
        List<String> keys = plan.space.keys();
        List<Row> ranked = ranked();
        StringBuilder c = new StringBuilder(Scoreboard.SEARCH_HEADER);
        keys.forEach(k -> c.append(',').append(k));
        c.append(",error\n");
        List<List<String>> table = new ArrayList<>();
        int rank = 0;
        for (Row r : ranked) {
            String rk = r.ok ? Integer.toString(++rank) : "-";
            c.append(rk).append(',').append(r.label()).append(',').append(r.ok ? "complete" : "failed").append(',')
                    .append(r.ok ? ResultsCsv.number(r.score) : "").append(',')
                    .append(ResultsCsv.number(Math.round(r.seconds * 10) / 10.0));
            List<String> cells = new ArrayList<>(List.of(rk, r.index < 0 ? "baseline (own settings)" : r.label()));
            for (String k : keys) {
                String v = r.index < 0 ? plan.ownValues.get(k) : r.values.get(k);
                c.append(',').append(quote(v));
                cells.add(v);
            }
            c.append(',').append(quote(r.error == null ? "" : r.error)).append('\n');
            cells.add(r.ok ? fmt(r.score) : "-");
            cells.add(Clock.format(r.seconds));
            cells.add(r.ok ? "complete" : "failed: " + r.error.replace('|', '/'));
            table.add(cells);
        }
        long done = rows.stream().filter(r -> r.index >= 0).count();
        long failed = rows.stream().filter(r -> r.index >= 0 && !r.ok).count();
        Markdown m = new Markdown().heading(1, "Search: " + plan.title);
        m.para("Generated by `-Dsearch` (`rnnlab.search.Search`, Arbiter's " + plan.generator
                + ", `LocalOptimizationRunner`) as candidates finish; do not edit.");
        m.para("Objective: " + plan.objective.description() + ", the `" + plan.objective.metric() + "` of each "
                + "candidate's `" + plan.experiment + ".csv` (mean over its settings). Each candidate is a full run of "
                + "the experiment with its values given as `-DKEY=value`.");
        m.para((finished ? "Finished: " : "In progress (or interrupted): ") + done + " of " + plan.candidates
                + " candidates ran, " + failed + " failed, in " + Clock.format((System.nanoTime() - start) / 1e9)
                + " including the baseline.");
        Row best = best();
        Row baseline = rows.stream().filter(r -> r.index < 0).findFirst().orElse(null);
        if (best != null) {
            m.para("Best: candidate " + best.label() + ", " + fmt(best.score)
                    + (baseline != null && baseline.ok ? " against " + fmt(baseline.score)
                            + " for the experiment's own settings" : "")
                    + ". Reproduce it with `" + command(best) + "`.");
        }
        List<List<String>> space = new ArrayList<>();
        for (String k : keys) {
            space.add(List.of("`" + k + "`", "`" + plan.space.range(k) + "`", plan.ownValues.get(k)));
        }
        m.heading(2, "Space");
        m.table(List.of("key", "range", "experiment's own value"), space);
        m.heading(2, "Candidates, best first");
        List<String> header = new ArrayList<>(List.of("rank", "candidate"));
        header.addAll(keys);
        header.addAll(List.of(plan.objective.metric(), "time", "status"));
        m.table(header, table);
        AtomicFiles.write(csv, c.toString());
        AtomicFiles.write(md, m.text());
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n")
                ? "\"" + s.replace("\"", "\"\"").replace('\n', ' ') + "\"" : s;
    }

    private static String fmt(Double v) {
        return v == null ? "-" : ResultsCsv.number(v);
    }

    @Override
    public void onCandidateStatusChange(CandidateInfo info, IOptimizationRunner runner, OptimizationResult result) {
        if (result != null) {
            @SuppressWarnings("unchecked")
            Map<String, String> values = (Map<String, String>) result.getCandidate().getValue();
            Long end = info.getEndTime();
            Long begin = info.getStartTime();
            double seconds = end == null || begin == null ? 0 : (end - begin) / 1000.0;
            add(new Row(info.getIndex(), values, info.getCandidateStatus() == CandidateStatus.Complete,
                    info.getScore(), seconds, info.getExceptionStackTrace()));
        } else if (info.getCandidateStatus() == CandidateStatus.Failed) {
            // Arbiter could not even generate the candidate's values
            add(new Row(info.getIndex(), Map.of(), false, null, 0, String.valueOf(info.getExceptionStackTrace())
                    .lines().findFirst().orElse("")));
        }
    }

    @Override
    public void onInitialization(IOptimizationRunner runner) {
    }

    @Override
    public void onShutdown(IOptimizationRunner runner) {
    }

    @Override
    public void onRunnerStatusChange(IOptimizationRunner runner) {
    }

    @Override
    public void onCandidateIteration(CandidateInfo info, Object candidate, int iteration) {
    }
}
