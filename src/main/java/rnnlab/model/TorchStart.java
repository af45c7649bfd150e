package rnnlab.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import rnnlab.core.UserError;

/**
 * A PyTorch model's parameters set into the project's network: the tutorial's own start for a seed, as its code draws
 * it ({@code reference/run --starts} writes one JSON file a seed: {@code named_parameters()}, each as nested lists),
 * so that both codes can be compared from the same starts. A {@link Slot} says where each PyTorch parameter lives.
 */
public final class TorchStart {
    private TorchStart() {
    }

    /** Where a PyTorch parameter lives in the network; nn.Linear's [out, in] weight is DL4J's [in, out] (transposed). */
    public record Slot(int layer, String key, boolean transposed) {
    }

    /** The DigitSum tutorial's {@code Model_RNN4SeqClass(SRN(32, 32), ...)} in {@link SequenceClassifier}'s SRN. */
    public static final Map<String, Slot> DIGITSUM_SRN = Map.of(
            "embedding.W", new Slot(0, "W", false),
            "rnn_model.W", new Slot(1, "W", false),
            "rnn_model.U", new Slot(1, "RW", false),
            "rnn_model.b", new Slot(1, "b", false),
            "linear.weight", new Slot(2, "W", true),
            "linear.bias", new Slot(2, "b", false));

    /** The file of a seed's start: {@code starts/NAME/seed-N.json} in the project folder. */
    public static Path file(Path projectDir, String experiment, int seed) {
        return projectDir.resolve("starts").resolve(experiment).resolve("seed-" + seed + ".json");
    }

    /** Reads a start's JSON; one line ({@link UserError}) when it cannot be read. */
    public static JsonNode read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UserError("Cannot read the tutorial's start " + file + " (" + e.getMessage() + "); write it again "
                    + "with reference/run --starts");
        }
    }

    /** The network's own parameter (a view) that the PyTorch parameter {@code name} is. */
    public static INDArray ours(MultiLayerNetwork net, Map<String, Slot> slots, String name) {
        Slot slot = slots.get(name);
        return net.getLayer(slot.layer()).getParam(slot.key());
    }

    /** The PyTorch parameter {@code name} of {@code params} in DL4J's layout, as floats. */
    public static INDArray param(JsonNode params, Map<String, Slot> slots, String name) {
        INDArray p = matrix(params.get(name));
        return slots.get(name).transposed() ? p.transpose().dup('c') : p;
    }

    /**
     * Sets every parameter of the network to the PyTorch model's in {@code params}; one line ({@link UserError}) when
     * their names or sizes differ (a start of another model), and nothing set then.
     */
    public static void load(MultiLayerNetwork net, Map<String, Slot> slots, JsonNode params, String what) {
        Set<String> names = new TreeSet<>();
        params.fieldNames().forEachRemaining(names::add);
        if (!names.equals(new TreeSet<>(slots.keySet()))) {
            throw new UserError(what + " holds the parameters " + names + ", not the model's " + new TreeSet<>(slots.keySet())
                    + "; write it again with reference/run --starts");
        }
        Map<INDArray, INDArray> assign = new LinkedHashMap<>();
        for (String name : slots.keySet()) {
            INDArray ours = ours(net, slots, name);
            INDArray theirs = param(params, slots, name);
            // [n] biases in DL4J where the tutorial may keep [1, n]: same values, same order
            boolean same = theirs.length() == ours.length() && (ours.rank() != 2 || theirs.rank() != 2
                    || (theirs.size(0) == ours.size(0) && theirs.size(1) == ours.size(1)));
            if (!same) {
                throw new UserError(what + "'s " + name + " is " + java.util.Arrays.toString(theirs.shape())
                        + " where the model's is " + java.util.Arrays.toString(ours.shape()) + "; write it again with "
                        + "reference/run --starts");
            }
            assign.put(ours, theirs.reshape(ours.shape()));
        }
        assign.forEach(INDArray::assign);
    }

    /** A PyTorch array as a float matrix ([n] as [1, n]). */
    public static INDArray matrix(JsonNode node) {
        if (node.size() == 0 || !node.get(0).isArray()) {
            double[] v = new double[node.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = node.get(i).asDouble();
            }
            return Nd4j.createFromArray(new double[][] {v}).castTo(DataType.FLOAT);
        }
        double[][] m = new double[node.size()][node.get(0).size()];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[i].length; j++) {
                m[i][j] = node.get(i).get(j).asDouble();
            }
        }
        return Nd4j.createFromArray(m).castTo(DataType.FLOAT);
    }
}
