package rnnlab.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Java arrays to and from ND4J FLOAT arrays in one memory copy: {@code Nd4j.create(float[])} and
 * {@code data().asFloat()} go element by element ({@code BaseDataBuffer.put}/{@code get}), which for a
 * million-entry one-hot or probability matrix costs more than the matrix products around it.
 */
public final class Bulk {
    private Bulk() {
    }

    /** A new C-order FLOAT array of {@code shape} holding {@code v}. */
    public static INDArray floats(float[] v, long... shape) {
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, shape);
        if (a.length() != v.length) {
            throw new IllegalArgumentException(v.length + " values for shape " + java.util.Arrays.toString(shape));
        }
        Raw.buffer(a).put(v);
        return a;
    }

    /** The values of {@code a} in C order, as floats. */
    public static float[] floats(INDArray a) {
        float[] v = new float[Math.toIntExact(a.length())];
        Raw.buffer(RecurrentImpl.dense(a)).get(v);
        return v;
    }
}
