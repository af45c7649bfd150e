package rnnlab.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.knowm.xchart.XYChart;

import rnnlab.core.ResultsCsv;
import rnnlab.core.UserError;
import rnnlab.stats.Seeds;
import rnnlab.stats.Summary;

/**
 * The 'hello' -> 'ohlol' experiments' loss plot, from their results CSV alone (so {@code -Dexp=scoreboard} can redraw
 * it): the mean loss over seeds with its 95% interval, every seed a thin grey line under one legend row.
 */
public final class HelloPlot {
    private HelloPlot() {
    }

    public static void draw(Path csv, Path png, String name) {
        ResultsCsv table;
        try {
            table = ResultsCsv.read(csv);
        } catch (IOException e) {
            throw new UserError("Cannot read " + csv + " to draw " + png + ": " + e.getMessage());
        }
        Plots.save(png, chart(table, Plots.title(png, name + ": loss per epoch")));
    }

    /** The chart {@link #draw} writes, before it is written. */
    public static XYChart chart(ResultsCsv table, String title) {
        Map<Integer, List<double[]>> bySeed = new TreeMap<>();
        for (ResultsCsv.Row r : table.rows()) {
            if (r.metric().equals("loss") && !r.epoch().equals("final")) {
                bySeed.computeIfAbsent(Seeds.seed(r.setting()).orElse(0), k -> new ArrayList<>())
                        .add(new double[] {Double.parseDouble(r.epoch()), r.value()});
            }
        }
        TreeMap<Double, List<Double>> byEpoch = new TreeMap<>();
        List<Plots.Series> seeds = new ArrayList<>();
        bySeed.values().forEach(points -> {
            points.forEach(p -> byEpoch.computeIfAbsent(p[0], k -> new ArrayList<>()).add(p[1]));
            seeds.add(new Plots.Series("each seed", points.stream().mapToDouble(p -> p[0]).toArray(),
                    points.stream().mapToDouble(p -> p[1]).toArray(), false, false));
        });
        int n = bySeed.size();
        List<Summary> sums = byEpoch.values().stream()
                .map(v -> Seeds.summary("loss", v.stream().mapToDouble(Double::doubleValue).toArray())).toList();
        Plots.SeedLine mean = new Plots.SeedLine(n > 1 ? "mean of " + n + " seeds (95% interval dotted)" : "loss",
                byEpoch.keySet().stream().mapToDouble(Double::doubleValue).toArray(),
                sums.stream().mapToDouble(Summary::mean).toArray(),
                n > 1 ? sums.stream().mapToDouble(Summary::ci95Low).toArray() : null,
                n > 1 ? sums.stream().mapToDouble(Summary::ci95High).toArray() : null, null, null, false, Plots.TRAIN);
        return Plots.seedsChart(title, "epoch", "cross-entropy loss (nats)", List.of(mean), List.of(), List.of(),
                n > 1 ? seeds : List.of(), false, Plots.Range.LOSS);
    }
}
