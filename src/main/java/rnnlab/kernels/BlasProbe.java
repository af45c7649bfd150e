package rnnlab.kernels;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Loads ND4J and runs one matrix product, so that OpenBLAS, started with {@code OPENBLAS_VERBOSE=2}, names the
 * kernels it loaded on standard error ({@code Core: NAME}): how a test sees which kernels a child JVM runs.
 */
public final class BlasProbe {
    private BlasProbe() {
    }

    public static void main(String[] args) {
        INDArray a = Nd4j.ones(DataType.FLOAT, 64, 64);
        System.out.println("product sum " + a.mmul(a).sumNumber());
        System.exit(0);
    }
}
