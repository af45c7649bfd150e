package rnnlab.experiments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import rnnlab.io.AtomicFiles;
import rnnlab.report.Markdown;
import rnnlab.report.Plots;
import rnnlab.report.ResultsCsv;

/** {@code DigitSum.md}: the SRN and the LSTM side by side, from whichever of their CSVs exist. */
final class DigitSumComparison {
    private static final List<String> MODELS = List.of("DigitSumSrn", "DigitSumLstm");

    private DigitSumComparison() {
    }

    static void write(Path dir) throws IOException {
        List<ResultsCsv> tables = new ArrayList<>();
        TreeSet<Integer> lengths = new TreeSet<>();
        for (String m : MODELS) {
            Path f = dir.resolve(m + ".csv");
            ResultsCsv csv = Files.isRegularFile(f) ? ResultsCsv.read(f) : new ResultsCsv();
            tables.add(csv);
            csv.rows().stream().filter(r -> r.setting().startsWith("length=") && r.epoch().equals("final"))
                    .forEach(r -> lengths.add(Integer.parseInt(r.setting().substring("length=".length()))));
        }
        List<List<String>> rows = new ArrayList<>();
        List<Plots.Series> series = new ArrayList<>();
        for (int i = 0; i < MODELS.size(); i++) {
            List<Integer> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int length : lengths) {
                tables.get(i).get("length=" + length, "final", "test_accuracy").ifPresent(v -> {
                    xs.add(length);
                    ys.add(v);
                });
            }
            series.add(Plots.Series.of(MODELS.get(i) + " test accuracy", xs, ys, i > 0, true));
        }
        for (int length : lengths) {
            List<String> row = new ArrayList<>(List.of(String.valueOf(length)));
            for (ResultsCsv t : tables) {
                row.add(cell(t.get("length=" + length, "final", "best_dev_accuracy")));
                row.add(cell(t.get("length=" + length, "final", "test_accuracy")));
            }
            rows.add(row);
        }
        Markdown md = new Markdown().heading(1, "DigitSum: SRN and LSTM memory against sequence length");
        md.para("From DigitSumSrn.csv and DigitSumLstm.csv in this folder (regenerated whenever either runs). Same data, "
                + "embedding, hidden size 32, Adam 0.001, batch 8, best model by dev accuracy; only the recurrent layer differs.");
        md.table(List.of("length", "SRN best dev", "SRN test", "LSTM best dev", "LSTM test"), rows);
        md.image("test accuracy against length", "DigitSum-accuracy.png");
        AtomicFiles.write(dir.resolve("DigitSum.md"), md.text());
        Plots.line(dir.resolve("DigitSum-accuracy.png"), "DigitSum: test accuracy against sequence length",
                "sequence length", "test accuracy", series, false);
    }

    private static String cell(Optional<Double> v) {
        return v.map(d -> Markdown.f(d, 3)).orElse("-");
    }
}
