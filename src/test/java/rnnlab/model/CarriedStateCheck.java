package rnnlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.layers.RecurrentLayer;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Finite-difference gradient checks of the project's LSTM or GRU over two consecutive training segments, the second
 * starting from the state the first left (detached), against an independent double-precision reference of the layer.
 *
 * <p>{@link #check}: the layer with a softmax output at every step, trained either by DL4J's truncated BPTT inside
 * one {@code fit} (segments of {@link #SEG} steps) or by the project's stateful passes ({@link RecurrentStates#carry})
 * across two {@code fit} calls, as the language models train. A listener records, at each segment's gradient
 * calculation, the weights, the score and every gradient the network computed; the reference replays the segments
 * from those weights: each starts from the state the previous one ended with (computed from that segment's weights,
 * then held fixed), its loss must equal the network's score, and each recorded gradient must equal the central
 * difference of that loss summed over the batch (DL4J's updater divides the gradient by the batch size later).
 *
 * <p>{@link #checkTruncated}: the layer alone through DL4J's truncated-BPTT entry points (each segment's forward pass
 * from the stored state, storing its last; then {@code tbpttBackpropGradient} with a backward length), checked on the
 * loss {@code sum(H * G)} of the last {@code back} steps from the state before them, held fixed: parameter gradients
 * and the gradient for the layer below (zero for the steps cut off). DL4J M2.1's own networks never pass a backward
 * length to their layers (MultiLayerNetwork's {@code computeGradientAndScore} backpropagates through the whole
 * segment whatever {@code tBPTTBackwardLength} says), so only a direct call reaches the layers' truncation.
 */
final class CarriedStateCheck {
    enum Cell {
        LSTM(4, false, false), GRU(3, false, false),
        /** PyTorch's nn.LSTM: two biases (DL4J's gate order). */
        LSTM_TWO_BIASES(4, true, false),
        /** PyTorch's nn.GRU: reset gate after the recurrent product, two biases. */
        GRU_TORCH(3, true, true);

        final int gates;
        final boolean twoBiases;
        final boolean torch;

        Cell(int gates, boolean twoBiases, boolean torch) {
            this.gates = gates;
            this.twoBiases = twoBiases;
            this.torch = torch;
        }

        boolean lstm() {
            return gates == 4;
        }
    }

    enum Carry {
        /** DL4J's truncated BPTT: one fit over two segments of {@link #SEG} steps. */
        TBPTT,
        /** The project's stateful passes (as {@code NetLanguageModel} trains): two fits of a segment each. */
        STATEFUL
    }

    static final int B = 2;
    static final int IN = 3;
    static final int N = 4;
    static final int K = 3;
    static final int SEG = 4;
    static final int SEGMENTS = 2;
    static final int T = SEG * SEGMENTS;

    private CarriedStateCheck() {
    }

    /** One segment's weights as the reference reads them. */
    record Weights(double[][] w, double[][] rw, double[] b, double[] bh, double[][] wo, double[] bo) {
        Weights copy() {
            return new Weights(deep(w), deep(rw), b.clone(), bh == null ? null : bh.clone(), wo == null ? null : deep(wo),
                    bo == null ? null : bo.clone());
        }
    }

    /** The recurrent state: h, and the LSTM's cell c. */
    record State(double[][] h, double[][] c) {
        static State zeros() {
            return new State(new double[B][N], new double[B][N]);
        }

        State copy() {
            return new State(deep(h), deep(c));
        }

        double max() {
            double m = 0;
            for (double[][] a : new double[][][] {h, c}) {
                for (double[] r : a) {
                    for (double v : r) {
                        m = Math.max(m, Math.abs(v));
                    }
                }
            }
            return m;
        }
    }

    /** Records what the network computed at each gradient calculation, before the updater touches it. */
    static final class Recorder extends BaseTrainingListener {
        final List<INDArray> params = new ArrayList<>();
        final List<Double> scores = new ArrayList<>();
        final List<Map<String, INDArray>> gradients = new ArrayList<>();

        @Override
        public void onGradientCalculation(Model model) {
            params.add(model.params().dup());
            scores.add(model.score());
            Map<String, INDArray> g = new HashMap<>();
            model.gradient().gradientForVariable().forEach((k, v) -> g.put(k, v.dup()));
            gradients.add(g);
        }
    }

    static Layer layer(Cell cell) {
        return cell.lstm()
                ? new Lstm.Builder().twoBiases(cell.twoBiases).nIn(IN).nOut(N).weightInit(WeightInit.XAVIER).biasInit(0.1)
                        .build()
                : new Gru.Builder().torchForm(cell.torch).twoBiases(cell.twoBiases).nIn(IN).nOut(N)
                        .weightInit(WeightInit.XAVIER).biasInit(0.1).build();
    }

    /** A second bias starts at zero: give it values of its own, so that each bias's place in the formula counts. */
    static void randomHiddenBias(MultiLayerNetwork net) {
        INDArray bh = net.getLayer(0).paramTable().get(RecurrentParams.HIDDEN_BIAS_KEY);
        if (bh != null) {
            for (int j = 0; j < bh.length(); j++) {
                bh.putScalar(j, 0.4 * Math.sin(3.0 * j + 1)); // fixed values in [-0.4, 0.4]
            }
        }
    }

    /** The layer's parameter keys. */
    static List<String> keys(Cell cell) {
        return cell.twoBiases ? List.of("W", "RW", "b", "bh") : List.of("W", "RW", "b");
    }

    static MultiLayerNetwork net(Cell cell, Carry carry) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(42).dataType(DataType.FLOAT)
                .updater(new Sgd(0.5)).weightInit(WeightInit.XAVIER).list().layer(layer(cell))
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(N).nOut(K)
                        .activation(Activation.SOFTMAX).build());
        if (carry == Carry.TBPTT) {
            // a shorter backward length would change nothing: MultiLayerNetwork M2.1 never passes it to the layers
            b.backpropType(BackpropType.TruncatedBPTT).tBPTTForwardLength(SEG).tBPTTBackwardLength(SEG);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(b.build());
        net.init();
        randomHiddenBias(net);
        return net;
    }

    /** Trains the network over the two segments and checks every recorded score and gradient against the reference. */
    static void check(Cell cell, Carry carry) {
        MultiLayerNetwork net = net(cell, carry);
        Recorder rec = new Recorder();
        net.setListeners(rec);
        INDArray x = Nd4j.randn(31, new long[] {B, IN, T}).castTo(DataType.FLOAT);
        INDArray y = Nets.labels(B, K, T, 32, DataType.FLOAT);
        if (carry == Carry.TBPTT) {
            net.fit(new DataSet(x, y));
        } else {
            RecurrentStates.carry(net);
            for (int s = 0; s < SEGMENTS; s++) {
                net.fit(new DataSet(segment(x, s), segment(y, s)));
            }
        }
        assertEquals(SEGMENTS, rec.params.size(), "one gradient calculation a segment");
        assertTrue(rec.params.get(1).neq(rec.params.get(0)).castTo(DataType.INT).sumNumber().intValue() > 0,
                "the first segment's update moved the weights the second segment starts from");
        double[][][] xd = array(x);
        int[][] labels = labels(y);
        State state = State.zeros();
        String what = cell + " " + carry;
        for (int s = 0; s < SEGMENTS; s++) {
            Weights p = weights(net, rec.params.get(s));
            int from = s * SEG;
            int to = from + SEG;
            String seg = what + ", segment " + s;
            if (s > 0) {
                assertTrue(state.max() > 0.05, seg + ": the carried state is not zero, else the check proves nothing");
            }
            double loss = loss(cell, p, xd, labels, from, to, state);
            assertEquals(loss, rec.scores.get(s), 1e-5 * Math.max(1, loss), seg + ": score");
            Map<String, INDArray> g = rec.gradients.get(s);
            int checked = 0;
            double fromZeros = 0;
            List<String> keys = new ArrayList<>(keys(cell).stream().map(k -> "0_" + k).toList());
            keys.addAll(List.of("1_W", "1_b"));
            for (String key : keys) {
                INDArray analytic = g.get(key);
                double[][] target = slot(p, key);
                for (int i = 0; i < target.length; i++) {
                    for (int j = 0; j < target[i].length; j++) {
                        // DL4J's gradient is of the batch's summed loss: its updater divides by the batch size later
                        double numeric = numeric(p, key, i, j, q -> B * loss(cell, q, xd, labels, from, to, state));
                        double a = key.endsWith("_b") || key.endsWith("_bh") ? analytic.getDouble(j)
                                : analytic.getDouble(i, j);
                        assertTrue(Math.abs(a - numeric) < 1e-4 + 1e-3 * Math.abs(numeric),
                                seg + ": " + key + "[" + i + "," + j + "] analytic " + a + ", numeric " + numeric);
                        if (s > 0 && key.equals("0_RW")) {
                            double zero = numeric(p, key, i, j,
                                    q -> B * loss(cell, q, xd, labels, from, to, State.zeros()));
                            fromZeros = Math.max(fromZeros, Math.abs(zero - numeric));
                        }
                        checked++;
                    }
                }
            }
            assertEquals(net.numParams(), checked, "every parameter checked");
            if (s > 0) {
                // from a zero state RW's gradient would differ by ten times the check's absolute tolerance or more:
                // a layer that ignored the carried state would fail
                assertTrue(fromZeros > 1e-3, seg + ": the carried state changes RW's gradient by only " + fromZeros);
            }
            // the next segment starts where this one ended, from this segment's weights
            forward(cell, p, xd, from, to, state);
        }
    }

    /** {@link #check} with both carries, then {@link #checkTruncated} with backward lengths SEG, 2 and 1. */
    static void checkAll(Cell cell) {
        check(cell, Carry.STATEFUL);
        check(cell, Carry.TBPTT);
        for (int back : new int[] {SEG, 2, 1}) {
            checkTruncated(cell, back);
        }
    }

    private static INDArray segment(INDArray a, int s) {
        return a.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(s * SEG, (s + 1) * SEG)).dup('c');
    }

    /** The central difference of {@code loss} in one weight. */
    private static double numeric(Weights p, String key, int i, int j, ToDoubleFunction<Weights> loss) {
        double eps = 1e-6;
        Weights plus = p.copy();
        slot(plus, key)[i][j] += eps;
        Weights minus = p.copy();
        slot(minus, key)[i][j] -= eps;
        return (loss.applyAsDouble(plus) - loss.applyAsDouble(minus)) / (2 * eps);
    }

    /**
     * The layer alone over two segments of {@link #SEG} steps through DL4J's truncated-BPTT entry points: the first
     * segment's forward pass stores its last state, the second's starts from it, and the backward pass keeps the last
     * {@code back} steps. Checks the second segment's output, and its gradients (W, RW, b and the input) against
     * central differences of {@code sum(H * G)} over those steps, from the state before them held fixed.
     */
    static void checkTruncated(Cell cell, int back) {
        MultiLayerNetwork net = Nets.net(layer(cell), N, 0, DataType.FLOAT);
        randomHiddenBias(net);
        net.initGradientsView();
        RecurrentLayer layer = (RecurrentLayer) net.getLayer(0);
        LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();
        INDArray x = Nd4j.randn(41, new long[] {B, IN, T}).castTo(DataType.FLOAT);
        INDArray g = Nd4j.randn(42, new long[] {B, N, SEG}).castTo(DataType.FLOAT);
        layer.rnnClearPreviousState();
        layer.rnnActivateUsingStoredState(segment(x, 0), true, true, ws);
        INDArray out = layer.rnnActivateUsingStoredState(segment(x, 1), true, true, ws).dup();
        Pair<Gradient, INDArray> grads = layer.tbpttBackpropGradient(g, back, ws);
        String what = cell + ", second segment, backward length " + back;

        Weights p = new Weights(matrix(layer.getParam("W")), matrix(layer.getParam("RW")), vector(layer.getParam("b")),
                cell.twoBiases ? vector(layer.getParam("bh")) : null, null, null);
        double[][][] xd = array(x);
        double[][][] gd = array(g);
        State carried = State.zeros();
        forward(cell, p, xd, 0, SEG, carried);
        assertTrue(carried.max() > 0.05, what + ": the carried state is not zero, else the check proves nothing");
        State s = carried.copy();
        for (int t = SEG; t < T; t++) {
            step(cell, p, xd, t, s);
            for (int r = 0; r < B; r++) {
                for (int j = 0; j < N; j++) {
                    assertEquals(s.h()[r][j], out.getDouble(r, j, t - SEG), 1e-5, what + ": output [" + r + "," + j
                            + "," + (t - SEG) + "]");
                }
            }
        }
        int cut = T - back;
        State atCut = carried.copy();
        forward(cell, p, xd, SEG, cut, atCut);
        State fromZeros = State.zeros();
        forward(cell, p, xd, SEG, cut, fromZeros);
        double zerosChange = 0;
        int checked = 0;
        for (String key : keys(cell)) {
            INDArray analytic = grads.getFirst().getGradientFor(key);
            double[][] target = slot(p, "0_" + key);
            for (int i = 0; i < target.length; i++) {
                for (int j = 0; j < target[i].length; j++) {
                    double numeric = numeric(p, "0_" + key, i, j, q -> linearLoss(cell, q, xd, gd, cut, atCut));
                    double a = key.startsWith("b") ? analytic.getDouble(j) : analytic.getDouble(i, j);
                    assertTrue(Math.abs(a - numeric) < 1e-4 + 1e-3 * Math.abs(numeric),
                            what + ": " + key + "[" + i + "," + j + "] analytic " + a + ", numeric " + numeric);
                    if (key.equals("RW")) {
                        double zero = numeric(p, "0_RW", i, j, q -> linearLoss(cell, q, xd, gd, cut, fromZeros));
                        zerosChange = Math.max(zerosChange, Math.abs(zero - numeric));
                    }
                    checked++;
                }
            }
        }
        assertEquals(layer.numParams(), checked, "every parameter checked");
        // from a zero state RW's gradient would differ by ten times the check's absolute tolerance or more
        assertTrue(zerosChange > 1e-3, what + ": the carried state changes RW's gradient by only " + zerosChange);
        INDArray dx = grads.getSecond();
        double eps = 1e-6;
        for (int r = 0; r < B; r++) {
            for (int i = 0; i < IN; i++) {
                for (int t = SEG; t < T; t++) {
                    double keep = xd[r][i][t];
                    xd[r][i][t] = keep + eps;
                    double plus = linearLoss(cell, p, xd, gd, cut, atCut);
                    xd[r][i][t] = keep - eps;
                    double minus = linearLoss(cell, p, xd, gd, cut, atCut);
                    xd[r][i][t] = keep;
                    double numeric = (plus - minus) / (2 * eps);
                    double a = dx.getDouble(r, i, t - SEG);
                    assertTrue(Math.abs(a - numeric) < 1e-4 + 1e-3 * Math.abs(numeric),
                            what + ": dX[" + r + "," + i + "," + (t - SEG) + "] analytic " + a + ", numeric " + numeric);
                }
            }
        }
    }

    /** sum(H * G) over steps {@code from..T-1} from {@code state} (not changed); G's step 0 is step {@link #SEG}. */
    static double linearLoss(Cell cell, Weights p, double[][][] x, double[][][] g, int from, State state) {
        State s = state.copy();
        double sum = 0;
        for (int t = from; t < T; t++) {
            step(cell, p, x, t, s);
            for (int r = 0; r < B; r++) {
                for (int j = 0; j < N; j++) {
                    sum += s.h()[r][j] * g[r][j][t - SEG];
                }
            }
        }
        return sum;
    }

    /** The reference's array for a DL4J gradient key (a bias as one row). */
    private static double[][] slot(Weights p, String key) {
        return switch (key) {
            case "0_W" -> p.w();
            case "0_RW" -> p.rw();
            case "0_b" -> new double[][] {p.b()};
            case "0_bh" -> new double[][] {p.bh()};
            case "1_W" -> p.wo();
            case "1_b" -> new double[][] {p.bo()};
            default -> throw new IllegalArgumentException(key);
        };
    }

    /**
     * The softmax output's cross-entropy over steps {@code from..to-1}, starting from {@code state} (not changed),
     * summed over steps and divided by the batch, as DL4J scores an {@code RnnOutputLayer}.
     */
    static double loss(Cell cell, Weights p, double[][][] x, int[][] y, int from, int to, State state) {
        State s = state.copy();
        double sum = 0;
        for (int t = from; t < to; t++) {
            step(cell, p, x, t, s);
            for (int r = 0; r < B; r++) {
                double[] logits = new double[K];
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < K; k++) {
                    logits[k] = p.bo()[k];
                    for (int j = 0; j < N; j++) {
                        logits[k] += s.h()[r][j] * p.wo()[j][k];
                    }
                    max = Math.max(max, logits[k]);
                }
                double z = 0;
                for (int k = 0; k < K; k++) {
                    z += Math.exp(logits[k] - max);
                }
                sum -= logits[y[r][t]] - max - Math.log(z);
            }
        }
        return sum / B;
    }

    /** Runs steps {@code from..to-1} from {@code state}, which ends as the state after them. */
    static void forward(Cell cell, Weights p, double[][][] x, int from, int to, State state) {
        for (int t = from; t < to; t++) {
            step(cell, p, x, t, state);
        }
    }

    /**
     * One step in place. LSTM (DL4J's layout: block input, forget, output, input gate): {@code C = f C + g a},
     * {@code H = o tanh(C)}; GRU (d2l's: update, reset, candidate): {@code H = Z H + (1 - Z) tanh(X W_c + (R H) RW_c + b_c)};
     * PyTorch's GRU: {@code H = Z H + (1 - Z) tanh(X W_c + b_c + R (H RW_c + bh_c))}. A second bias adds to every
     * gate's pre-activation, but for PyTorch's candidate.
     */
    static void step(Cell cell, Weights p, double[][][] x, int t, State s) {
        int g = cell.gates;
        for (int r = 0; r < B; r++) {
            double[] h = s.h()[r];
            double[] z = new double[g * N];
            for (int col = 0; col < g * N; col++) {
                z[col] = p.b()[col];
                for (int i = 0; i < IN; i++) {
                    z[col] += x[r][i][t] * p.w()[i][col];
                }
                boolean candidate = !cell.lstm() && col >= 2 * N;
                if (p.bh() != null && !(candidate && cell.torch)) {
                    z[col] += p.bh()[col];
                }
                if (!candidate) {
                    for (int k = 0; k < N; k++) {
                        z[col] += h[k] * p.rw()[k][col];
                    }
                }
            }
            double[] next = new double[N];
            if (cell.lstm()) {
                double[] c = s.c()[r];
                for (int j = 0; j < N; j++) {
                    double a = Math.tanh(z[j]);
                    double f = sigmoid(z[N + j]);
                    double o = sigmoid(z[2 * N + j]);
                    double in = sigmoid(z[3 * N + j]);
                    c[j] = f * c[j] + in * a;
                    next[j] = o * Math.tanh(c[j]);
                }
            } else if (cell.torch) {
                for (int j = 0; j < N; j++) {
                    double rec = p.bh()[2 * N + j];
                    for (int k = 0; k < N; k++) {
                        rec += h[k] * p.rw()[k][2 * N + j];
                    }
                    double u = sigmoid(z[j]);
                    next[j] = u * h[j] + (1 - u) * Math.tanh(z[2 * N + j] + sigmoid(z[N + j]) * rec);
                }
            } else {
                for (int j = 0; j < N; j++) {
                    double cand = z[2 * N + j];
                    for (int k = 0; k < N; k++) {
                        cand += sigmoid(z[N + k]) * h[k] * p.rw()[k][2 * N + j];
                    }
                    double u = sigmoid(z[j]);
                    next[j] = u * h[j] + (1 - u) * Math.tanh(cand);
                }
            }
            System.arraycopy(next, 0, h, 0, N);
        }
    }

    static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /** The recorded flat weights, read through the network's own parameter views. */
    private static Weights weights(MultiLayerNetwork net, INDArray flat) {
        net.setParams(flat);
        INDArray bh = net.getLayer(0).paramTable().get(RecurrentParams.HIDDEN_BIAS_KEY);
        return new Weights(matrix(net.getParam("0_W")), matrix(net.getParam("0_RW")), vector(net.getParam("0_b")),
                bh == null ? null : vector(bh), matrix(net.getParam("1_W")), vector(net.getParam("1_b")));
    }

    private static double[][] matrix(INDArray a) {
        return a.castTo(DataType.DOUBLE).toDoubleMatrix();
    }

    private static double[] vector(INDArray a) {
        return a.castTo(DataType.DOUBLE).reshape(a.length()).toDoubleVector();
    }

    /** A [batch, rows, steps] array as doubles. */
    private static double[][][] array(INDArray x) {
        double[][][] out = new double[(int) x.size(0)][(int) x.size(1)][(int) x.size(2)];
        for (int r = 0; r < out.length; r++) {
            for (int i = 0; i < out[r].length; i++) {
                for (int t = 0; t < out[r][i].length; t++) {
                    out[r][i][t] = x.getDouble(r, i, t);
                }
            }
        }
        return out;
    }

    private static int[][] labels(INDArray y) {
        int[][] out = new int[B][T];
        for (int r = 0; r < B; r++) {
            for (int t = 0; t < T; t++) {
                for (int k = 0; k < K; k++) {
                    if (y.getDouble(r, k, t) > 0.5) {
                        out[r][t] = k;
                    }
                }
            }
        }
        return out;
    }

    static double[][] deep(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }
}
