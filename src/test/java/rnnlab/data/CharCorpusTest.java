package rnnlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** The corpora against values d2l's own Python code computed from the same files. */
class CharCorpusTest {
    private static final DataHub HUB = DataHub.standard(Path.of("datasets"));

    private static String sha1(int[] ids) {
        return DigitSumData.sha1(Arrays.stream(ids).mapToObj(String::valueOf).collect(Collectors.joining(","))
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void timeMachineAsD2lReadsIt() {
        CharCorpus c = CharCorpus.timeMachine(HUB.fetch(DataHub.TIME_MACHINE));
        assertEquals(List.of("<unk>", " ", "e", "t", "a", "i", "n", "o", "s", "h", "r", "d", "l", "m", "u", "c", "f", "w",
                "g", "y", "p", "b", "v", "k", "x", "z", "j", "q"), c.idxToToken());
        assertEquals(170580, c.ids().length);
        assertArrayEquals(new int[] {3, 9, 2, 1, 3, 5, 13, 2, 1, 13, 4, 15, 9, 5, 6, 2, 1, 21, 19, 1, 9, 1, 18, 1, 17, 2,
            12, 12, 8, 5}, Arrays.copyOf(c.ids(), 30));
        assertEquals("61cc19bacf1155e44b994911eb14ffbf407f5ed9", sha1(c.head(10000)));
        assertEquals("d13e08a73ddec8e417157e2cd71010e190cd83ed", sha1(c.ids()));
        assertEquals(170580 - 10000, c.tail(10000).length);
        assertEquals("the time machine by h g wells", c.text(Arrays.copyOf(c.ids(), 29)));
    }

    @Test
    void jayChouAsD2lZhReadsIt() {
        CharCorpus c = CharCorpus.jayChou(HUB.fetch(DataHub.JAYCHOU_LYRICS), 10000);
        assertEquals(1027 + 1, c.vocabSize(), "the tutorial's 1,027 characters and an <unk> for the held-out text");
        assertEquals(CharCorpus.UNK, c.token(1027));
        assertEquals(63282, c.ids().length);
        assertEquals("想要有直升机 想要和你飞到宇宙去 想要和", c.text(Arrays.copyOf(c.ids(), 20)));
        assertEquals(List.of("想", "要", "有", "直", "升", "机", " ", "和", "你", "飞"), c.idxToToken().subList(0, 10));
        assertTrue(Arrays.stream(c.head(10000)).allMatch(id -> id < 1027), "the first 10,000 use only the tutorial's vocabulary");
        assertEquals(8897, Arrays.stream(c.tail(10000)).filter(id -> id == 1027).count());
    }
}
