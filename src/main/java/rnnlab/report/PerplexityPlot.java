package rnnlab.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import rnnlab.core.ResultsCsv;
import rnnlab.core.UserError;
import rnnlab.stats.Seeds;
import rnnlab.stats.Summary;

/**
 * A language model's perplexity per epoch, drawn from its results CSV alone, so that a run and a later redraw
 * ({@code -Dexp=scoreboard}) give the same picture: for each setting, one line per metric named in the spec, on a
 * logarithmic axis; optionally a fixed series (the course's printed figures) beside them.
 */
public final class PerplexityPlot {
    /** One metric of the CSV as a line: its legend name, dashed or not (markers where it has at most 30 points). */
    public record Line(String metric, String name, boolean dashed) {
    }

    private PerplexityPlot() {
    }

    /**
     * Draws {@code png} from {@code csv}: every numeric-epoch row of each line's metric, per setting in the CSV's
     * order; legend names carry the setting when {@code nameSettings}. {@code extra} series go last.
     */
    public static void draw(Path csv, Path png, String title, List<Line> lines, boolean nameSettings,
            List<Plots.Series> extra) {
        Plots.save(png, chart(csv, Plots.title(png, title), lines, nameSettings, extra));
    }

    /**
     * The chart {@link #draw} writes, before it is written: interval bands cut at 1 (no perplexity is lower), and,
     * when the CSV records the model's vocabulary size ({@code vocabulary}, a final row) and a line is a held-out
     * one (any metric but {@code perplexity}), a reference line there: a held-out perplexity above it is worse than
     * guessing uniformly.
     */
    public static org.knowm.xchart.XYChart chart(Path csv, String title, List<Line> lines, boolean nameSettings,
            List<Plots.Series> extra) {
        ResultsCsv table;
        try {
            table = ResultsCsv.read(csv);
        } catch (IOException e) {
            throw new UserError("Cannot read " + csv + " to draw " + title + ": " + e.getMessage());
        }
        Map<String, Map<String, List<double[]>>> bySetting = new LinkedHashMap<>();
        for (ResultsCsv.Row r : table.rows()) {
            if (r.epoch().equals("final") || Seeds.seed(r.setting()).isPresent()) {
                continue;
            }
            bySetting.computeIfAbsent(r.setting(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(r.metric(), k -> new ArrayList<>())
                    .add(new double[] {Double.parseDouble(r.epoch()), r.value()});
        }
        List<Plots.SeedLine> series = new ArrayList<>();
        for (Map.Entry<String, Map<String, List<double[]>>> s : bySetting.entrySet()) {
            for (Line line : lines) {
                List<double[]> points = s.getValue().getOrDefault(line.metric(), List.of());
                double[] x = points.stream().mapToDouble(p -> p[0]).toArray();
                double[] y = points.stream().mapToDouble(p -> p[1]).toArray();
                String name = nameSettings ? s.getKey() + " " + line.name() : line.name();
                series.add(new Plots.SeedLine(name, x, y, null, null, null, null, line.dashed()));
            }
        }
        // runs over seeds: each base setting's mean (exp of the mean log perplexity) and the 95% interval of the mean
        Map<String, List<Plots.SeedLine>> byBase = new LinkedHashMap<>();
        for (Line line : lines) {
            Seeds.perEpoch(table, line.metric()).forEach((base, epochs) -> {
                double[] x = epochs.keySet().stream().mapToDouble(Double::doubleValue).toArray();
                List<Summary> sums = new ArrayList<>(epochs.values());
                int n = sums.stream().mapToInt(Summary::n).max().orElse(1);
                String name = (nameSettings ? base + " " : "") + line.name() + (n > 1 ? " (mean of " + n + " seeds, 95% interval dotted)" : "");
                byBase.computeIfAbsent(base, b -> new ArrayList<>()).add(new Plots.SeedLine(name, x,
                        sums.stream().mapToDouble(Summary::mean).toArray(),
                        n > 1 ? sums.stream().mapToDouble(Summary::ci95Low).toArray() : null,
                        n > 1 ? sums.stream().mapToDouble(Summary::ci95High).toArray() : null, null, null,
                        line.dashed()));
            });
        }
        byBase.values().forEach(series::addAll);
        List<Plots.Reference> refs = new ArrayList<>();
        double vocabulary = table.rows().stream().filter(r -> r.metric().equals("vocabulary"))
                .mapToDouble(ResultsCsv.Row::value).max().orElse(Double.NaN);
        if (!Double.isNaN(vocabulary) && lines.stream().anyMatch(l -> !l.metric().equals("perplexity"))) {
            refs.add(new Plots.Reference(String.format("vocabulary size %,d: held-out perplexity above it is worse "
                    + "than guessing uniformly", (long) vocabulary), vocabulary));
        }
        return Plots.seedsChart(title, "epoch", "perplexity", series, extra, refs, List.of(), true,
                Plots.Range.PERPLEXITY);
    }
}
