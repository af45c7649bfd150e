package rnnlab.kernels;

import java.nio.FloatBuffer;
import java.util.Arrays;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Rows of a 2-D FLOAT weight array looked up by token id, read straight from its memory whatever its strides: the
 * first layer of a model whose input is token ids (an embedding, or a recurrent layer's {@code X W} for one-hot
 * X). DL4J keeps W in Fortran order, so ND4J's {@code pullRows} gathered it element by element. All of W is read in
 * row order once when there are at least as many tokens as W has rows (the character models' 28-1,027 tokens);
 * otherwise each token's row is read through W's strides (the word models' 10,000 words). One instance per layer
 * keeps its scratch arrays from call to call.
 */
public final class RowLookup {
    private float[] rows;
    private float[] memory;
    private FloatBuffer strided;
    private int nIn;
    private int width;
    private int s0;
    private int s1;

    /** Readies the rows of {@code w} [nIn, width] for {@code tokens} look-ups; returns this. */
    public RowLookup of(INDArray w, int tokens) {
        if (w.rank() != 2 || w.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("a 2-D FLOAT array, got " + w.shapeInfoToString());
        }
        nIn = (int) w.size(0);
        width = (int) w.size(1);
        s0 = (int) w.stride(0);
        s1 = (int) w.stride(1);
        if (tokens >= nIn) {
            rows = NativeFloats.scratch(rows, nIn * width);
            memory = NativeFloats.rowsInto(w, memory, rows, width);
            strided = null;
        } else {
            strided = NativeFloats.strided(w);
        }
        return this;
    }

    /** W's row {@code id} into {@code to} from {@code offset}: zeros for an id outside [0, nIn). */
    public void row(int id, float[] to, int offset) {
        if (id < 0 || id >= nIn) {
            Arrays.fill(to, offset, offset + width, 0f);
        } else if (strided == null) {
            System.arraycopy(rows, id * width, to, offset, width);
        } else {
            int base = id * s0;
            for (int j = 0; j < width; j++) {
                to[offset + j] = strided.get(base + j * s1);
            }
        }
    }
}
