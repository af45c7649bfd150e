package rnnlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class RandomStreamsTest {
    /** The purposes the project draws for; more may come, each is just a name. */
    private static final List<String> PURPOSES = List.of("init", "batches", "sampling", "dropout", "embedding",
            "recurrent", "recurrent.bias", "output", "output.bias", "embedding/0", "recurrent/0", "recurrent/1");

    @Test
    void noTwoStreamsOfSeedsZeroToTwentyNineShareADraw() {
        // every draw of the first 2,000 of each stream, across 30 seeds and every purpose: a shared 64-bit value
        // would mean two streams overlap (one a shifted copy of another), which chance makes impossible here
        Map<Long, String> seen = new HashMap<>();
        for (int seed = 0; seed < 30; seed++) {
            for (String purpose : PURPOSES) {
                SplittableRandom r = RandomStreams.of(seed, purpose);
                String name = seed + "/" + purpose;
                for (int i = 0; i < 2000; i++) {
                    String before = seen.put(r.nextLong(), name);
                    assertNull(before, () -> name + " shares a draw with " + before);
                }
            }
        }
    }

    @Test
    void theOldSchemeWouldHaveFailedThatCheck() {
        // SeededInit drew from new SplittableRandom(seed * gamma + call): seed 1's first stream was seed 0's shifted
        // by one draw, the overlap the check above exists to catch
        long gamma = 0x9E3779B97F4A7C15L;
        SplittableRandom seed0 = new SplittableRandom(0 * gamma + 0);
        SplittableRandom seed1 = new SplittableRandom(1 * gamma + 0);
        seed0.nextLong();
        assertEquals(seed0.nextLong(), seed1.nextLong());
    }

    @Test
    void aStreamRepeatsAndDependsOnBothHalvesOfItsName() {
        assertEquals(RandomStreams.of(7, "init").nextLong(), RandomStreams.of(7, "init").nextLong());
        assertNotEquals(RandomStreams.state(7, "init"), RandomStreams.state(8, "init"));
        assertNotEquals(RandomStreams.state(7, "init"), RandomStreams.state(7, "batches"));
        // "1/23" and "12/3" must not name one stream: the separator keeps seed and purpose apart
        assertNotEquals(RandomStreams.state(1, "23"), RandomStreams.state(12, "3"));
        assertEquals(RandomStreams.random(3, "x").nextInt(), RandomStreams.random(3, "x").nextInt());
        assertThrows(IllegalArgumentException.class, () -> RandomStreams.of(1, ""));
    }

    @Test
    void theStateIsTheFirstEightBytesOfTheNamesSha256() throws Exception {
        byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest("5/init".getBytes("UTF-8"));
        long expected = java.nio.ByteBuffer.wrap(h, 0, 8).getLong();
        assertEquals(expected, RandomStreams.state(5, "init"));
    }
}
