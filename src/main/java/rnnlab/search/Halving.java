package rnnlab.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import rnnlab.core.UserError;
import rnnlab.stats.Seeds;
import rnnlab.stats.Summary;

/**
 * Asynchronous successive halving (ASHA; Li et al., "A System for Massively Parallel Hyperparameter Tuning", MLSys
 * 2020, arXiv 1810.05934 of 2018): rung k trains a candidate for {@code R / eta^(rungs-1-k)} epochs on
 * {@code round(K^(k/(rungs-1)))} seeds (R the experiment's epochs, K {@code -Dsearch_seeds}), so rung 0 is a short
 * run on one seed and the last rung the whole run on K seeds. Whenever a worker is free, the highest rung with a
 * candidate among the best {@code floor(n/eta)} of its n finished ones, not yet promoted, promotes it to the next
 * rung; failing that a new candidate starts at rung 0. Once no new candidate can start and nothing runs, a rung
 * with fewer than {@code eta} finished promotes its best, so that at least one candidate reaches the last rung.
 * Pure bookkeeping: the search runs the jobs and reports their scores here.
 */
final class Halving {
    /** A rung: its index, the epochs its runs train and the seeds (0 to seeds-1) each candidate runs on. */
    record Rung(int index, int epochs, int seeds) {
    }

    /** Promote {@code candidate} to rung {@code rung}. */
    record Promotion(int candidate, int rung) {
    }

    /** One candidate's progress: the highest rung it started and the per-seed scores of each rung it finished. */
    static final class Trial {
        final int candidate;
        int started;
        final Map<Integer, double[]> finished = new LinkedHashMap<>();
        boolean failed;

        Trial(int candidate) {
            this.candidate = candidate;
        }

        /** The highest rung it finished, -1 for none. */
        int reached() {
            return finished.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
        }
    }

    private final List<Rung> rungs;
    private final int eta;
    private final String metric;
    private final boolean minimize;
    private final Map<Integer, Trial> trials = new LinkedHashMap<>();

    Halving(List<Rung> rungs, int eta, String metric, boolean minimize) {
        this.rungs = List.copyOf(rungs);
        this.eta = eta;
        this.metric = metric;
        this.minimize = minimize;
    }

    /** The most rungs {@code epochs} allow at {@code eta}: the shortest must train at least one epoch. */
    static int mostRungs(int epochs, int eta) {
        int n = 1;
        for (long e = eta; e <= epochs; e *= eta) {
            n++;
        }
        return n;
    }

    /**
     * The rungs for {@code epochs} epochs, {@code eta}, {@code count} rungs and {@code seeds} seeds at the last: epochs
     * {@code round(epochs / eta^(count-1-k))}, seeds {@code round(seeds^(k/(count-1)))}; too many rungs for the epochs
     * is a {@link UserError}.
     */
    static List<Rung> rungs(int epochs, int eta, int count, int seeds) {
        if (count > mostRungs(epochs, eta)) {
            throw new UserError("-Dhalving_rungs=" + count + " with -Dhalving_eta=" + eta + " needs at least "
                    + Math.round(Math.pow(eta, count - 1)) + " epochs, and the experiment trains " + epochs
                    + "; give at most " + mostRungs(epochs, eta) + " rungs");
        }
        List<Rung> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            int e = (int) Math.max(1, Math.round(epochs / Math.pow(eta, count - 1 - k)));
            int s = count == 1 ? seeds : (int) Math.max(1, Math.round(Math.pow(seeds, k / (double) (count - 1))));
            out.add(new Rung(k, e, s));
        }
        return out;
    }

    List<Rung> rungs() {
        return rungs;
    }

    Rung last() {
        return rungs.get(rungs.size() - 1);
    }

    /** A new candidate starts at rung 0. */
    synchronized void start(int candidate) {
        trials.put(candidate, new Trial(candidate));
    }

    /** {@code candidate} finished {@code rung} with these scores, one per seed. */
    synchronized void finished(int candidate, int rung, double[] scores) {
        trials.get(candidate).finished.put(rung, scores.clone());
    }

    /** {@code candidate} failed: it is promoted no further. */
    synchronized void failed(int candidate) {
        trials.get(candidate).failed = true;
    }

    synchronized Trial trial(int candidate) {
        return trials.get(candidate);
    }

    /** The summary over seeds of a rung's scores (perplexities in log space, as everywhere). */
    Summary summary(double[] scores) {
        return Seeds.summary(metric, scores);
    }

    private Comparator<Trial> bestFirstAt(int rung) {
        Comparator<Trial> c = Comparator.comparingDouble(t -> summary(t.finished.get(rung)).mean());
        return minimize ? c : c.reversed();
    }

    /**
     * The next promotion, the highest rung first and the best candidate first within it, or null; {@code draining}
     * (no new candidate can start and nothing runs) lets a rung with fewer than {@code eta} finished promote its best.
     */
    synchronized Promotion promotion(boolean draining) {
        for (int k = rungs.size() - 2; k >= 0; k--) {
            final int rung = k;
            List<Trial> done = trials.values().stream().filter(t -> t.finished.containsKey(rung) && !t.failed)
                    .sorted(bestFirstAt(rung)).toList();
            int quota = done.size() / eta;
            if (draining && quota == 0 && !done.isEmpty()
                    && trials.values().stream().noneMatch(t -> t.started > rung)) {
                quota = 1; // nobody went on from this rung: its best does
            }
            for (Trial t : done.subList(0, Math.min(quota, done.size()))) {
                if (t.started == rung) {
                    t.started = rung + 1;
                    return new Promotion(t.candidate, rung + 1);
                }
            }
        }
        return null;
    }

    /**
     * The candidates best first: by the highest rung finished, then by the mean over seeds there; those that failed
     * or finished no rung after, in their numbers' order.
     */
    synchronized List<Trial> ranking() {
        Comparator<Trial> byRung = Comparator.comparingInt((Trial t) -> -t.reached());
        List<Trial> ranked = new ArrayList<>(trials.values().stream().filter(t -> !t.failed && t.reached() >= 0)
                .sorted((a, b) -> {
                    int r = byRung.compare(a, b);
                    return r != 0 ? r : bestFirstAt(a.reached()).compare(a, b);
                }).toList());
        trials.values().stream().filter(t -> t.failed || t.reached() < 0).forEach(ranked::add);
        return ranked;
    }

    /**
     * What a search of {@code candidates} costs in runs of the whole length on one seed, if every rung promotes its
     * {@code floor(n/eta)} (at least one): the sum over rungs of candidates x seeds x epochs / R; plus the
     * confirmation, {@code top} candidates and the experiment's own settings on {@code confirmSeeds} new seeds each.
     */
    static double plannedRuns(List<Rung> rungs, int eta, int candidates, int top, int confirmSeeds) {
        double runs = 0;
        int n = candidates;
        int full = rungs.get(rungs.size() - 1).epochs();
        for (Rung r : rungs) {
            runs += n * r.seeds() * (double) r.epochs() / full;
            n = Math.max(1, n / eta);
        }
        return runs + (Math.min(top, candidates) + 1) * (double) confirmSeeds;
    }
}
