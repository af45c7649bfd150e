package rnnlab.core;

import java.util.List;
import java.util.Locale;

/** Small helpers for the human-readable result pages. */
public final class Markdown {
    private final StringBuilder sb = new StringBuilder();

    public Markdown heading(int level, String text) {
        sb.append("#".repeat(level)).append(' ').append(text).append("\n\n");
        return this;
    }

    public Markdown para(String text) {
        sb.append(text).append("\n\n");
        return this;
    }

    public Markdown table(List<String> header, List<List<String>> rows) {
        sb.append("| ").append(String.join(" | ", header)).append(" |\n|");
        for (int i = 0; i < header.size(); i++) {
            sb.append("---|");
        }
        sb.append('\n');
        for (List<String> row : rows) {
            sb.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        sb.append('\n');
        return this;
    }

    public Markdown image(String alt, String file) {
        sb.append("![").append(alt).append("](").append(file).append(")\n\n");
        return this;
    }

    public Markdown code(String text) {
        sb.append("```\n").append(text.endsWith("\n") ? text : text + "\n").append("```\n\n");
        return this;
    }

    public String text() {
        return sb.toString();
    }

    public static String f(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
