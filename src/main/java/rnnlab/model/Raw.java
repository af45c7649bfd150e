package rnnlab.model;

import java.nio.FloatBuffer;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Raw float memory for the recurrent layers' inner loops. Small recurrent steps are dominated by the
 * fixed cost of each ND4J op (tens of microseconds against nanoseconds of arithmetic), so the layers
 * run their per-time-step work on native buffers: OpenBLAS {@code sgemm} through JavaCPP for the
 * matrix products and plain Java loops over direct buffers for the element-wise work.
 */
final class Raw {
    private Raw() {
    }

    /** A growable native float buffer owned by one layer, reused across calls. */
    static final class Buf {
        private FloatPointer ptr;
        private FloatBuffer buf;
        private long size;

        /** Makes room for {@code n} floats (contents undefined after growth). */
        Buf ensure(long n) {
            if (ptr == null || size < n) {
                if (ptr != null) {
                    ptr.close();
                }
                size = Math.max(n, 1);
                ptr = new FloatPointer(size);
                buf = ptr.asBuffer();
            }
            return this;
        }

        FloatPointer at(long offset) {
            return ptr.position(offset);
        }

        FloatBuffer buf() {
            return buf;
        }

        void zero(long n) {
            for (int i = 0; i < n; i++) {
                buf.put(i, 0f);
            }
        }
    }

    /** The start of a float array's own memory; the array must be dense in its order (as made, or dup'd). */
    static FloatPointer pointer(INDArray a) {
        if (a.dataType() != DataType.FLOAT) {
            throw new IllegalStateException("raw kernels work on FLOAT arrays, got " + a.dataType());
        }
        Pointer p = a.data().addressPointer();
        return new FloatPointer(p).capacity(a.length()).limit(a.length());
    }

    static FloatBuffer buffer(INDArray a) {
        return pointer(a).asBuffer();
    }

    /** Copies {@code n} floats. */
    static void copy(FloatPointer from, FloatPointer to, long n) {
        // memcpy takes void pointers, whose positions JavaCPP counts in bytes, not floats
        Pointer.memcpy(bytes(to), bytes(from), n * Float.BYTES);
    }

    private static BytePointer bytes(FloatPointer p) {
        return new BytePointer(p).position(p.position() * Float.BYTES);
    }

    /** Row-major {@code C[m,n] = alpha * op(A) op(B) + beta * C}, each at its pointer's position. */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, FloatPointer a, int lda,
            FloatPointer b, int ldb, float beta, FloatPointer c, int ldc) {
        openblas.cblas_sgemm(openblas.CblasRowMajor, transA ? openblas.CblasTrans : openblas.CblasNoTrans,
                transB ? openblas.CblasTrans : openblas.CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    static float sigmoid(float z) {
        return (float) (1.0 / (1.0 + Math.exp(-z)));
    }

    /**
     * tanh in double from {@link Math#exp} (a JIT intrinsic), rounded to float: Java's {@code Math.tanh} is
     * {@code StrictMath}'s software routine and took as long as the matrix products in an LSTM step. Both are
     * within a few double ulps of the true value, so the float results agree but for a rare last-bit tie.
     */
    static float tanh(float z) {
        double a = Math.abs((double) z);
        if (a < 0x1p-5) {
            // Taylor series to z^5: the next term is below 1e-10 of the value here
            double z2 = (double) z * z;
            return (float) (z * (1 - z2 * (1.0 / 3 - z2 * (2.0 / 15))));
        }
        double e = Math.exp(-2 * a);
        return (float) Math.copySign((1 - e) / (1 + e), z);
    }
}
