package rnnlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import rnnlab.core.UserError;

/** Penn Treebank reading and the course's column layout, against hand-laid examples and the real corpus. */
class WordCorpusTest {
    @Test
    void linesBecomeWordsWithEos() throws Exception {
        List<String> w = WordCorpus.words(new ByteArrayInputStream(" the cat <unk>\n sat  down \n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("the", "cat", "<unk>", "<eos>", "sat", "down", "<eos>"), w);
    }

    @Test
    void vocabularyComesFromTrainingInOrderOfFirstAppearance() {
        WordCorpus c = WordCorpus.of(List.of("b", "a", "b", "<eos>"), List.of("a", "<eos>"), List.of("b"));
        assertEquals(3, c.vocabSize());
        assertArrayEquals(new int[] {0, 1, 0, 2}, c.train());
        assertArrayEquals(new int[] {1, 2}, c.valid());
        assertEquals("b a <eos>", c.text(new int[] {0, 1, 2}));
        assertThrows(UserError.class, () -> WordCorpus.of(List.of("a"), List.of("z"), List.of()));
    }

    @Test
    void columnsAndBatchesAsTheCourseLaysThemOut() {
        // 0..13 in 3 columns: 4 rows each (the last 2 tokens dropped), view(3, -1).t()
        int[] tokens = new int[14];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i;
        }
        int[][] data = WordCorpus.columns(tokens, 3);
        assertArrayEquals(new int[][] {{0, 4, 8}, {1, 5, 9}, {2, 6, 10}, {3, 7, 11}}, data);
        // range(0, rows - 1 - steps, steps) with rows 4, steps 2: only start 0
        assertEquals(List.of(0), WordCorpus.starts(4, 2));
        assertEquals(List.of(0, 2, 4), WordCorpus.starts(8, 2));
        CharLmIterator.Ids b = WordCorpus.batch(data, 1, 2);
        assertArrayEquals(new int[][] {{1, 2}, {5, 6}, {9, 10}}, b.x()); // one row per column
        assertArrayEquals(new int[][] {{2, 3}, {6, 7}, {10, 11}}, b.y());
    }

    @Test
    void thePennTreebankHasTheCoursesSizes() {
        WordCorpus c = WordCorpus.ptb(DataHub.standard(Path.of("datasets")).fetch(DataHub.PTB));
        assertEquals(10000, c.vocabSize());
        assertEquals(929589, c.train().length);
        assertEquals(46479, WordCorpus.columns(c.train(), 20).length); // the course's loop bound is 46478
        assertEquals(4121, WordCorpus.columns(c.test(), 20).length); // and 4120 for the test split
        assertEquals(1327, WordCorpus.starts(46479, 35).size());
        assertEquals("aer", c.word(0));
        assertEquals(c.id(WordCorpus.EOS), c.train()[c.train().length - 1]);
    }
}
