package rnnlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.RecurrentLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The GRU against an independent double-precision reference of d2l's equations: same outputs, and
 * analytic gradients (parameters and input, with and without a carried state) equal to central finite
 * differences of the reference loss sum(H * G).
 */
class GruTest {
    static final int B = 2;
    static final int IN = 3;
    static final int N = 4;
    static final int T = 5;

    /** d2l's GRU in plain double arithmetic: returns h[r][j][t] flattened as [B, N, T] (C order). */
    static double[] reference(double[] x, double[][] w, double[][] rw, double[] b, double[] h0) {
        double[] out = new double[B * N * T];
        for (int r = 0; r < B; r++) {
            double[] h = new double[N];
            for (int j = 0; j < N; j++) {
                h[j] = h0 == null ? 0 : h0[r * N + j];
            }
            for (int t = 0; t < T; t++) {
                double[] z = new double[N];
                double[] rr = new double[N];
                double[] c = new double[N];
                for (int j = 0; j < N; j++) {
                    double zp = b[j];
                    double rp = b[N + j];
                    for (int i = 0; i < IN; i++) {
                        double xi = x[(r * IN + i) * T + t];
                        zp += xi * w[i][j];
                        rp += xi * w[i][N + j];
                    }
                    for (int k = 0; k < N; k++) {
                        zp += h[k] * rw[k][j];
                        rp += h[k] * rw[k][N + j];
                    }
                    z[j] = 1 / (1 + Math.exp(-zp));
                    rr[j] = 1 / (1 + Math.exp(-rp));
                }
                for (int j = 0; j < N; j++) {
                    double cp = b[2 * N + j];
                    for (int i = 0; i < IN; i++) {
                        cp += x[(r * IN + i) * T + t] * w[i][2 * N + j];
                    }
                    for (int k = 0; k < N; k++) {
                        cp += rr[k] * h[k] * rw[k][2 * N + j];
                    }
                    c[j] = Math.tanh(cp);
                }
                for (int j = 0; j < N; j++) {
                    h[j] = z[j] * h[j] + (1 - z[j]) * c[j];
                    out[(r * N + j) * T + t] = h[j];
                }
            }
        }
        return out;
    }

    static double loss(double[] h, double[] g) {
        double s = 0;
        for (int i = 0; i < h.length; i++) {
            s += h[i] * g[i];
        }
        return s;
    }

    static double[][] matrix(INDArray a) {
        return a.castTo(DataType.DOUBLE).toDoubleMatrix();
    }

    private static void check(boolean withState) {
        MultiLayerNetwork net = Nets.net(new Gru.Builder().nIn(IN).nOut(N).weightInit(WeightInit.XAVIER).biasInit(0.1)
                .build(), N, 0, DataType.FLOAT);
        net.initGradientsView();
        Layer layer = net.getLayer(0);
        INDArray x = Nd4j.randn(11, new long[] {B, IN, T}).castTo(DataType.FLOAT);
        INDArray g = Nd4j.randn(12, new long[] {B, N, T}).castTo(DataType.FLOAT);
        INDArray h0 = withState ? Nd4j.randn(13, new long[] {B, N}).muli(0.5).castTo(DataType.FLOAT) : null;
        double[][] w = matrix(layer.getParam("W"));
        double[][] rw = matrix(layer.getParam("RW"));
        double[] b = layer.getParam("b").castTo(DataType.DOUBLE).toDoubleVector();
        double[] xd = x.castTo(DataType.DOUBLE).data().asDouble();
        double[] gd = g.castTo(DataType.DOUBLE).data().asDouble();
        double[] h0d = withState ? h0.castTo(DataType.DOUBLE).data().asDouble() : null;

        LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();
        INDArray out;
        if (withState) {
            ((RecurrentLayer) layer).rnnSetTBPTTState(Map.of(GruImpl.STATE_H, h0));
            out = ((RecurrentLayer) layer).rnnActivateUsingStoredState(x, true, false, ws);
        } else {
            layer.setInput(x, ws);
            out = layer.activate(true, ws);
        }
        double[] ref = reference(xd, w, rw, b, h0d);
        double[] got = out.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        for (int i = 0; i < ref.length; i++) {
            assertEquals(ref[i], got[i], 1e-5, "output " + i);
        }
        Pair<Gradient, INDArray> p = layer.backpropGradient(g, ws);
        double eps = 1e-6;
        int checked = 0;
        for (String key : new String[] {"W", "RW", "b"}) {
            INDArray analytic = p.getFirst().getGradientFor(key);
            long rows = analytic.rank() == 2 ? analytic.size(0) : 1;
            long cols = analytic.size(analytic.rank() - 1);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    double[][] w2 = deep(w);
                    double[][] rw2 = deep(rw);
                    double[] b2 = b.clone();
                    double plus;
                    double minus;
                    if (key.equals("W")) {
                        w2[i][j] += eps;
                        plus = loss(reference(xd, w2, rw, b, h0d), gd);
                        w2[i][j] -= 2 * eps;
                        minus = loss(reference(xd, w2, rw, b, h0d), gd);
                    } else if (key.equals("RW")) {
                        rw2[i][j] += eps;
                        plus = loss(reference(xd, w, rw2, b, h0d), gd);
                        rw2[i][j] -= 2 * eps;
                        minus = loss(reference(xd, w, rw2, b, h0d), gd);
                    } else {
                        b2[j] += eps;
                        plus = loss(reference(xd, w, rw, b2, h0d), gd);
                        minus = loss(reference(xd, w, rw, minusOne(b, j, eps), h0d), gd);
                    }
                    double numeric = (plus - minus) / (2 * eps);
                    double a = analytic.rank() == 2 ? analytic.getDouble(i, j) : analytic.getDouble(j);
                    assertTrue(Math.abs(a - numeric) < 1e-4 + 1e-3 * Math.abs(numeric),
                            key + "[" + i + "," + j + "]: analytic " + a + " numeric " + numeric);
                    checked++;
                }
            }
        }
        assertEquals(IN * 3 * N + N * 3 * N + 3 * N, checked);
        INDArray dx = p.getSecond();
        for (int k = 0; k < xd.length; k++) {
            double[] xp = xd.clone();
            xp[k] += eps;
            double plus = loss(reference(xp, w, rw, b, h0d), gd);
            xp[k] -= 2 * eps;
            double minus = loss(reference(xp, w, rw, b, h0d), gd);
            double numeric = (plus - minus) / (2 * eps);
            int r = k / (IN * T);
            int i = (k / T) % IN;
            int t = k % T;
            double a = dx.getDouble(r, i, t);
            assertTrue(Math.abs(a - numeric) < 1e-4 + 1e-3 * Math.abs(numeric), "dx " + k + ": " + a + " vs " + numeric);
        }
    }

    private static double[] minusOne(double[] b, int j, double eps) {
        double[] c = b.clone();
        c[j] -= eps;
        return c;
    }

    private static double[][] deep(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    @Test
    void gradientCheckAgainstAReferenceInDoublePrecision() {
        check(false);
    }

    @Test
    void gradientCheckWithACarriedState() {
        check(true);
    }

    /**
     * Finite differences in double precision over two training segments, the second from the state the first left
     * (detached), carried by the project's stateful passes across two {@code fit} calls, as the language models train.
     */
    @Test
    void gradientCheckWithTheStateCarriedAcrossFits() {
        CarriedStateCheck.check(CarriedStateCheck.Cell.GRU, CarriedStateCheck.Carry.STATEFUL);
    }

    /** The same under DL4J's truncated BPTT: one fit over two segments of 4 steps, the state carried between them. */
    @Test
    void gradientCheckAcrossTbpttSegments() {
        CarriedStateCheck.check(CarriedStateCheck.Cell.GRU, CarriedStateCheck.Carry.TBPTT);
    }

    /**
     * The layer's truncated backward pass from a carried state, as DL4J's truncated BPTT calls it: the whole second
     * segment (4 steps) and its last 2 and 1 steps, parameter and input gradients against finite differences.
     */
    @Test
    void gradientCheckUnderTruncationWithACarriedState() {
        for (int back : new int[] {CarriedStateCheck.SEG, 2, 1}) {
            CarriedStateCheck.checkTruncated(CarriedStateCheck.Cell.GRU, back);
        }
    }

    @Test
    void stepByStepEqualsTheWholeSequence() {
        Nets.assertStepByStepEqualsWhole(new Gru.Builder().nIn(4).nOut(6).weightInit(WeightInit.XAVIER).build(), 4, 6, 9);
    }

    @Test
    void gradientCheckOfPyTorchsFormAcrossFitsTbpttSegmentsAndTruncation() {
        CarriedStateCheck.checkAll(CarriedStateCheck.Cell.GRU_TORCH);
    }
}
