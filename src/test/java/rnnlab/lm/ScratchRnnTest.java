package rnnlab.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;


/** The from-scratch RNN against hand computations and finite differences. */
class ScratchRnnTest {
    static final int V = 3;
    static final int H = 2;

    /** A model with small known parameters. */
    static ScratchRnn known(DataType type, double theta) {
        ScratchRnn m = new ScratchRnn(V, H, 0.5, theta, 0, type);
        m.wXh.assign(Nd4j.createFromArray(new double[][] {{0.1, -0.2}, {0.3, 0.4}, {-0.5, 0.6}}));
        m.wHh.assign(Nd4j.createFromArray(new double[][] {{0.7, -0.1}, {0.2, 0.5}}));
        m.bH.assign(Nd4j.createFromArray(new double[][] {{0.05, -0.05}}));
        m.wHq.assign(Nd4j.createFromArray(new double[][] {{1.0, -1.0, 0.5}, {0.25, 0.75, -0.5}}));
        m.bQ.assign(Nd4j.createFromArray(new double[][] {{0.1, 0.0, -0.1}}));
        return m;
    }

    @Test
    void forwardIsTheTutorialsLoop() {
        ScratchRnn m = known(DataType.DOUBLE, 1e9);
        int[][] x = {{0, 2}}; // one sequence: token 0 then token 2
        // by hand: H1 = tanh(W_xh[0] + b_h), H2 = tanh(W_xh[2] + H1 W_hh + b_h), Y_t = H_t W_hq + b_q
        double h10 = Math.tanh(0.1 + 0.05);
        double h11 = Math.tanh(-0.2 - 0.05);
        double h20 = Math.tanh(-0.5 + h10 * 0.7 + h11 * 0.2 + 0.05);
        double h21 = Math.tanh(0.6 + h10 * -0.1 + h11 * 0.5 - 0.05);
        double[] y1 = {h10 * 1.0 + h11 * 0.25 + 0.1, h10 * -1.0 + h11 * 0.75, h10 * 0.5 + h11 * -0.5 - 0.1};
        double[] y2 = {h20 * 1.0 + h21 * 0.25 + 0.1, h20 * -1.0 + h21 * 0.75, h20 * 0.5 + h21 * -0.5 - 0.1};
        ScratchRnn.Pass p = m.forward(m.inputs(x), null, 2, 1);
        assertArrayEquals(new double[] {h10, h11, h20, h21}, p.h().dup('c').data().asDouble(), 1e-12);
        double[] logits = p.logits().dup('c').data().asDouble();
        assertArrayEquals(new double[] {y1[0], y1[1], y1[2], y2[0], y2[1], y2[2]}, logits, 1e-12);

        // probabilities are the softmax of the logits, [rows, vocab, steps]; the state moves to H2
        INDArray prob = m.probabilities(x);
        assertArrayEquals(new long[] {1, V, 2}, prob.shape());
        double z = Math.exp(y2[0]) + Math.exp(y2[1]) + Math.exp(y2[2]);
        assertEquals(Math.exp(y2[1]) / z, prob.getDouble(0, 1, 1), 1e-12);
        assertArrayEquals(new double[] {h20, h21}, ((INDArray) m.saveState()).data().asDouble(), 1e-12);
    }

    @Test
    void timeMajorRowsAndZeroVectorsForUnknownIds() {
        ScratchRnn m = known(DataType.DOUBLE, 1e9);
        INDArray x = m.inputs(new int[][] {{0, 1}, {2, 7}});
        // rows t*batch + b: (t0,b0)=0, (t0,b1)=2, (t1,b0)=1, (t1,b1)=7 -> unknown, all zeros
        assertArrayEquals(new double[] {1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0}, x.data().asDouble(), 0);
    }

    /** Mean cross-entropy of the model on (x, y) from state h0, in double. */
    static double loss(ScratchRnn m, int[][] x, int[][] y, INDArray h0) {
        ScratchRnn.Pass p = m.forward(m.inputs(x), h0, x[0].length, x.length);
        double[] logits = p.logits().dup('c').data().asDouble();
        double sum = 0;
        int batch = x.length;
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < x[0].length; t++) {
                int row = t * batch + b;
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < V; k++) {
                    max = Math.max(max, logits[row * V + k]);
                }
                double z = 0;
                for (int k = 0; k < V; k++) {
                    z += Math.exp(logits[row * V + k] - max);
                }
                sum -= logits[row * V + y[b][t]] - max - Math.log(z);
            }
        }
        return sum / (batch * x[0].length);
    }

    @Test
    void gradientsEqualFiniteDifferencesWithACarriedState() {
        ScratchRnn m = known(DataType.DOUBLE, 1e9);
        int[][] x = {{0, 1, 2, 1}, {2, 2, 0, 1}};
        int[][] y = {{1, 2, 1, 0}, {2, 0, 1, 1}};
        INDArray h0 = Nd4j.createFromArray(new double[][] {{0.3, -0.2}, {-0.4, 0.1}});
        ScratchRnn.Pass p = m.forward(m.inputs(x), h0, 4, 2);
        double analyticLoss = m.backward(p, y);
        assertEquals(loss(m, x, y, h0), analyticLoss, 1e-12);
        INDArray[] params = m.params();
        double eps = 1e-6;
        for (int i = 0; i < params.length; i++) {
            INDArray a = params[i];
            for (int k = 0; k < a.length(); k++) {
                double v = a.getDouble(k);
                a.putScalar(k, v + eps);
                double up = loss(m, x, y, h0);
                a.putScalar(k, v - eps);
                double down = loss(m, x, y, h0);
                a.putScalar(k, v);
                assertEquals((up - down) / (2 * eps), m.grads[i].getDouble(k), 1e-8, "parameter " + i + " element " + k);
            }
        }
    }

    /** FLOAT runs its steps on raw memory (SrnSteps); DOUBLE, checked above, runs ND4J ops: they agree. */
    @Test
    void floatStepsAgreeWithTheDoubleReference() {
        int[][] x = {{0, 1, 2, 1, 0}, {2, 2, 0, 1, 1}, {1, 0, 0, 2, 1}};
        int[][] y = {{1, 2, 1, 0, 2}, {2, 0, 1, 1, 0}, {0, 0, 2, 1, 1}};
        double[][] h0v = {{0.3, -0.2}, {-0.4, 0.1}, {0.05, 0.6}};
        for (boolean withState : new boolean[] {false, true}) {
            ScratchRnn f = known(DataType.FLOAT, 1e9);
            ScratchRnn d = known(DataType.DOUBLE, 1e9);
            INDArray h0 = withState ? Nd4j.createFromArray(h0v) : null;
            ScratchRnn.Pass pf = f.forward(f.inputs(x), h0 == null ? null : h0.castTo(DataType.FLOAT), 5, 3);
            ScratchRnn.Pass pd = d.forward(d.inputs(x), h0, 5, 3);
            assertArrayEquals(pd.h().dup('c').data().asDouble(), pf.h().castTo(DataType.DOUBLE).dup('c').data().asDouble(),
                    1e-6, "hidden states");
            assertEquals(d.backward(pd, y), f.backward(pf, y), 1e-6, "loss");
            for (int i = 0; i < f.grads.length; i++) {
                assertArrayEquals(d.grads[i].dup('c').data().asDouble(),
                        f.grads[i].castTo(DataType.DOUBLE).dup('c').data().asDouble(), 1e-6, "gradient " + i);
            }
        }
    }

    @Test
    void clippingRescalesAllGradientsTogether() {
        ScratchRnn m = known(DataType.DOUBLE, 1.0);
        // gradients with global norm sqrt(1 + 4 + 4 + 16 + 0) = 5
        for (INDArray g : m.grads) {
            g.assign(0);
        }
        m.grads[0].putScalar(0, 1);
        m.grads[1].putScalar(1, 2);
        m.grads[2].putScalar(0, -2);
        m.grads[3].putScalar(2, 4);
        assertEquals(5.0, m.clip(), 1e-12);
        assertEquals(0.2, m.grads[0].getDouble(0), 1e-12);
        assertEquals(0.4, m.grads[1].getDouble(1), 1e-12);
        assertEquals(-0.4, m.grads[2].getDouble(0), 1e-12);
        assertEquals(0.8, m.grads[3].getDouble(2), 1e-12);
        // under the threshold nothing changes
        assertEquals(1.0, m.clip(), 1e-12);
        assertEquals(0.8, m.grads[3].getDouble(2), 1e-12);
    }

    @Test
    void fitTakesOneClippedSgdStepAndCarriesTheDetachedState() {
        ScratchRnn m = known(DataType.DOUBLE, 0.1);
        ScratchRnn ref = known(DataType.DOUBLE, 0.1);
        int[][] x = {{0, 1}};
        int[][] y = {{1, 2}};
        ScratchRnn.Pass p = ref.forward(ref.inputs(x), null, 2, 1);
        ref.backward(p, y);
        double norm = ref.clip();
        double scale = Math.min(1, 0.1 / norm);
        INDArray expectedWhq = known(DataType.DOUBLE, 0.1).wHq.sub(ref.grads[3].mul(0.5)); // already clipped
        m.fit(x, y);
        assertEquals(norm, m.lastNorm(), 1e-12);
        assertEquals(scale < 1, true);
        assertArrayEquals(expectedWhq.data().asDouble(), m.wHq.data().asDouble(), 1e-12);
        assertArrayEquals(p.h().slice(1).dup().data().asDouble(), ((INDArray) m.saveState()).data().asDouble(), 1e-12);
        m.resetState();
        assertEquals(null, m.saveState());
    }

    @Test
    void batchesInTheWorkspaceGiveTheBitsOfPlainAllocationAndAStateThatOutlivesIt() {
        // FLOAT, the raw kernels and sizes where a batch's arrays are megabytes; the reference takes the same steps
        // by hand, outside any workspace
        ScratchRnn m = new ScratchRnn(40, 64, 0.5, 1.0, 7);
        ScratchRnn ref = new ScratchRnn(40, 64, 0.5, 1.0, 7);
        Random r = new Random(3);
        INDArray carried = null;
        INDArray carriedCopy = null;
        for (int batchNo = 0; batchNo < 4; batchNo++) {
            int[][] x = new int[8][12];
            int[][] y = new int[8][12];
            for (int b = 0; b < 8; b++) {
                for (int t = 0; t < 12; t++) {
                    x[b][t] = r.nextInt(40);
                    y[b][t] = r.nextInt(40);
                }
            }
            double loss = m.fit(x, y);
            ScratchRnn.Pass p = ref.forward(ref.inputs(x), (INDArray) ref.saveState(), 12, 8);
            assertEquals(ref.backward(p, y), loss, 0.0, "loss of batch " + batchNo);
            ref.clip();
            for (int i = 0; i < ref.grads.length; i++) {
                ref.params()[i].subi(ref.grads[i].mul(0.5));
            }
            ref.restoreState(p.h().slice(11).dup('c'));
            for (int i = 0; i < m.params().length; i++) {
                assertArrayEquals(ref.params()[i].data().asFloat(), m.params()[i].data().asFloat(), 0f,
                        "parameter " + i + " after batch " + batchNo);
            }
            INDArray state = (INDArray) m.saveState();
            assertEquals(false, state.isAttached(), "the carried state lives outside the batch's workspace");
            assertArrayEquals(((INDArray) ref.saveState()).data().asFloat(), state.data().asFloat(), 0f);
            if (carried != null) {
                // the previous batch's state was not overwritten by this batch's arrays
                assertArrayEquals(carriedCopy.data().asFloat(), carried.data().asFloat(), 0f);
            }
            carried = state;
            carriedCopy = state.dup();
        }
    }
}
