package rnnlab.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Every random stream of a run, named by the pair (seed, purpose): the run's seed and what the draws are for
 * ("embedding", "batches", "dropout", ...). The stream's starting state is a hash of the pair, so no two seeds or
 * purposes share a stream, and none is another shifted by a few draws (as {@code new SplittableRandom(seed + 1)} or
 * {@code seed * gamma + k} would be: SplittableRandom's state advances by a fixed gamma each draw). ND4J M2.1's own
 * seeded ops do not repeat, so all randomness of the project comes from here.
 */
public final class RandomStreams {
    private RandomStreams() {
    }

    /** The stream of {@code purpose} in the run of {@code seed}. */
    public static SplittableRandom of(long seed, String purpose) {
        return new SplittableRandom(state(seed, purpose));
    }

    /** The same stream's state as a {@link Random} (for code that needs one; it keeps 48 of the 64 bits). */
    public static Random random(long seed, String purpose) {
        return new Random(state(seed, purpose));
    }

    /** The first 64 bits of SHA-256 of "seed/purpose": stable across versions, platforms and runs. */
    public static long state(long seed, String purpose) {
        if (purpose == null || purpose.isEmpty()) {
            throw new IllegalArgumentException("a random stream needs a purpose");
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((seed + "/" + purpose).getBytes(StandardCharsets.UTF_8));
            long s = 0;
            for (int i = 0; i < 8; i++) {
                s = s << 8 | (h[i] & 0xff);
            }
            return s;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
