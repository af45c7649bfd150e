package rnnlab.model;

import java.util.SplittableRandom;

import rnnlab.core.RandomStreams;

import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonIgnore;

/**
 * Reproducible weight initialisation. In ND4J 1.0.0-M2.1 {@code Nd4j.getRandom().setSeed(s)} does not
 * make the random distribution ops repeat (two draws after the same seed differ, within one JVM and
 * across runs), so DL4J's {@code .seed(s)} does not fix a network's initial weights. This initialiser
 * draws from a Java {@link SplittableRandom} instead: the same seed gives the same weights, every run.
 * Its streams are {@link RandomStreams}' (seed, purpose) ones: each call (each parameter it initialises, in order)
 * takes the stream "purpose/N" of its seed, so no two parameters, purposes or seeds share one.
 */
public final class SeededInit implements IWeightInit {
    /** How the scale follows from fan-in and fan-out. */
    public enum Rule {
        /** uniform(+-sqrt(6 / (fanIn + fanOut))), as torch.nn.init.xavier_uniform_ */
        XAVIER_UNIFORM,
        /** uniform(+-1/sqrt(fanIn)), PyTorch's default for nn.Linear, nn.RNN, nn.LSTM, nn.GRU */
        FAN_IN_UNIFORM,
        /** uniform(+-scale) */
        UNIFORM,
        /** normal(0, scale^2), as d2l's torch.randn(shape) * scale */
        NORMAL
    }

    private Rule rule;
    private double scale;
    private long seed;
    private String purpose;
    @JsonIgnore
    private transient int calls;

    /** For JSON deserialisation. */
    public SeededInit() {
    }

    public SeededInit(Rule rule, double scale, long seed, String purpose) {
        this.rule = rule;
        this.scale = scale;
        this.seed = seed;
        this.purpose = purpose;
    }

    public static SeededInit xavierUniform(long seed, String purpose) {
        return new SeededInit(Rule.XAVIER_UNIFORM, 0, seed, purpose);
    }

    public static SeededInit fanInUniform(long seed, String purpose) {
        return new SeededInit(Rule.FAN_IN_UNIFORM, 0, seed, purpose);
    }

    public static SeededInit uniform(double bound, long seed, String purpose) {
        return new SeededInit(Rule.UNIFORM, bound, seed, purpose);
    }

    public static SeededInit normal(double std, long seed, String purpose) {
        return new SeededInit(Rule.NORMAL, std, seed, purpose);
    }

    @Override
    public INDArray init(double fanIn, double fanOut, long[] shape, char order, INDArray paramView) {
        SplittableRandom random = RandomStreams.of(seed, purpose + "/" + calls++);
        float[] values = new float[(int) paramView.length()];
        double bound = switch (rule) {
            case XAVIER_UNIFORM -> Math.sqrt(6.0 / (fanIn + fanOut));
            case FAN_IN_UNIFORM -> 1.0 / Math.sqrt(fanIn);
            case UNIFORM, NORMAL -> scale;
        };
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (rule == Rule.NORMAL ? nextGaussian(random) * bound : (2 * random.nextDouble() - 1) * bound);
        }
        paramView.assign(Nd4j.create(values, paramView.shape(), 'c').castTo(paramView.dataType()));
        return paramView.reshape(order, shape);
    }

    private static double nextGaussian(SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    public Rule getRule() {
        return rule;
    }

    public void setRule(Rule rule) {
        this.rule = rule;
    }

    public double getScale() {
        return scale;
    }

    public void setScale(double scale) {
        this.scale = scale;
    }

    public long getSeed() {
        return seed;
    }

    public void setSeed(long seed) {
        this.seed = seed;
    }

    public String getPurpose() {
        return purpose;
    }

    public void setPurpose(String purpose) {
        this.purpose = purpose;
    }
}
