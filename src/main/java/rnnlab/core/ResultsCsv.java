package rnnlab.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A results table in long format, one value a row: {@code setting,epoch,metric,value}. {@code epoch}
 * is a number (1-based, possibly fractional for values taken within an epoch) or {@code final}.
 */
public final class ResultsCsv {
    public static final String HEADER = "setting,epoch,metric,value";

    public record Row(String setting, String epoch, String metric, double value) {
    }

    private final List<Row> rows = new ArrayList<>();

    public ResultsCsv add(String setting, String epoch, String metric, double value) {
        if (setting.contains(",") || metric.contains(",")) {
            throw new IllegalArgumentException("commas are not allowed in settings or metrics: " + setting + " " + metric);
        }
        // held as written (number(v)), so that a page drawn from these rows and one drawn from the file are the same
        rows.add(new Row(setting, epoch, metric, Double.isFinite(value) ? Double.parseDouble(number(value)) : value));
        return this;
    }

    public ResultsCsv add(String setting, double epoch, String metric, double value) {
        return add(setting, number(epoch), metric, value);
    }

    public ResultsCsv addFinal(String setting, String metric, double value) {
        return add(setting, "final", metric, value);
    }

    public List<Row> rows() {
        return rows;
    }

    public Optional<Double> get(String setting, String epoch, String metric) {
        return rows.stream().filter(r -> r.setting.equals(setting) && r.epoch.equals(epoch) && r.metric.equals(metric))
                .map(Row::value).findFirst();
    }

    /**
     * Each setting's last value of {@code metric}: its "final" row if it has one, else the row of its highest
     * epoch; settings in the order they first appear, those without the metric left out.
     */
    public LinkedHashMap<String, Double> last(String metric) {
        LinkedHashMap<String, Double> out = new LinkedHashMap<>();
        Map<String, Double> epochOf = new HashMap<>();
        for (Row r : rows) {
            if (!r.metric.equals(metric)) {
                continue;
            }
            double epoch = r.epoch.equals("final") ? Double.POSITIVE_INFINITY : parseEpoch(r.epoch);
            Double seen = epochOf.get(r.setting);
            if (seen == null || epoch >= seen) {
                epochOf.put(r.setting, epoch);
                out.put(r.setting, r.value);
            }
        }
        return out;
    }

    private static double parseEpoch(String epoch) {
        try {
            return Double.parseDouble(epoch);
        } catch (NumberFormatException e) {
            return Double.NEGATIVE_INFINITY;
        }
    }

    public String text() {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Row r : rows) {
            sb.append(r.setting).append(',').append(r.epoch).append(',').append(r.metric).append(',')
                    .append(number(r.value)).append('\n');
        }
        return sb.toString();
    }

    public void write(Path file) {
        AtomicFiles.write(file, text());
    }

    public static ResultsCsv read(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    }

    /** The table in {@code lines} (header first); {@code source} names them in errors. */
    public static ResultsCsv parse(List<String> lines, String source) throws IOException {
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException(source + ": first line is not '" + HEADER + "'");
        }
        ResultsCsv csv = new ResultsCsv();
        for (int i = 1; i < lines.size(); i++) {
            String[] p = lines.get(i).split(",", -1);
            if (p.length != 4) {
                throw new IOException(source + ":" + (i + 1) + ": expected 4 fields, got " + p.length);
            }
            try {
                csv.add(p[0], p[1], p[2], Double.parseDouble(p[3]));
            } catch (NumberFormatException e) {
                throw new IOException(source + ":" + (i + 1) + ": '" + p[3] + "' is not a number");
            }
        }
        return csv;
    }

    /** Shortest plain form: integers without a decimal point, others to 6 significant digits. */
    public static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, "%.6g", v);
        if (s.contains("e") || s.contains("E")) {
            return s;
        }
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }
}
