package rnnlab.core;

/**
 * A text kept on one line of a file: a backslash, a line break and a carriage return inside it are written as
 * {@code \\}, {@code \n} and {@code \r}. A saved model's vocabulary and a finished job's texts are stored so.
 */
public final class OneLine {
    private OneLine() {
    }

    public static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    }

    public static String unescape(String line) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                char n = line.charAt(++i);
                sb.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
