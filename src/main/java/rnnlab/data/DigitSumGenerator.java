package rnnlab.data;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import rnnlab.core.UserError;

/**
 * The tutorial's {@code generate_data(length, k, save_path)}: all 100 pairs of leading digits, the
 * rest zeros, and for each pair {@code k} copies with one zero position (2..length-1) replaced by a
 * random digit. Draws come from one {@link NumpyRandomState} shared across calls, exactly as the
 * tutorial seeds NumPy once and then generates every length's train, dev and test in turn.
 */
public final class DigitSumGenerator {
    private final NumpyRandomState random;

    public DigitSumGenerator(NumpyRandomState random) {
        this.random = random;
    }

    /** The file text {@code generate_data} writes: "d d ... d\tlabel\n" per example. */
    public String generate(int length, int k) {
        if (length < 3) {
            throw new UserError("DigitSum length must be at least 3 (the tutorial's rule), got " + length);
        }
        if (k <= 0) {
            throw new UserError("DigitSum k (examples per digit pair) must be at least 1, got " + k);
        }
        StringBuilder out = new StringBuilder(100 * k * (2 * length + 4));
        for (int n1 = 0; n1 < 10; n1++) {
            for (int n2 = 0; n2 < 10; n2++) {
                for (int copy = 0; copy < k; copy++) {
                    int idx = (int) random.randint(2, length);
                    int val = (int) random.randint(0, 10);
                    List<Integer> seq = new ArrayList<>(length);
                    seq.add(n1);
                    seq.add(n2);
                    for (int i = 2; i < length; i++) {
                        seq.add(0);
                    }
                    seq.set(idx, val);
                    for (int i = 0; i < length; i++) {
                        if (i > 0) {
                            out.append(' ');
                        }
                        out.append(seq.get(i));
                    }
                    out.append('\t').append(n1 + n2).append('\n');
                }
            }
        }
        return out.toString();
    }

    public byte[] generateBytes(int length, int k) {
        return generate(length, k).getBytes(StandardCharsets.UTF_8);
    }
}
