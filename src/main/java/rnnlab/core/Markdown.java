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

    /** Another page's text, as it is, at this point (a section built before its place on the page). */
    public Markdown append(Markdown other) {
        sb.append(other.text());
        return this;
    }

    public String text() {
        return sb.toString();
    }

    public static String f(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** As {@link #f}, with a comma between thousands: 21,178.7. */
    public static String grouped(double v, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    /**
     * {@code text} broken at spaces into lines of at most {@code width} characters where its words allow (a longer
     * word stands on a line of its own), for paragraphs and list items that read well as source too. A break never
     * puts at a line's start a word Markdown would read as a list item, heading, quote or table row.
     */
    public static String wrap(String text, int width) {
        StringBuilder out = new StringBuilder();
        int lineStart = 0;
        for (String word : text.split(" ")) {
            if (out.length() == 0) {
                out.append(word);
            } else if (out.length() - lineStart + 1 + word.length() <= width || !safeLineStart(word)) {
                out.append(' ').append(word);
            } else {
                out.append('\n');
                lineStart = out.length();
                out.append(word);
            }
        }
        return out.toString();
    }

    private static boolean safeLineStart(String word) {
        return !word.isEmpty() && "#>|".indexOf(word.charAt(0)) < 0 && !word.matches("[-+*=]+|\\d{1,9}[.)]");
    }
}
