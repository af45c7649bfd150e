package rnnlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The functions and copies the raw recurrent loops use. */
class RawTest {
    @Test
    void tanhIsWithinEightUlpsOfJavasTanhAndOdd() {
        double worst = 0;
        for (int bits = Float.floatToIntBits(1e-30f); bits < Float.floatToIntBits(30f); bits += 997) {
            for (float z : new float[] {Float.intBitsToFloat(bits), -Float.intBitsToFloat(bits)}) {
                float want = (float) Math.tanh(z);
                float got = Raw.tanh(z);
                assertTrue(Math.abs(got - want) <= 8 * Math.ulp(want), z + ": " + got + " vs " + want);
                assertEquals(-got, Raw.tanh(-z), 0, "odd");
                worst = Math.max(worst, Math.abs(got - want) / Math.ulp(want));
            }
        }
        assertTrue(worst > 0, "an approximation, not Math.tanh");
        assertEquals(0f, Raw.tanh(0f), 0);
        assertEquals(1e-20f, Raw.tanh(1e-20f), 1e-26f);
        assertEquals(1f, Raw.tanh(30f), 1e-6f);
        assertEquals(-1f, Raw.tanh(-1e30f), 1e-6f);
        assertTrue(Raw.tanh(Float.MAX_VALUE) <= 1f && Raw.tanh(8f) <= 1f, "never beyond 1");
    }

    @Test
    void sigmoidIsWithinThreeTenMillionthsOfTheLogistic() {
        for (float z = -40f; z <= 40f; z += 0.0137f) {
            double want = 1 / (1 + Math.exp(-z));
            assertEquals(want, Raw.sigmoid(z), 3e-7, "sigmoid(" + z + ")");
        }
        assertEquals(0.5f, Raw.sigmoid(0f), 0);
    }

    @Test
    void arrayFormsEqualTheScalarOnesAndTouchOnlyTheirRange() {
        float[] a = new float[40];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i - 20) * 0.37f;
        }
        float[] t = a.clone();
        float[] s = a.clone();
        Raw.tanh(t, 3, 30);
        Raw.sigmoid(s, 5, 30);
        for (int i = 0; i < a.length; i++) {
            assertEquals(i >= 3 && i < 33 ? Raw.tanh(a[i]) : a[i], t[i], 0, "tanh at " + i);
            assertEquals(i >= 5 && i < 35 ? Raw.sigmoid(a[i]) : a[i], s[i], 0, "sigmoid at " + i);
        }
    }

    @Test
    void bufferCopiesAndZeroingAreExact() {
        Raw.Buf b = new Raw.Buf().ensure(100);
        float[] v = new float[10];
        for (int i = 0; i < v.length; i++) {
            v[i] = i + 0.5f;
        }
        b.zero(100);
        Raw.put(v, 10, b, 37);
        float[] back = Raw.get(b, 37, new float[10], 10);
        assertEquals(java.util.Arrays.toString(v), java.util.Arrays.toString(back));
        assertEquals(0f, b.buf().get(36), 0);
        assertEquals(0f, b.buf().get(47), 0);
        b.zero(100);
        assertEquals(0f, b.buf().get(40), 0);
        assertEquals(0f, b.buf().get(99), 0);
    }
}
