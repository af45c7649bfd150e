package rnnlab.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import rnnlab.core.UserError;

class GemmTest {
    private static INDArray random(Random r, char order, long rows, long cols) {
        INDArray a = Nd4j.create(DataType.FLOAT, new long[] {rows, cols}, order);
        for (long i = 0; i < rows; i++) {
            for (long j = 0; j < cols; j++) {
                a.putScalar(i, j, r.nextFloat() - 0.5f);
            }
        }
        return a;
    }

    /** The same matrix in one of the layouts the kernels meet: C order, F order, or a block of rows of a bigger one. */
    private static INDArray layout(INDArray x, int kind, Random r) {
        switch (kind) {
            case 0:
                return x.dup('c');
            case 1:
                return x.dup('f');
            default:
                INDArray big = random(r, 'c', x.size(0) + 3, x.size(1));
                INDArray v = big.get(interval(2, 2 + x.size(0)), all());
                v.assign(x);
                return v;
        }
    }

    /** Every transposition and layout of A, B and C, with beta 0 and 1, agrees with ND4J's gemm (the reference). */
    @Test
    void agreesWithNd4jInEveryLayout() {
        assertEquals(Gemm.Library.ONEDNN, Gemm.library(), "the tests run the default library");
        Random r = new Random(7);
        int m = 5;
        int n = 7;
        int k = 3;
        for (boolean tA : new boolean[] {false, true}) {
            for (boolean tB : new boolean[] {false, true}) {
                INDArray a0 = tA ? random(r, 'c', k, m) : random(r, 'c', m, k);
                INDArray b0 = tB ? random(r, 'c', n, k) : random(r, 'c', k, n);
                INDArray c0 = random(r, 'c', m, n);
                for (double beta : new double[] {0.0, 1.0}) {
                    INDArray expected = c0.dup('c');
                    Nd4j.gemm(a0, b0, expected, tA, tB, 0.5, beta);
                    for (int la = 0; la < 3; la++) {
                        for (int lb = 0; lb < 3; lb++) {
                            for (int lc = 0; lc < 3; lc++) {
                                INDArray c = layout(c0, lc, r);
                                Gemm.gemm(layout(a0, la, r), layout(b0, lb, r), c, tA, tB, 0.5, beta);
                                String where = "tA " + tA + " tB " + tB + " beta " + beta + " layouts " + la + lb + lc;
                                for (int i = 0; i < m; i++) {
                                    for (int j = 0; j < n; j++) {
                                        assertEquals(expected.getFloat(i, j), c.getFloat(i, j), 1e-5, where);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void aRowViewIsWrittenInPlaceAndNothingAroundIt() {
        Random r = new Random(3);
        INDArray big = random(r, 'c', 8, 4);
        INDArray before = big.dup();
        INDArray c = big.get(interval(2, 6), all());
        INDArray a = random(r, 'c', 4, 3);
        INDArray b = random(r, 'c', 3, 4);
        Gemm.gemm(a, b, c, false, false, 1.0, 0.0);
        INDArray expected = a.mmul(b);
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 4; j++) {
                float want = i >= 2 && i < 6 ? expected.getFloat(i - 2, j) : before.getFloat(i, j);
                assertEquals(want, big.getFloat(i, j), 1e-5, "row " + i);
            }
        }
    }

    @Test
    void badValuesSayWhatIsRight() {
        assertEquals(Gemm.Library.ONEDNN, Gemm.parse(null));
        assertEquals(Gemm.Library.ONEDNN, Gemm.parse(" oneDNN "));
        assertEquals(Gemm.Library.OPENBLAS, Gemm.parse("openblas"));
        UserError e = assertThrows(UserError.class, () -> Gemm.parse("mkl"));
        assertTrue(e.getMessage().contains("'mkl'") && e.getMessage().contains("onednn") && e.getMessage().contains("openblas"),
                e.getMessage());
    }

    @Test
    void describesOneDnnsVersion() {
        assertTrue(Gemm.describe().matches("oneDNN \\d+\\.\\d+\\.\\d+"), Gemm.describe());
    }

    /** The padded leading dimensions of the recurrent kernels change where rows live, not a single bit of a product. */
    @Test
    void paddedRowsGiveTheSameBits() {
        assertEquals(1040, NativeFloats.paddedLd(1024));
        assertEquals(528, NativeFloats.paddedLd(512));
        assertEquals(768, NativeFloats.paddedLd(768));
        Random r = new Random(7);
        for (Gemm.Library lib : Gemm.Library.values()) {
            // the LSTM's step, H RW with RW 256 x 1024, and its weight gradient, dZ^T H over 35 x 31 rows
            int[][] shapes = {{32, 1024, 256, 0}, {1024, 256, 1085, 1}};
            for (int[] sh : shapes) {
                int m = sh[0], n = sh[1], k = sh[2];
                boolean ta = sh[3] == 1;
                int rowsB = k, colsA = ta ? m : k, rowsA = ta ? k : m;
                float[] a = new float[rowsA * colsA];
                float[] b = new float[rowsB * n];
                for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() - 0.5f;
                for (int i = 0; i < b.length; i++) b[i] = r.nextFloat() - 0.5f;
                NativeFloats.Buf aDense = new NativeFloats.Buf().ensure(a.length);
                NativeFloats.Buf bDense = new NativeFloats.Buf().ensure(b.length);
                aDense.buf().put(0, a);
                bDense.buf().put(0, b);
                NativeFloats.Buf aPad = new NativeFloats.Buf();
                NativeFloats.Buf bPad = new NativeFloats.Buf();
                int lda = NativeFloats.paddedLd(colsA), ldb = NativeFloats.paddedLd(n);
                NativeFloats.copyRows(aDense.view(0), rowsA, colsA, aPad, lda);
                NativeFloats.copyRows(bDense.view(0), rowsB, n, bPad, ldb);
                NativeFloats.Buf c1 = new NativeFloats.Buf().ensure((long) m * n);
                NativeFloats.Buf c2 = new NativeFloats.Buf().ensure((long) m * n);
                Gemm.sgemm(lib, ta, false, m, n, k, 1f, aDense.at(0), colsA, bDense.at(0), n, 0f, c1.at(0), n);
                Gemm.sgemm(lib, ta, false, m, n, k, 1f, aPad.at(0), lda, bPad.at(0), ldb, 0f, c2.at(0), n);
                for (int i = 0; i < m * n; i++) {
                    assertEquals(Float.floatToRawIntBits(c1.buf().get(i)), Float.floatToRawIntBits(c2.buf().get(i)),
                            lib + " " + m + "x" + n + "x" + k + " element " + i);
                }
            }
        }
    }
}
