package rnnlab.search;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import rnnlab.core.AtomicFiles;
import rnnlab.core.Catalog;
import rnnlab.core.Clock;
import rnnlab.core.Markdown;
import rnnlab.core.ResultsCsv;
import rnnlab.report.Scoreboard;
import rnnlab.stats.Seeds;
import rnnlab.stats.Comparison;
import rnnlab.stats.Summary;

/**
 * A search's page and CSV, rewritten whole (atomically) after every job, so an interrupted search keeps every
 * finished one; and a progress line per job. The CSV's rows are the experiment's own settings, then the confirmed
 * candidates best first (their {@code score} the mean over the confirmation's seeds), then the others as
 * {@link Halving#ranking} orders them (their {@code score} the mean at the rung they reached).
 */
final class SearchReport {
    private static final Logger log = LoggerFactory.getLogger(SearchReport.class);

    /** What the page says about the search besides its rows. */
    record Plan(String experiment, String title, String generator, String schedule, Catalog.Objective objective,
            SearchSpace space, Map<String, String> ownValues, String command, String searchCommand, int candidates,
            int searchSeeds, int confirmTop, int confirmSeeds, double plannedRuns) {
    }

    private final Plan plan;
    private final Halving halving;
    private final Path md;
    private final Path csv;
    private final Map<Integer, Map<String, String>> values = new LinkedHashMap<>();
    private final Map<Integer, String> errors = new HashMap<>();
    private final Map<Integer, Double> seconds = new HashMap<>();
    /** Per candidate (-1: the experiment's own settings): the confirmation's score per seed. */
    private final Map<Integer, TreeMap<Integer, Double>> confirmed = new LinkedHashMap<>();
    private final Map<Integer, String> confirmErrors = new HashMap<>();
    private double totalSeconds;
    private int jobs;

    SearchReport(Plan plan, Halving halving, Path md, Path csv) {
        this.plan = plan;
        this.halving = halving;
        this.md = md;
        this.csv = csv;
    }

    synchronized void started(int candidate, Map<String, String> v) {
        values.put(candidate, v);
    }

    synchronized void failed(int candidate, String error) {
        errors.putIfAbsent(candidate, error);
    }

    /** Records a finished job and logs it. */
    synchronized void ran(Search.Work w, double s, Double value, String error) {
        jobs++;
        totalSeconds += s;
        seconds.merge(w.candidate(), s, Double::sum);
        String who = w.candidate() < 0 ? "the experiment's own settings" : "candidate " + w.candidate();
        String what = (w.rung() < 0 ? "confirmation, " : "rung " + w.rung() + ", ") + w.epochs() + " epochs, seed "
                + w.seed();
        if (w.rung() < 0) {
            if (error == null) {
                confirmed.computeIfAbsent(w.candidate(), c -> new TreeMap<>()).put(w.seed(), value);
            } else {
                confirmErrors.putIfAbsent(w.candidate(), error);
            }
        }
        if (error == null) {
            log.info("search {}: {} ({}) scored {} in {}", plan.title, who, what, ResultsCsv.number(value),
                    Clock.format(s));
        } else {
            log.info("search {}: {} ({}) failed after {}: {}", plan.title, who, what, Clock.format(s), error);
        }
    }

    /** A candidate's confirmation against the experiment's own settings, once both have every seed; else null. */
    synchronized Confirmation confirmation(int candidate) {
        TreeMap<Integer, Double> c = confirmed.get(candidate);
        TreeMap<Integer, Double> b = confirmed.get(-1);
        if (c == null || b == null || c.size() < plan.confirmSeeds || !c.keySet().equals(b.keySet())) {
            return null;
        }
        return Confirmation.of(plan.objective.metric(), plan.objective.minimize(), array(c), array(b));
    }

    private static double[] array(TreeMap<Integer, Double> bySeed) {
        return bySeed.values().stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The confirmed candidates, best confirmed mean first. */
    synchronized List<Integer> confirmedBestFirst() {
        List<Integer> out = new ArrayList<>(confirmed.keySet().stream().filter(c -> c >= 0 && confirmation(c) != null)
                .toList());
        out.sort((a, b) -> {
            int cmp = Double.compare(confirmation(a).candidate().mean(), confirmation(b).candidate().mean());
            return plan.objective.minimize() ? cmp : -cmp;
        });
        return out;
    }

    String command(Map<String, String> v) {
        StringBuilder sb = new StringBuilder(plan.command);
        v.forEach((k, x) -> sb.append(" -D").append(k).append('=').append(x));
        return sb.toString();
    }

    /** The seeds of the confirmation, as {@code -Dseeds} takes them. */
    private String confirmationSeeds() {
        return plan.searchSeeds + ".." + (plan.searchSeeds + plan.confirmSeeds - 1);
    }

    /** The page's headline: the confirmed best against the experiment's own settings, or what is known so far. */
    synchronized String headline() {
        List<Integer> best = confirmedBestFirst();
        if (best.isEmpty()) {
            return "no candidate confirmed yet";
        }
        int c = best.get(0);
        Confirmation conf = confirmation(c);
        int d = decimals();
        return "candidate " + c + ", confirmed on " + plan.confirmSeeds + " new seeds: " + mean(conf.candidate(), d)
                + " against " + mean(conf.baseline(), d) + " for the experiment's own settings on the same seeds; "
                + "difference " + conf.difference(d) + ", **" + conf.outcome() + "**. Reproduce it with `"
                + command(values.get(c)) + " -Dseeds=" + confirmationSeeds() + "`";
    }

    private int decimals() {
        String m = plan.objective.metric();
        return m.endsWith("accuracy") ? 2 : Seeds.isPerplexity(m) ? 1 : 3;
    }

    private static String mean(Summary s, int d) {
        return s.n() == 1 ? Markdown.f(s.mean(), d)
                : Markdown.f(s.mean(), d) + " [" + Markdown.f(s.ci95Low(), d) + ", " + Markdown.f(s.ci95High(), d) + "]";
    }

    synchronized void write(boolean finished) {
        List<String> keys = plan.space.keys();
        int d = decimals();
        Halving.Rung last = halving.last();
        StringBuilder c = new StringBuilder(Scoreboard.SEARCH_HEADER);
        keys.forEach(k -> c.append(',').append(k));
        c.append(",error,rung,epochs,seeds,ci95_low,ci95_high,difference,difference_ci95_low,difference_ci95_high,"
                + "verdict\n");
        List<List<String>> conf = new ArrayList<>();
        List<List<String>> table = new ArrayList<>();
        Confirmation anyConf = null;
        TreeMap<Integer, Double> own = confirmed.get(-1);
        if (own != null && own.size() == plan.confirmSeeds) {
            Summary s = Seeds.summary(plan.objective.metric(), array(own));
            csvRow(c, "-", "baseline", "complete", s, -1, last.epochs(), null, plan.ownValues, "");
        }
        int rank = 0;
        List<Integer> confirmedIds = confirmedBestFirst();
        for (int id : confirmedIds) {
            Confirmation x = confirmation(id);
            anyConf = x;
            csvRow(c, Integer.toString(++rank), Integer.toString(id), "complete", x.candidate(), last.index(),
                    last.epochs(), x, values.get(id), "");
            List<String> cells = new ArrayList<>(List.of(Integer.toString(rank), Integer.toString(id)));
            keys.forEach(k -> cells.add(values.get(id).get(k)));
            cells.addAll(List.of(mean(x.candidate(), d), mean(x.baseline(), d), x.difference(d),
                    "**" + x.outcome() + "**"));
            conf.add(cells);
        }
        int ran = 0;
        int pruned = 0;
        int failedCount = 0;
        rank = 0;
        for (Halving.Trial t : halving.ranking()) {
            ran++;
            Map<String, String> v = values.get(t.candidate);
            int k = t.reached();
            boolean failed = t.failed;
            failedCount += failed ? 1 : 0;
            boolean done = k == last.index();
            boolean stopped = !failed && k >= 0 && !done && t.started == k;
            pruned += stopped ? 1 : 0;
            Summary s = k < 0 ? null : halving.summary(t.finished.get(k));
            // a candidate waiting on its rung is pruned only once the search has ended
            String status = failed ? "failed" : done ? "complete" : stopped ? (finished ? "pruned" : "waiting")
                    : "running";
            String rk = failed || k < 0 ? "-" : Integer.toString(++rank);
            if (!confirmedIds.contains(t.candidate)) {
                csvRow(c, rk, Integer.toString(t.candidate), status, s, k, k < 0 ? 0 : halving.rungs().get(k).epochs(),
                        null, v, failed ? errors.getOrDefault(t.candidate, "") : "");
            }
            List<String> cells = new ArrayList<>(List.of(rk, Integer.toString(t.candidate)));
            keys.forEach(key -> cells.add(v.get(key)));
            if (k < 0) {
                cells.addAll(List.of("-", "-"));
            } else {
                Halving.Rung r = halving.rungs().get(k);
                cells.add(k + " (" + r.epochs() + " epochs, " + r.seeds() + " seed" + (r.seeds() == 1 ? "" : "s") + ")");
                cells.add(mean(s, d));
            }
            cells.add(Clock.format(seconds.getOrDefault(t.candidate, 0.0)));
            cells.add(failed ? "failed: " + errors.getOrDefault(t.candidate, "").replace('|', '/')
                    : done ? "reached the last rung" + (confirmedIds.contains(t.candidate) ? "; confirmed above" : "")
                            : stopped ? (finished ? "stopped at rung " : "waiting at rung ") + k + ": " + mean(s, d)
                            : "running");
            table.add(cells);
        }

        Markdown m = new Markdown().heading(1, "Search: " + plan.title);
        m.para("Generated by `-Dsearch` (`rnnlab.search.Search`: Arbiter's " + plan.generator + " draws the candidates; "
                + plan.schedule + "; then the best " + plan.confirmTop + " and the experiment's own settings on "
                + plan.confirmSeeds + " new seeds) as jobs finish; do not edit.");
        m.para(Markdown.wrap("Objective: " + plan.objective.description() + ", the `" + plan.objective.metric()
                + "` of each run's `" + plan.experiment + ".csv` (mean over its settings), and over seeds the mean with "
                + "its 95% interval (perplexities in log space). Each job is a run of the experiment with the "
                + "candidate's values, `-Depochs` and `-Dseeds` given as `-DKEY=value`.", 110));
        m.para("Run it again (finished jobs are reused): `" + plan.searchCommand + "`");
        m.para((finished ? "Finished: " : "In progress (or interrupted): ") + ran + " of " + plan.candidates
                + " candidates started, " + pruned + " stopped early, " + failedCount + " failed; " + jobs + " jobs, "
                + Clock.format(totalSeconds) + " of core time (planned: about "
                + ResultsCsv.number(Math.round(plan.plannedRuns * 10) / 10.0) + " runs of the whole length on one seed; a "
                + "single-seed search of as many candidates runs " + (plan.candidates + 1) + ").");
        if (!confirmedIds.isEmpty()) {
            m.para("**Best**: " + headline() + ".");
        }
        List<List<String>> space = new ArrayList<>();
        for (String k : keys) {
            space.add(List.of("`" + k + "`", "`" + plan.space.range(k) + "`", plan.ownValues.get(k)));
        }
        m.heading(2, "Space");
        m.table(List.of("key", "range", "experiment's own value"), space);
        m.heading(2, "Confirmation on " + plan.confirmSeeds + " new seeds (" + confirmationSeeds() + ")");
        if (conf.isEmpty()) {
            m.para("Not yet: it runs once the halving ends." + (confirmErrors.isEmpty() ? ""
                    : " Failed: " + confirmErrors));
        } else {
            m.para(Markdown.wrap("The difference is the candidate's mean minus the experiment's own settings' (a "
                    + "percentage for perplexities and losses), with Welch's 95% interval; **better** when the whole "
                    + "interval lies beyond the verdicts' tolerance (" + tolerance(anyConf) + ") in the objective's good "
                    + "direction, **not better** when it lies wholly short of it, **inconclusive** otherwise.", 110));
            List<String> h = new ArrayList<>(List.of("rank", "candidate"));
            h.addAll(keys);
            h.addAll(List.of(plan.objective.metric() + " [95%]", "own settings [95%]", "difference [95%]", "verdict"));
            m.table(h, conf);
        }
        m.heading(2, "Candidates, best first");
        m.para("By the last rung each reached, then by its mean there; a candidate stopped early shows its rung and its "
                + "figure there.");
        List<String> header = new ArrayList<>(List.of("rank", "candidate"));
        header.addAll(keys);
        header.addAll(List.of("rung reached", plan.objective.metric() + " [95%]", "time", "status"));
        m.table(header, table);
        AtomicFiles.write(csv, c.toString());
        AtomicFiles.write(md, m.text());
    }

    private static String tolerance(Confirmation x) {
        return Comparison.tolerance(x.tolerance(), x.verdict(), 3);
    }

    private void csvRow(StringBuilder c, String rank, String label, String status, Summary s, int rung, int epochs,
            Confirmation x, Map<String, String> v, String error) {
        c.append(rank).append(',').append(label).append(',').append(status).append(',')
                .append(s == null ? "" : ResultsCsv.number(s.mean())).append(',')
                .append(ResultsCsv.number(Math.round(seconds.getOrDefault(label.equals("baseline") ? -1
                        : Integer.parseInt(label), 0.0) * 10) / 10.0));
        for (String k : plan.space.keys()) {
            c.append(',').append(quote(v.get(k)));
        }
        c.append(',').append(quote(error)).append(',').append(rung < 0 ? "" : Integer.toString(rung)).append(',')
                .append(epochs).append(',').append(s == null ? "" : Integer.toString(s.n())).append(',')
                .append(s == null || s.n() < 2 ? "" : ResultsCsv.number(s.ci95Low())).append(',')
                .append(s == null || s.n() < 2 ? "" : ResultsCsv.number(s.ci95High()));
        if (x == null) {
            c.append(",,,,\n");
        } else {
            c.append(',').append(ResultsCsv.number(x.verdict().difference())).append(',')
                    .append(ResultsCsv.number(x.verdict().low())).append(',')
                    .append(ResultsCsv.number(x.verdict().high())).append(',').append(x.outcome()).append('\n');
        }
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n")
                ? "\"" + s.replace("\"", "\"\"").replace('\n', ' ') + "\"" : s;
    }
}
