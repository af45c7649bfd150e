package rnnlab.kernels;

import java.nio.FloatBuffer;
import java.util.Arrays;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Java arrays to and from ND4J FLOAT arrays in one memory copy: {@code Nd4j.create(float[])} and
 * {@code data().asFloat()} go element by element ({@code BaseDataBuffer.put}/{@code get}), which for a
 * million-entry one-hot or probability matrix costs more than the matrix products around it. And
 * {@link #columnSums}, a bias gradient without ND4J's slow column reduction.
 */
public final class NdArrayCopies {
    private NdArrayCopies() {
    }

    /** A new C-order FLOAT array of {@code shape} holding {@code v}. */
    public static INDArray floats(float[] v, long... shape) {
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, shape);
        if (a.length() != v.length) {
            throw new IllegalArgumentException(v.length + " values for shape " + Arrays.toString(shape));
        }
        NativeFloats.buffer(a).put(v);
        return a;
    }

    /** The values of {@code a} in C order, as floats. */
    public static float[] floats(INDArray a) {
        float[] v = new float[Math.toIntExact(a.length())];
        NativeFloats.buffer(NativeFloats.dense(a)).get(v);
        return v;
    }

    /**
     * {@code into = dz.sum(0)}, a bias gradient. ND4J's column reduction over a C-order matrix took a
     * tenth of an LSTM training step and 6% of the PTB RNN's; for FLOAT this is one Java loop adding row after row in float, the
     * same order and rounding as ND4J's (a test checks the two agree bit for bit), which C2 vectorises.
     */
    public static void columnSums(INDArray dz, INDArray into) {
        if (dz.dataType() != DataType.FLOAT || !dz.isMatrix() || NativeFloats.dense(dz) != dz) {
            into.assign(dz.sum(true, 0));
            return;
        }
        int rows = (int) dz.size(0);
        int cols = (int) dz.size(1);
        FloatBuffer v = NativeFloats.buffer(dz);
        float[] row = new float[cols];
        float[] acc = new float[cols];
        for (int r = 0; r < rows; r++) {
            v.get(r * cols, row, 0, cols);
            for (int j = 0; j < cols; j++) {
                acc[j] += row[j];
            }
        }
        INDArray sum = Nd4j.createUninitialized(DataType.FLOAT, 1, cols);
        NativeFloats.buffer(sum).put(acc);
        into.assign(sum);
    }

}
