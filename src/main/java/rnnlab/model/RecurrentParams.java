package rnnlab.model;

import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One flat parameter view split as DL4J's SimpleRnn and LSTM split theirs: W [nIn, g*n] and RW
 * [n, g*n] in F order, then b [1, g*n], for g = {@link RecurrentConf#gates()}; a layer with
 * {@link RecurrentConf#isTwoBiases two biases} has bh [1, g*n] after b (PyTorch's b_hh, in the layer's own gate
 * order, as b is PyTorch's b_ih). With one bias the layout is DL4J's, which lets tests hand the same parameters to
 * both implementations; the second bias comes last, so a one-bias layout is the two-bias one without it.
 */
public final class RecurrentParams implements ParamInitializer {
    public static final RecurrentParams INSTANCE = new RecurrentParams();
    public static final String WEIGHT_KEY = "W";
    public static final String RECURRENT_WEIGHT_KEY = "RW";
    public static final String BIAS_KEY = "b";
    public static final String HIDDEN_BIAS_KEY = "bh";

    private RecurrentParams() {
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        RecurrentConf c = (RecurrentConf) layer;
        long g = (long) c.gates() * c.getNOut();
        return c.getNIn() * g + c.getNOut() * g + (c.isTwoBiases() ? 2 : 1) * g;
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return ((RecurrentConf) layer).isTwoBiases() ? List.of(WEIGHT_KEY, RECURRENT_WEIGHT_KEY, BIAS_KEY, HIDDEN_BIAS_KEY)
                : List.of(WEIGHT_KEY, RECURRENT_WEIGHT_KEY, BIAS_KEY);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return List.of(WEIGHT_KEY, RECURRENT_WEIGHT_KEY);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return ((RecurrentConf) layer).isTwoBiases() ? List.of(BIAS_KEY, HIDDEN_BIAS_KEY) : List.of(BIAS_KEY);
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return WEIGHT_KEY.equals(key) || RECURRENT_WEIGHT_KEY.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return BIAS_KEY.equals(key) || HIDDEN_BIAS_KEY.equals(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        RecurrentConf c = (RecurrentConf) conf.getLayer();
        Map<String, INDArray> m = subsets(c, paramsView);
        if (initializeParams) {
            c.initParams(m);
        }
        conf.addVariable(WEIGHT_KEY);
        conf.addVariable(RECURRENT_WEIGHT_KEY);
        conf.addVariable(BIAS_KEY);
        if (c.isTwoBiases()) {
            conf.addVariable(HIDDEN_BIAS_KEY);
        }
        return m;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return subsets((RecurrentConf) conf.getLayer(), gradientView);
    }

    private static Map<String, INDArray> subsets(RecurrentConf c, INDArray flat) {
        long nIn = c.getNIn();
        long n = c.getNOut();
        long g = c.gates() * n;
        INDArray in = flat.reshape(flat.length());
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put(WEIGHT_KEY, in.get(interval(0, nIn * g)).reshape('f', nIn, g));
        m.put(RECURRENT_WEIGHT_KEY, in.get(interval(nIn * g, nIn * g + n * g)).reshape('f', n, g));
        long b = nIn * g + n * g;
        m.put(BIAS_KEY, in.get(interval(b, b + g)).reshape(1, g));
        if (c.isTwoBiases()) {
            m.put(HIDDEN_BIAS_KEY, in.get(interval(b + g, b + 2 * g)).reshape(1, g));
        }
        return m;
    }
}
