package rnnlab.data;

/**
 * NumPy's legacy {@code numpy.random.RandomState}, as far as the tutorials use it: MT19937 seeded
 * from a 32-bit integer ({@code np.random.seed(n)}) and the bounded {@code randint(low, high)}.
 *
 * <p>The stream is bit-for-bit NumPy's: {@code randint} takes the range {@code high - low - 1},
 * builds the smallest all-ones mask covering it and redraws 32-bit outputs until the masked value
 * falls inside (NumPy's "masked rejection", kept in the legacy generator for reproducibility). A range
 * of zero consumes nothing. Tests compare against numbers NumPy printed.
 */
public final class NumpyRandomState {
    private static final int N = 624;
    private static final int M = 397;
    private final int[] mt = new int[N];
    private int mti;

    public NumpyRandomState(long seed) {
        seed(seed);
    }

    /** {@code np.random.seed(seed)} for an integer seed: MT19937's {@code init_genrand}. */
    public void seed(long seed) {
        if (seed < 0 || seed > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("Seed must be between 0 and 2**32 - 1, got " + seed);
        }
        mt[0] = (int) seed;
        for (int i = 1; i < N; i++) {
            mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        }
        mti = N;
    }

    /** The next raw 32-bit output, as an unsigned value. */
    public long nextUint32() {
        if (mti >= N) {
            twist();
        }
        int y = mt[mti++];
        y ^= (y >>> 11);
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= (y >>> 18);
        return y & 0xFFFFFFFFL;
    }

    private void twist() {
        for (int i = 0; i < N; i++) {
            int y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
            int next = mt[(i + M) % N] ^ (y >>> 1);
            if ((y & 1) != 0) {
                next ^= 0x9908b0df;
            }
            mt[i] = next;
        }
        mti = 0;
    }

    /** {@code randint(low, high)}: a value in {@code [low, high)}, for ranges below 2^32. */
    public long randint(long low, long high) {
        if (high <= low) {
            throw new IllegalArgumentException("randint needs low < high, got " + low + ", " + high);
        }
        long rng = high - low - 1;
        if (rng == 0) {
            return low;
        }
        if (rng > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("randint ranges of 2^32 or more are not ported");
        }
        if (rng == 0xFFFFFFFFL) {
            return low + nextUint32();
        }
        long mask = rng;
        mask |= mask >>> 1;
        mask |= mask >>> 2;
        mask |= mask >>> 4;
        mask |= mask >>> 8;
        mask |= mask >>> 16;
        long value;
        do {
            value = nextUint32() & mask;
        } while (value > rng);
        return low + value;
    }
}
