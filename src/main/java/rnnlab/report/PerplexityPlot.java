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
        ResultsCsv table;
        try {
            table = ResultsCsv.read(csv);
        } catch (IOException e) {
            throw new UserError("Cannot read " + csv + " to draw " + png + ": " + e.getMessage());
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
        Plots.seeds(png, title, "epoch", "perplexity", series, extra, true);
    }
}
