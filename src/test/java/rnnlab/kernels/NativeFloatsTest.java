package rnnlab.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The functions and copies the raw recurrent loops use. */
class NativeFloatsTest {
    @Test
    void tanhIsWithinEightUlpsOfJavasTanhAndOdd() {
        double worst = 0;
        for (int bits = Float.floatToIntBits(1e-30f); bits < Float.floatToIntBits(30f); bits += 997) {
            for (float z : new float[] {Float.intBitsToFloat(bits), -Float.intBitsToFloat(bits)}) {
                float want = (float) Math.tanh(z);
                float got = NativeFloats.tanh(z);
                assertTrue(Math.abs(got - want) <= 8 * Math.ulp(want), z + ": " + got + " vs " + want);
                assertEquals(-got, NativeFloats.tanh(-z), 0, "odd");
                worst = Math.max(worst, Math.abs(got - want) / Math.ulp(want));
            }
        }
        assertTrue(worst > 0, "an approximation, not Math.tanh");
        assertEquals(0f, NativeFloats.tanh(0f), 0);
        assertEquals(1e-20f, NativeFloats.tanh(1e-20f), 1e-26f);
        assertEquals(1f, NativeFloats.tanh(30f), 1e-6f);
        assertEquals(-1f, NativeFloats.tanh(-1e30f), 1e-6f);
        assertTrue(NativeFloats.tanh(Float.MAX_VALUE) <= 1f && NativeFloats.tanh(8f) <= 1f, "never beyond 1");
    }

    @Test
    void sigmoidIsWithinThreeTenMillionthsOfTheLogistic() {
        for (float z = -40f; z <= 40f; z += 0.0137f) {
            double want = 1 / (1 + Math.exp(-z));
            assertEquals(want, NativeFloats.sigmoid(z), 3e-7, "sigmoid(" + z + ")");
        }
        assertEquals(0.5f, NativeFloats.sigmoid(0f), 0);
    }

    @Test
    void arrayFormsEqualTheScalarOnesAndTouchOnlyTheirRange() {
        float[] a = new float[40];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i - 20) * 0.37f;
        }
        float[] t = a.clone();
        float[] s = a.clone();
        NativeFloats.tanh(t, 3, 30);
        NativeFloats.sigmoid(s, 5, 30);
        for (int i = 0; i < a.length; i++) {
            assertEquals(i >= 3 && i < 33 ? NativeFloats.tanh(a[i]) : a[i], t[i], 0, "tanh at " + i);
            assertEquals(i >= 5 && i < 35 ? NativeFloats.sigmoid(a[i]) : a[i], s[i], 0, "sigmoid at " + i);
        }
    }

    @Test
    void bufferCopiesAndZeroingAreExact() {
        NativeFloats.Buf b = new NativeFloats.Buf().ensure(100);
        float[] v = new float[10];
        for (int i = 0; i < v.length; i++) {
            v[i] = i + 0.5f;
        }
        b.zero(100);
        NativeFloats.put(v, 10, b, 37);
        float[] back = NativeFloats.get(b, 37, new float[10], 10);
        assertEquals(Arrays.toString(v), Arrays.toString(back));
        assertEquals(0f, b.buf().get(36), 0);
        assertEquals(0f, b.buf().get(47), 0);
        b.zero(100);
        assertEquals(0f, b.buf().get(40), 0);
        assertEquals(0f, b.buf().get(99), 0);
    }

    @Test
    void biasGradientColumnSumsEqualNd4jsBitForBit() {
        int[][] shapes = {{1120, 1024}, {700, 10000}, {700, 150}, {280, 32}, {5, 4}, {3000, 7}};
        for (int[] s : shapes) {
            INDArray dz = Nd4j.randn(s[0], new long[] {s[0], s[1]})
                    .castTo(DataType.FLOAT).muli(1e-3);
            INDArray mine = Nd4j.zeros(
                    DataType.FLOAT, 1, s[1]);
            NdArrayCopies.columnSums(dz, mine);
            float[] want = dz.sum(true, 0).data().asFloat();
            float[] got = mine.dup().data().asFloat();
            for (int j = 0; j < s[1]; j++) {
                assertEquals(Float.floatToIntBits(want[j]), Float.floatToIntBits(got[j]), s[0] + "x" + s[1] + " column " + j);
            }
        }
        // a view (here every other row) takes ND4J's own reduction
        INDArray big = Nd4j.randn(9, new long[] {10, 6})
                .castTo(DataType.FLOAT);
        INDArray view = big.get(NDArrayIndex.interval(2, 8),
                NDArrayIndex.all());
        INDArray out = Nd4j.zeros(
                DataType.FLOAT, 1, 6);
        NdArrayCopies.columnSums(view, out);
        assertEquals(view.sum(true, 0), out);
    }

    @Test
    void denseArraysAreUsedAsTheyAreAndViewsAreCopied() {
        INDArray h = Nd4j.createUninitialized(
                DataType.FLOAT, 1, 1, 512);
        INDArray row = h.reshape('c', 1, 512);
        assertTrue(NativeFloats.dense(row) == row, "a [1, n] reshape is dense");
        INDArray m = Nd4j.rand(
                DataType.FLOAT, 4, 3);
        assertTrue(NativeFloats.dense(m) == m);
        INDArray t = m.transpose();
        assertTrue(NativeFloats.dense(t) != t, "a transpose is copied");
        assertEquals(t, NativeFloats.dense(t));
        INDArray rows = m.get(NDArrayIndex.interval(1, 3),
                NDArrayIndex.all());
        assertTrue(NativeFloats.dense(rows) != rows, "an offset view is copied");
        assertEquals(rows, NativeFloats.dense(rows));
    }
}
