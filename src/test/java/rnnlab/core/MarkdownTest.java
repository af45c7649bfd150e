package rnnlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The pages' number formats and paragraph wrapping. */
class MarkdownTest {

    @Test
    void groupedNumbersHaveACommaBetweenThousands() {
        assertEquals("21,179", Markdown.grouped(21178.7, 0));
        assertEquals("21,178.7", Markdown.grouped(21178.7, 1));
        assertEquals("999", Markdown.grouped(999, 0));
        assertEquals("1,234,567", Markdown.grouped(1234567, 0));
        assertEquals("-1,000.50", Markdown.grouped(-1000.5, 2));
    }

    @Test
    void wrapBreaksAtSpacesWithinTheWidth() {
        assertEquals("aaa bbb\nccc", Markdown.wrap("aaa bbb ccc", 7));
        assertEquals("aaa bbb ccc", Markdown.wrap("aaa bbb ccc", 11));
        assertEquals("aaa\nbbb\nccc", Markdown.wrap("aaa bbb ccc", 6));
        assertEquals("aaaaaaaaaa\nb", Markdown.wrap("aaaaaaaaaa b", 4), "a longer word stands alone");
        assertEquals("", Markdown.wrap("", 10));
    }

    @Test
    void wrapNeverStartsALineWithWhatMarkdownWouldReadAsABlock() {
        for (String word : new String[] {"-", "+", "*", "=", "--", "==", "1.", "12)", "#", "#x", ">x", "|x"}) {
            assertEquals("aaa " + word + "\nb", Markdown.wrap("aaa " + word + " b", 4), word);
        }
        // words that only look alike may start a line
        for (String word : new String[] {"-0.5", "**bold**", "1.021", "x-y", "12a"}) {
            assertEquals("aaa\n" + word + "\nb", Markdown.wrap("aaa " + word + " b", 4), word);
        }
    }
}
