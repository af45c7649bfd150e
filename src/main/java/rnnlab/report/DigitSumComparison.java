package rnnlab.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import rnnlab.core.AtomicFiles;
import rnnlab.core.Markdown;
import rnnlab.core.ResultsCsv;
import rnnlab.stats.Seeds;
import rnnlab.stats.Summary;

/** {@code DigitSum.md}: the SRN and the LSTM side by side, from whichever of their CSVs exist. */
public final class DigitSumComparison {
    private static final List<String> MODELS = List.of("DigitSumSrn", "DigitSumLstm");

    /** One colour per model, apart from the training, dev and test colours of each model's own plots. */
    private static final java.awt.Color[] MODEL_COLOURS = {new java.awt.Color(0xFF7F0E), new java.awt.Color(0x9467BD)};

    private DigitSumComparison() {
    }

    public static void write(Path dir) throws IOException {
        List<ResultsCsv> tables = new ArrayList<>();
        TreeSet<Integer> lengths = new TreeSet<>();
        for (String m : MODELS) {
            Path f = dir.resolve(m + ".csv");
            ResultsCsv csv = Files.isRegularFile(f) ? ResultsCsv.read(f) : new ResultsCsv();
            tables.add(csv);
            lengths.addAll(lengths(csv, "test_accuracy").keySet());
        }
        List<List<String>> rows = new ArrayList<>();
        List<Plots.SeedLine> series = new ArrayList<>();
        for (int i = 0; i < MODELS.size(); i++) {
            Plots.SeedLine l = overSeeds(tables.get(i), "test_accuracy", MODELS.get(i) + " test accuracy", i > 0);
            series.add(new Plots.SeedLine(l.name(), l.x(), l.mean(), l.low(), l.high(), l.pointX(), l.pointY(),
                    l.dashed(), MODEL_COLOURS[i]));
        }
        for (int length : lengths) {
            List<String> row = new ArrayList<>(List.of(String.valueOf(length)));
            for (ResultsCsv t : tables) {
                row.add(cell(lengths(t, "best_dev_accuracy").get(length)));
                row.add(cell(lengths(t, "test_accuracy").get(length)));
            }
            rows.add(row);
        }
        Markdown md = new Markdown().heading(1, "DigitSum: SRN and LSTM memory against sequence length");
        md.para("From DigitSumSrn.csv and DigitSumLstm.csv in this folder (regenerated whenever either runs). Same data, "
                + "embedding, hidden size 32, Adam 0.001, batch 8, best model by dev accuracy; only the recurrent layer "
                + "differs. Each cell is the mean over the seeds ± their sd, with the seeds' count; the plot shows each "
                + "model's mean, the 95% interval of the mean (dotted) and every seed's value.");
        md.table(List.of("length", "SRN best dev", "SRN test", "LSTM best dev", "LSTM test"), rows);
        md.image("test accuracy against length", "DigitSum-accuracy.png");
        AtomicFiles.write(dir.resolve("DigitSum.md"), md.text());
        Path png = dir.resolve("DigitSum-accuracy.png");
        Plots.seeds(png, "DigitSum: test accuracy against sequence length", "sequence length", "test accuracy",
                series, List.of(), List.of(), List.of(), false, Plots.Range.ACCURACY);
    }

    /** A metric's final values per length (each length's seeds; an unseeded setting counts as one seed). */
    static java.util.TreeMap<Integer, List<Double>> lengths(ResultsCsv csv, String metric) {
        java.util.TreeMap<Integer, List<Double>> out = new java.util.TreeMap<>();
        for (ResultsCsv.Row r : csv.rows()) {
            String base = Seeds.base(r.setting());
            if (r.epoch().equals("final") && r.metric().equals(metric) && base.matches("length=\\d+")) {
                out.computeIfAbsent(Integer.parseInt(base.substring("length=".length())), k -> new ArrayList<>())
                        .add(r.value());
            }
        }
        return out;
    }

    /**
     * Accuracy against length over seeds: the mean line, the 95% interval of the mean (within [0, 1], where an
     * accuracy lies: {@link Seeds#summary}) and every seed's point.
     */
    static Plots.SeedLine overSeeds(ResultsCsv csv, String metric, String name, boolean dashed) {
        java.util.TreeMap<Integer, List<Double>> byLength = lengths(csv, metric);
        int n = byLength.values().stream().mapToInt(List::size).max().orElse(0);
        double[] x = byLength.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
        List<Summary> sums = byLength.values().stream()
                .map(v -> Seeds.summary(metric, v.stream().mapToDouble(Double::doubleValue).toArray())).toList();
        List<double[]> points = new ArrayList<>();
        byLength.forEach((length, v) -> v.forEach(a -> points.add(new double[] {length, a})));
        return new Plots.SeedLine(name + (n > 1 ? " (mean of " + n + " seeds)" : ""), x,
                sums.stream().mapToDouble(Summary::mean).toArray(),
                n > 1 ? sums.stream().mapToDouble(Summary::ci95Low).toArray() : null,
                n > 1 ? sums.stream().mapToDouble(Summary::ci95High).toArray() : null,
                n > 1 ? points.stream().mapToDouble(q -> q[0]).toArray() : null,
                n > 1 ? points.stream().mapToDouble(q -> q[1]).toArray() : null, dashed);
    }

    private static String cell(List<Double> v) {
        if (v == null || v.isEmpty()) {
            return "-";
        }
        Summary s = Summary.of(v.stream().mapToDouble(Double::doubleValue).toArray());
        return s.n() == 1 ? Markdown.f(s.mean(), 3)
                : Markdown.f(s.mean(), 3) + " ± " + Markdown.f(s.sd(), 3) + " (" + s.n() + ")";
    }
}
