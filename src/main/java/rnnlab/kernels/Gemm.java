package rnnlab.kernels;

import java.util.Arrays;
import java.util.Locale;

import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import rnnlab.core.Options;
import rnnlab.core.UserError;

/**
 * The matrix products of the project's own kernels (the recurrent layers' time steps and their all-steps gradient
 * products, the output layers): one row-major {@code sgemm}, through oneDNN by default, or through the OpenBLAS that
 * ND4J bundles ({@code -Dgemm=openblas}).
 *
 * <p>Why oneDNN: its sgemm generates its kernel for the CPU it finds (AVX2, AVX-512, ...) at run time, and at these
 * networks' shapes it is the faster one. Measured on one thread of the 2-core Intel Xeon (Emerald Rapids, AVX-512),
 * OpenBLAS 0.3.19 with its SkylakeX kernels against oneDNN 2.5.2, GFLOP/s: a batch of 32 times a 512 x 512 matrix
 * (the Time Machine RNN's step) 47.5 against 88.5; 32 x 256 by 256 x 1024 (the LSTM's gates) 42.0 against 91.0;
 * 1120 steps' 256 x 1024 weight gradient 64.9 against 98.6; one 2048^3 product 134 against 141 (docs/performance.md, "The matrix
 * products through oneDNN"). Products are bit-for-bit reproducible with either library on one CPU kind and one thread, but the two
 * libraries round differently, so the choice is part of the numbers ({@code FinishedJobs.NUMERICS}).
 *
 * <p>oneDNN (JavaCPP's preset of ND4J's JavaCPP line, with the OpenMP runtime ND4J also loads) runs on the threads
 * that {@link rnnlab.core.Threads} sets for libnd4j: one by default.
 */
public final class Gemm {
    /** The library the products go through. */
    public enum Library {
        ONEDNN("oneDNN"), OPENBLAS("OpenBLAS");

        private final String label;

        Library(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public static final String PROPERTY = "gemm";

    private static volatile Library library;

    private Gemm() {
    }

    /** The library chosen by {@code -Dgemm} (onednn, the default, or openblas); a bad value is a {@link UserError}. */
    public static Library library() {
        Library l = library;
        if (l == null) {
            l = parse(Options.GEMM.given());
            if (l == Library.ONEDNN) {
                dnnl.dnnl_version(); // loads oneDNN now, so that a failure shows at start-up
            }
            library = l;
        }
        return l;
    }

    /** The library {@code value} names (null or blank: the default); a bad value is a {@link UserError}. */
    public static Library parse(String value) {
        if (value == null || value.isBlank()) {
            return Library.ONEDNN;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "onednn":
            case "dnnl":
                return Library.ONEDNN;
            case "openblas":
                return Library.OPENBLAS;
            default:
                throw new UserError("Invalid value for '" + PROPERTY + "': '" + value + "'; expected onednn (the default: "
                        + "oneDNN's sgemm for the project's kernels) or openblas (the OpenBLAS that ND4J bundles)");
        }
    }

    /** What the products run on, for the run's log: "oneDNN 2.5.2" or "OpenBLAS". */
    public static String describe() {
        if (library() == Library.ONEDNN) {
            org.bytedeco.dnnl.dnnl_version_t v = dnnl.dnnl_version();
            return "oneDNN " + v.major() + "." + v.minor() + "." + v.patch();
        }
        return "OpenBLAS";
    }

    /**
     * {@code c = alpha * op(a) op(b) + beta * c} for 2-D FLOAT arrays, {@code Nd4j.gemm}'s contract, through
     * {@link #sgemm} when each array's rows or columns are contiguous (views of rows or columns included), else
     * through {@code Nd4j.gemm}.
     */
    public static void gemm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double alpha, double beta) {
        Layout la = Layout.of(a);
        Layout lb = Layout.of(b);
        Layout lc = Layout.of(c);
        if (la == null || lb == null || lc == null) {
            Nd4j.gemm(a, b, c, transA, transB, alpha, beta);
            return;
        }
        int m = Math.toIntExact(c.size(0));
        int n = Math.toIntExact(c.size(1));
        int k = Math.toIntExact(transA ? a.size(0) : a.size(1));
        if ((transA ? a.size(1) : a.size(0)) != m || (transB ? b.size(0) : b.size(1)) != n
                || (transB ? b.size(1) : b.size(0)) != k) {
            throw new IllegalArgumentException("gemm shapes do not match: " + Arrays.toString(a.shape())
                    + (transA ? "^T" : "") + " x " + Arrays.toString(b.shape()) + (transB ? "^T" : "") + " -> "
                    + Arrays.toString(c.shape()));
        }
        // op(A) and op(B) as row-major matrices, each transposed or not
        boolean ea = transA ^ la.transposed;
        boolean eb = transB ^ lb.transposed;
        if (!lc.transposed) {
            sgemm(ea, eb, m, n, k, (float) alpha, la.pointer, la.ld, lb.pointer, lb.ld, (float) beta, lc.pointer, lc.ld);
        } else {
            // C is stored as the row-major C^T = op(B)^T op(A)^T (DL4J's gradient views are column-major)
            sgemm(!eb, !ea, n, m, k, (float) alpha, lb.pointer, lb.ld, la.pointer, la.ld, (float) beta, lc.pointer, lc.ld);
        }
    }

    /** A 2-D FLOAT array as a row-major matrix (or the transpose of one) at a pointer with a leading dimension. */
    private static final class Layout {
        final FloatPointer pointer;
        final int ld;
        final boolean transposed;

        private Layout(FloatPointer pointer, long ld, boolean transposed) {
            this.pointer = pointer;
            this.ld = Math.toIntExact(ld);
            this.transposed = transposed;
        }

        /** Null when the array is not FLOAT, not 2-D, has a unit dimension or neither unit row nor column stride. */
        static Layout of(INDArray x) {
            if (x.dataType() != DataType.FLOAT || x.rank() != 2 || x.size(0) < 2 || x.size(1) < 2) {
                return null;
            }
            long[] st = x.stride();
            // a view's data buffer starts at the view's first element
            FloatPointer p = new FloatPointer(x.data().addressPointer());
            if (st[1] == 1 && st[0] >= x.size(1)) {
                return new Layout(p, st[0], false);
            }
            if (st[0] == 1 && st[1] >= x.size(0)) {
                return new Layout(p, st[1], true);
            }
            return null;
        }
    }

    /** Row-major {@code C[m,n] = alpha * op(A) op(B) + beta * C}, each at its pointer's position. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, FloatPointer a, int lda,
            FloatPointer b, int ldb, float beta, FloatPointer c, int ldc) {
        sgemm(library(), transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /** {@link #sgemm} through the given library, whatever {@code -Dgemm} says (Bench compares the two). */
    public static void sgemm(Library library, boolean transA, boolean transB, int m, int n, int k, float alpha,
            FloatPointer a, int lda, FloatPointer b, int ldb, float beta, FloatPointer c, int ldc) {
        if (library == Library.ONEDNN) {
            int status = dnnl.dnnl_sgemm((byte) (transA ? 'T' : 'N'), (byte) (transB ? 'T' : 'N'), m, n, k, alpha, a, lda,
                    b, ldb, beta, c, ldc);
            if (status != dnnl.dnnl_success) {
                throw new IllegalStateException("oneDNN sgemm failed with status " + status + " for " + m + " x " + n
                        + " x " + k);
            }
        } else {
            openblas.cblas_sgemm(openblas.CblasRowMajor, transA ? openblas.CblasTrans : openblas.CblasNoTrans,
                    transB ? openblas.CblasTrans : openblas.CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
    }
}
