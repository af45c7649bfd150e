package rnnlab.kernels;

import java.nio.FloatBuffer;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * NativeFloats float memory for the recurrent layers' inner loops. Small recurrent steps are dominated by the
 * fixed cost of each ND4J op (tens of microseconds against nanoseconds of arithmetic), so the layers
 * run their per-time-step work on native buffers: one {@code sgemm} through JavaCPP for each matrix
 * product ({@link Gemm}: oneDNN's, or OpenBLAS's) and plain Java loops over direct buffers for the element-wise work.
 */
public final class NativeFloats {
    private NativeFloats() {
    }

    /** A growable native float buffer owned by one layer, reused across calls. */
    public static final class Buf {
        private FloatPointer ptr;
        private FloatBuffer buf;
        private long size;

        /** Makes room for {@code n} floats (contents undefined after growth). */
        public Buf ensure(long n) {
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

        public FloatPointer at(long offset) {
            return ptr.position(offset);
        }

        /** A new pointer at {@code offset}, for calls that take two places of the same buffer. */
        public FloatPointer view(long offset) {
            return new FloatPointer(ptr).position(offset);
        }

        /** A buffer over a dense FLOAT array's own memory (see {@link NativeFloats#pointer}); the array must outlive it. */
        public static Buf wrap(INDArray a) {
            Buf b = new Buf();
            b.ptr = pointer(a);
            b.buf = b.ptr.asBuffer();
            b.size = a.length();
            return b;
        }

        public FloatBuffer buf() {
            return buf;
        }

        public void zero(long n) {
            // at position 0, so that memset's byte count is the only unit that matters
            Pointer.memset(ptr.position(0), 0, n * Float.BYTES);
        }
    }

    /** The start of a float array's own memory; the array must be dense in its order (as made, or dup'd). */
    public static FloatPointer pointer(INDArray a) {
        if (a.dataType() != DataType.FLOAT) {
            throw new IllegalStateException("raw kernels work on FLOAT arrays, got " + a.dataType());
        }
        Pointer p = a.data().addressPointer();
        return new FloatPointer(p).capacity(a.length()).limit(a.length());
    }

    public static FloatBuffer buffer(INDArray a) {
        return pointer(a).asBuffer();
    }

    /** {@code a} itself when it is a dense C-order FLOAT array at the start of its memory, else such a copy. */
    public static INDArray dense(INDArray a) {
        return a.dataType() == DataType.FLOAT && isDenseC(a) ? a : a.castTo(DataType.FLOAT).dup('c');
    }

    /** Whether {@code a}'s elements are its memory's first {@code length} in C order (unit dimensions' strides aside). */
    public static boolean isDenseC(INDArray a) {
        // ND4J's Shape.hasDefaultStridesForShape says no to a [1, n] row that is exactly that
        long[] shape = a.shape();
        long[] stride = a.stride();
        long expect = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expect) {
                return false;
            }
            expect *= shape[i];
        }
        return a.offset() == 0;
    }

    /** Copies {@code n} floats. */
    public static void copy(FloatPointer from, FloatPointer to, long n) {
        // memcpy takes void pointers, whose positions JavaCPP counts in bytes, not floats
        Pointer.memcpy(bytes(to), bytes(from), n * Float.BYTES);
    }

    private static BytePointer bytes(FloatPointer p) {
        return new BytePointer(p).position(p.position() * Float.BYTES);
    }

    /**
     * tanh as a rational function of degree 13/6 on inputs clamped to +-7.9053 (Eigen's vectorised float
     * tanh uses the same form), within 7 float ulps (4e-7 absolute) of the true value and exactly odd; it is
     * exactly 1 from 7.9053 on, where PyTorch's float tanh (Sleef's, within 1 ulp) reaches 1 past 8.67. It
     * is plain arithmetic, with no call and no branch, so that C2 turns a loop of it over
     * {@code float[]} into AVX instructions: 0.8 ns an element here, where {@code Math.exp} alone costs
     * 16 ns and {@code Math.tanh} (StrictMath's software routine) more.
     */
    public static float tanh(float z) {
        float x = Math.max(-TANH_CLAMP, Math.min(TANH_CLAMP, z));
        float x2 = x * x;
        float p = -2.76076847742355e-16f;
        p = p * x2 + 2.00018790482477e-13f;
        p = p * x2 + -8.60467152213735e-11f;
        p = p * x2 + 5.12229709037114e-08f;
        p = p * x2 + 1.48572235717979e-05f;
        p = p * x2 + 6.37261928875436e-04f;
        p = p * x2 + 4.89352455891786e-03f;
        float q = 1.19825839466702e-06f;
        q = q * x2 + 1.18534705686654e-04f;
        q = q * x2 + 2.26843463243900e-03f;
        q = q * x2 + 4.89352518554385e-03f;
        return p * x / q;
    }

    private static final float TANH_CLAMP = 7.90531110763549805f;

    /** The logistic function through {@link #tanh}: {@code 1/(1+e^-z) = (1 + tanh(z/2)) / 2}, within 3e-7 absolute. */
    public static float sigmoid(float z) {
        return 0.5f + 0.5f * tanh(0.5f * z);
    }

    /** {@code a[off..off+n) = tanh(a[off..off+n))}: one vectorised loop. */
    public static void tanh(float[] a, int off, int n) {
        for (int i = off; i < off + n; i++) {
            a[i] = tanh(a[i]);
        }
    }

    /** {@code a[off..off+n) = sigmoid(a[off..off+n))}: one vectorised loop. */
    public static void sigmoid(float[] a, int off, int n) {
        for (int i = off; i < off + n; i++) {
            a[i] = sigmoid(a[i]);
        }
    }

    /** NdArrayCopies copy of {@code n} floats from a native buffer at {@code offset} into {@code to}. */
    public static float[] get(Buf from, long offset, float[] to, int n) {
        from.buf().get(Math.toIntExact(offset), to, 0, n);
        return to;
    }

    /** NdArrayCopies copy of {@code n} floats of {@code from} into a native buffer at {@code offset}. */
    public static void put(float[] from, int n, Buf to, long offset) {
        to.buf().put(Math.toIntExact(offset), from, 0, n);
    }

    /**
     * The leading dimension to store a matrix of {@code cols} columns with, as an operand of the products:
     * {@code cols} itself unless its rows would be a multiple of 2 KB apart, then 16 floats (one cache line) more.
     * Rows 2 or 4 KB apart fall on the same cache sets, and oneDNN's sgemm ran the LSTM's four-gate step (32 x 256 by
     * 256 x 1024) at 29-42 GFLOP/s so on one Zen 3 core, 80-85 with the rows padded; the products' bits are the same
     * (a test).
     */
    public static int paddedLd(int cols) {
        return cols % 512 == 0 ? cols + 16 : cols;
    }

    /** Copies a dense row-major {@code rows x cols} matrix into {@code to} with leading dimension {@code ld}. */
    public static void copyRows(FloatPointer from, int rows, int cols, Buf to, int ld) {
        to.ensure((long) rows * ld);
        if (ld == cols) {
            copy(from, to.at(0), (long) rows * cols);
            return;
        }
        long start = from.position();
        for (int r = 0; r < rows; r++) {
            copy(from.position(start + (long) r * cols), to.at((long) r * ld), cols);
        }
        from.position(start);
    }

    /**
     * All the memory a 2-D FLOAT array's elements lie in, from its first to its last: element (i, j) at
     * {@code i * stride(0) + j * stride(1)}, whatever the strides (a view's memory can hold other arrays between).
     */
    public static FloatBuffer strided(INDArray a) {
        long span = (a.size(0) - 1) * a.stride(0) + (a.size(1) - 1) * a.stride(1) + 1;
        return pointer(a).capacity(span).limit(span).asBuffer();
    }

    /**
     * The 2-D FLOAT array {@code a}, whatever its strides, as row-major rows {@code ld} floats apart, read straight
     * from its memory: {@code to[i * ld + j] = a(i, j)}. DL4J keeps its weights in Fortran order, and ND4J's
     * {@code dup('c')} of the LSTM's 256 x 1024 recurrent weights took 3.5% of a Time Machine training step; this
     * reads the memory in one bulk copy and transposes it in cache-sized tiles. {@code scratch} holds the memory
     * on the way (grown as needed, returned).
     */
    public static float[] rowsInto(INDArray a, float[] scratch, float[] to, int ld) {
        if (a.rank() != 2 || a.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("a 2-D FLOAT array, got " + a.shapeInfoToString());
        }
        int rows = (int) a.size(0);
        int cols = (int) a.size(1);
        int s0 = (int) a.stride(0);
        int s1 = (int) a.stride(1);
        if (rows == 0 || cols == 0) {
            return scratch;
        }
        FloatBuffer memory = strided(a);
        int span = memory.capacity();
        float[] mem = scratch(scratch, span);
        memory.get(mem, 0, span);
        if (s1 == 1) {
            for (int i = 0; i < rows; i++) {
                System.arraycopy(mem, i * s0, to, i * ld, cols);
            }
            return mem;
        }
        int tile = 32;
        for (int i0 = 0; i0 < rows; i0 += tile) {
            int i1 = Math.min(rows, i0 + tile);
            for (int j0 = 0; j0 < cols; j0 += tile) {
                int j1 = Math.min(cols, j0 + tile);
                for (int i = i0; i < i1; i++) {
                    int src = i * s0;
                    int dst = i * ld;
                    for (int j = j0; j < j1; j++) {
                        to[dst + j] = mem[src + j * s1];
                    }
                }
            }
        }
        return mem;
    }

    /** A scratch array of at least {@code n} floats: {@code a} itself when it is big enough. */
    public static float[] scratch(float[] a, int n) {
        return a != null && a.length >= n ? a : new float[n];
    }
}
