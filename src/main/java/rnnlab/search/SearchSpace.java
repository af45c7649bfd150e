package rnnlab.search;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.arbiter.optimize.api.AbstractParameterSpace;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.distribution.LogUniformDistribution;
import org.deeplearning4j.arbiter.optimize.parameter.continuous.ContinuousParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.integer.IntegerParameterSpace;

import rnnlab.core.UserError;

/**
 * An experiment's search space as one Arbiter {@link ParameterSpace}: a leaf per searched key, each built
 * from a {@code search.KEY=RANGE} line of the experiment's properties file, where RANGE is one of
 * <ul>
 * <li>{@code int:MIN:MAX}: a whole number, uniform in [MIN, MAX] ({@link IntegerParameterSpace});</li>
 * <li>{@code uniform:MIN:MAX}: a real number, uniform ({@link ContinuousParameterSpace});</li>
 * <li>{@code loguniform:MIN:MAX}: a real number, uniform in its logarithm ({@link LogUniformDistribution});</li>
 * <li>{@code choice:A,B,C}: one of the listed values ({@link DiscreteParameterSpace}).</li>
 * </ul>
 * A candidate is the map KEY to value text, which the experiment then reads as if given as {@code -DKEY=value}.
 * Real numbers are rounded to three significant digits first, so the command that reproduces a candidate
 * runs exactly what the search ran.
 */
public final class SearchSpace extends AbstractParameterSpace<Map<String, String>> {
    public static final String SYNTAX = "int:MIN:MAX, uniform:MIN:MAX, loguniform:MIN:MAX or choice:A,B,...";

    private final Map<String, ParameterSpace<?>> leaves;
    private final Map<String, String> ranges;

    private SearchSpace(Map<String, ParameterSpace<?>> leaves, Map<String, String> ranges) {
        this.leaves = leaves;
        this.ranges = ranges;
    }

    /** Parses {@code KEY -> RANGE} entries; a malformed range is a {@link UserError} naming its key. */
    public static SearchSpace parse(String experiment, Map<String, String> ranges) {
        if (ranges.isEmpty()) {
            throw new UserError(experiment + " declares no search space; add lines such as search.lr=loguniform:1e-4:1e-2"
                    + " to experiments/" + experiment + ".properties");
        }
        Map<String, ParameterSpace<?>> leaves = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : ranges.entrySet()) {
            leaves.put(e.getKey(), leaf(experiment, e.getKey(), e.getValue().strip()));
        }
        return new SearchSpace(leaves, new LinkedHashMap<>(ranges));
    }

    private static ParameterSpace<?> leaf(String experiment, String key, String range) {
        String[] kind = range.split(":", 2);
        UserError bad = new UserError("Invalid search range for '" + key + "' in experiments/" + experiment
                + ".properties: '" + range + "'; expected " + SYNTAX);
        if (kind.length != 2) {
            throw bad;
        }
        try {
            switch (kind[0]) {
                case "choice": {
                    List<String> values = new ArrayList<>();
                    for (String v : kind[1].split(",")) {
                        if (v.isBlank() || values.contains(v.strip())) {
                            throw bad;
                        }
                        values.add(v.strip());
                    }
                    return new DiscreteParameterSpace<>(values);
                }
                case "int": {
                    String[] mm = kind[1].split(":");
                    int min = Integer.parseInt(mm[0].strip());
                    int max = Integer.parseInt(mm[1].strip());
                    if (mm.length != 2 || min > max) {
                        throw bad;
                    }
                    return new IntegerParameterSpace(min, max);
                }
                case "uniform":
                case "loguniform": {
                    String[] mm = kind[1].split(":");
                    double min = Double.parseDouble(mm[0].strip());
                    double max = Double.parseDouble(mm[1].strip());
                    boolean log = kind[0].equals("loguniform");
                    if (mm.length != 2 || !(min < max) || !Double.isFinite(max) || (log && min <= 0)) {
                        throw bad;
                    }
                    return log ? new ContinuousParameterSpace(new LogUniformDistribution(min, max))
                            : new ContinuousParameterSpace(min, max);
                }
                default:
                    throw bad;
            }
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw bad;
        }
    }

    /** The searched keys, in declaration order. */
    public List<String> keys() {
        return new ArrayList<>(leaves.keySet());
    }

    /** The range text a key was declared with. */
    public String range(String key) {
        return ranges.get(key);
    }

    @Override
    public Map<String, String> getValue(double[] input) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, ParameterSpace<?>> e : leaves.entrySet()) {
            out.put(e.getKey(), text(e.getValue().getValue(input)));
        }
        return out;
    }

    /** A drawn value as the experiment reads it: whole numbers as they are, reals to three significant digits. */
    static String text(Object value) {
        if (value instanceof Double d) {
            return new BigDecimal(d).round(new MathContext(3)).stripTrailingZeros().toString().replace("E+", "e")
                    .replace("E", "e");
        }
        return String.valueOf(value);
    }

    @Override
    public int numParameters() {
        int n = 0;
        for (ParameterSpace<?> p : leaves.values()) {
            n += p.numParameters();
        }
        return n;
    }

    @Override
    public List<ParameterSpace> collectLeaves() {
        return new ArrayList<>(leaves.values());
    }

    @Override
    public Map<String, ParameterSpace> getNestedSpaces() {
        return new LinkedHashMap<>(leaves);
    }

    @Override
    public boolean isLeaf() {
        return false;
    }

    @Override
    public void setIndices(int... indices) {
        throw new UnsupportedOperationException("SearchSpace is not a leaf; Arbiter indexes its leaves");
    }
}
