package rnnlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The scalar functions the raw LSTM and GRU loops use. */
class RawTest {
    @Test
    void tanhIsJavasTanhRoundedToFloatWithinOneUlp() {
        long differ = 0;
        long n = 0;
        for (int bits = Float.floatToIntBits(1e-30f); bits < Float.floatToIntBits(30f); bits += 9973) {
            for (float z : new float[] {Float.intBitsToFloat(bits), -Float.intBitsToFloat(bits)}) {
                float want = (float) Math.tanh(z);
                float got = Raw.tanh(z);
                assertTrue(Math.abs(got - want) <= Math.ulp(want), z + ": " + got + " vs " + want);
                assertEquals(-got, Raw.tanh(-z), 0, "odd");
                differ += got != want ? 1 : 0;
                n++;
            }
        }
        assertTrue(differ * 1000 < n, "a last-bit tie is rare: " + differ + " of " + n);
        assertEquals(0f, Raw.tanh(0f), 0);
        assertEquals(1f, Raw.tanh(30f), 0);
        assertEquals(-1f, Raw.tanh(-30f), 0);
        assertEquals(1e-20f, Raw.tanh(1e-20f), 0);
    }
}
