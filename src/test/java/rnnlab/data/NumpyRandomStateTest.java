package rnnlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The port against numbers NumPy 2.4 printed (np.random.RandomState(seed), legacy generator). */
class NumpyRandomStateTest {
    private static long[] raw(long seed, int n) {
        NumpyRandomState rs = new NumpyRandomState(seed);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = rs.nextUint32();
        }
        return out;
    }

    @Test
    void rawOutputsMatchNumpy() {
        // rs.randint(0, 2**32, size=6, dtype=np.uint32) returns the raw 32-bit outputs
        assertArrayEquals(new long[] {2357136044L, 2546248239L, 3071714933L, 3626093760L, 2588848963L, 3684848379L},
                raw(0, 6));
        assertArrayEquals(new long[] {1791095845L, 4282876139L, 3093770124L, 4005303368L, 491263L, 550290313L},
                raw(1, 6));
        assertArrayEquals(new long[] {3499211612L, 581869302L, 3890346734L, 3586334585L, 545404204L, 4161255391L},
                raw(5489, 6));
        assertArrayEquals(new long[] {419326371L, 479346978L, 3918654476L, 2416749639L, 3388880820L, 2260532800L},
                raw(4294967295L, 6));
    }

    @Test
    void boundedRandintMatchesNumpy() {
        NumpyRandomState rs = new NumpyRandomState(0);
        long[] a = new long[10];
        long[] b = new long[10];
        for (int i = 0; i < 10; i++) {
            a[i] = rs.randint(2, 35);
        }
        for (int i = 0; i < 10; i++) {
            b[i] = rs.randint(0, 10);
        }
        assertArrayEquals(new long[] {2, 5, 5, 11, 21, 23, 25, 8, 26, 26}, a);
        assertArrayEquals(new long[] {1, 6, 7, 7, 8, 1, 5, 9, 8, 9}, b);
    }

    @Test
    void emptyRangeConsumesNothingAndNegativeLowWorks() {
        NumpyRandomState rs = new NumpyRandomState(12345);
        long[] first = new long[12];
        for (int i = 0; i < 12; i++) {
            first[i] = rs.randint(0, 7);
        }
        assertArrayEquals(new long[] {2, 5, 5, 1, 4, 1, 6, 6, 5, 2, 5, 1}, first);
        assertEquals(5, rs.randint(5, 6));
        long[] next = new long[5];
        for (int i = 0; i < 5; i++) {
            next[i] = rs.randint(-3, 1000);
        }
        assertArrayEquals(new long[] {115, 366, 312, 651, 102}, next);
    }

    @Test
    void seedOutOfRangeIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new NumpyRandomState(-1));
        assertThrows(IllegalArgumentException.class, () -> new NumpyRandomState(1L << 32));
        assertThrows(IllegalArgumentException.class, () -> new NumpyRandomState(0).randint(3, 3));
    }
}
