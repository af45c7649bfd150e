package rnnlab.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
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

    /**
     * Where a PyTorch parameter lives in the network; nn.Linear's [out, in] weight is DL4J's [in, out] (transposed).
     * {@code blocks} (null: as they are) reorders a recurrent parameter's gate blocks: the layer's block k holds
     * PyTorch's block {@code blocks[k]} ({@link #gates}).
     */
    public record Slot(int layer, String key, boolean transposed, int[] blocks) {
        public Slot(int layer, String key, boolean transposed) {
            this(layer, key, transposed, null);
        }
    }

    /** The recurrent cells whose PyTorch layers ({@code nn.RNN}, {@code nn.LSTM}, {@code nn.GRU}) have a counterpart. */
    public enum Gates {
        RNN, LSTM, GRU
    }

    /**
     * For each of the project's gate blocks, the PyTorch block it holds: the project's Lstm keeps (g, f, o, i) where
     * nn.LSTM keeps (i, f, g, o); its Gru in PyTorch's form (z, r, n) where nn.GRU keeps (r, z, n).
     */
    public static int[] gates(Gates cell) {
        return switch (cell) {
            case RNN -> new int[] {0};
            case LSTM -> new int[] {2, 1, 3, 0};
            case GRU -> new int[] {1, 0, 2};
        };
    }

    /**
     * d2l-zh's {@code RNNModel}: {@code rnn} (nn.RNN, nn.LSTM or nn.GRU with {@code layers} layers, bidirectional or
     * not) and {@code dense} (nn.Linear), in a network of that many recurrent layers (a Bidirectional wrapper's
     * directions prefixed f and b, as DL4J names them) and an output layer, each with the project's two biases.
     */
    public static Map<String, Slot> rnnModel(Gates cell, int layers, boolean bidirectional) {
        Map<String, Slot> slots = new LinkedHashMap<>();
        int[] blocks = gates(cell);
        for (int l = 0; l < layers; l++) {
            for (String direction : bidirectional ? List.of("", "_reverse") : List.of("")) {
                String prefix = !bidirectional ? "" : direction.isEmpty() ? "f" : "b";
                String suffix = "_l" + l + direction;
                slots.put("rnn.weight_ih" + suffix, new Slot(l, prefix + RecurrentParams.WEIGHT_KEY, true, blocks));
                slots.put("rnn.weight_hh" + suffix, new Slot(l, prefix + RecurrentParams.RECURRENT_WEIGHT_KEY, true,
                        blocks));
                slots.put("rnn.bias_ih" + suffix, new Slot(l, prefix + RecurrentParams.BIAS_KEY, false, blocks));
                slots.put("rnn.bias_hh" + suffix, new Slot(l, prefix + RecurrentParams.HIDDEN_BIAS_KEY, false, blocks));
            }
        }
        slots.put("dense.weight", new Slot(layers, "W", true));
        slots.put("dense.bias", new Slot(layers, "b", false));
        return slots;
    }

    /** The DigitSum tutorial's {@code Model_RNN4SeqClass(SRN(32, 32), ...)} in {@link SequenceClassifier}'s SRN. */
    public static final Map<String, Slot> DIGITSUM_SRN = Map.of(
            "embedding.W", new Slot(0, "W", false),
            "rnn_model.W", new Slot(1, "W", false),
            "rnn_model.U", new Slot(1, "RW", false),
            "rnn_model.b", new Slot(1, "b", false),
            "linear.weight", new Slot(2, "W", true),
            "linear.bias", new Slot(2, "b", false));

    /**
     * A start's key for the order of the run's batches where the tutorial's run draws it (d2l v2's
     * {@code seq_data_iter_sequential}: each epoch's offset, drawn from Python's {@code random}); not a parameter.
     */
    public static final String BATCH_OFFSETS = "batch_offsets";

    /** A model kept as the tutorial keeps it: each parameter under the tutorial's name, in its layout. */
    public static Map<String, Slot> asIs(List<String> names) {
        Map<String, Slot> slots = new LinkedHashMap<>();
        names.forEach(n -> slots.put(n, new Slot(0, n, false)));
        return slots;
    }

    /**
     * The offsets of the first {@code epochs} epochs' batches handed over in {@code start} ({@link #BATCH_OFFSETS}),
     * each in [0, {@code maxOffset}]; one line ({@link UserError}) when it has none or too few.
     */
    public static int[] batchOffsets(JsonNode start, int epochs, int maxOffset, String what) {
        JsonNode node = start.get(BATCH_OFFSETS);
        checkOrder(node == null || !node.isArray() ? -1 : node.size(), epochs, what);
        int[] offsets = new int[epochs];
        for (int e = 0; e < epochs; e++) {
            offsets[e] = node.get(e).asInt(-1);
            if (!node.get(e).isInt() || offsets[e] < 0 || offsets[e] > maxOffset) {
                throw new UserError(what + "'s batch offset of epoch " + (e + 1) + " is " + node.get(e) + ", not an offset "
                        + "in 0.." + maxOffset + "; write it again with reference/run --starts");
            }
        }
        return offsets;
    }

    /**
     * Before any job of a run whose batches the tutorial's start orders: each seed's start hands over the order of
     * {@code epochs} epochs at least, else one line ({@link UserError}). Reads the files as a stream, skipping the
     * parameters (megabytes a seed).
     */
    public static void requireBatchOrder(Path projectDir, String experiment, List<Integer> seeds, int epochs) {
        for (int seed : seeds) {
            Path file = file(projectDir, experiment, seed);
            int handed = -1;
            try (org.nd4j.shade.jackson.core.JsonParser in = new ObjectMapper().getFactory().createParser(file.toFile())) {
                in.nextToken(); // the object
                while (in.nextToken() == org.nd4j.shade.jackson.core.JsonToken.FIELD_NAME) {
                    String key = in.getCurrentName();
                    org.nd4j.shade.jackson.core.JsonToken value = in.nextToken();
                    if (key.equals(BATCH_OFFSETS) && value == org.nd4j.shade.jackson.core.JsonToken.START_ARRAY) {
                        handed = 0;
                        while (in.nextToken() != org.nd4j.shade.jackson.core.JsonToken.END_ARRAY) {
                            handed++;
                            in.skipChildren();
                        }
                    } else {
                        in.skipChildren();
                    }
                }
            } catch (IOException e) {
                throw new UserError("Cannot read the tutorial's start " + file + " (" + e.getMessage() + "); write it "
                        + "again with reference/run --starts");
            }
            checkOrder(handed, epochs, file.toString());
        }
    }

    /** One line when a start hands over the order of {@code handed} epochs (-1: none) and a run needs {@code epochs}. */
    private static void checkOrder(int handed, int epochs, String what) {
        if (handed < 0) {
            throw new UserError(what + " hands over no batch order ('" + BATCH_OFFSETS + "'), which a run from it needs; "
                    + "write it again with reference/run --starts");
        }
        if (handed < epochs) {
            throw new UserError(what + " hands over the batch order of the tutorial's " + handed + " epochs; epochs="
                    + epochs + " runs past it (give epochs=" + handed + " or fewer)");
        }
    }

    /** The file of a seed's start: {@code starts/NAME/seed-N.json} in the project folder. */
    public static Path file(Path projectDir, String experiment, int seed) {
        return projectDir.resolve("starts").resolve(experiment).resolve("seed-" + seed + ".json");
    }

    /**
     * Before any job of a run with {@code start=tutorial}: every seed's start is there, else one line ({@link UserError})
     * naming the missing seeds and the command that writes them.
     */
    public static void requireAll(Path projectDir, String experiment, List<Integer> seeds) {
        List<String> missing = seeds.stream().filter(s -> !Files.isRegularFile(file(projectDir, experiment, s)))
                .map(String::valueOf).toList();
        if (!missing.isEmpty()) {
            throw new UserError("start=tutorial trains from the tutorial's own starts, and "
                    + file(projectDir, experiment, 0).getParent() + " lacks seed " + String.join(", ", missing)
                    + "; write them with reference/run --starts --only " + experiment + " --seeds "
                    + String.join(",", missing) + " (needs python3-torch)");
        }
    }

    /** Sets the network to the tutorial's start of {@code seed} ({@link #file}), by {@code slots}. */
    public static void loadSeed(MultiLayerNetwork net, Map<String, Slot> slots, Path projectDir, String experiment,
            int seed) {
        Path start = file(projectDir, experiment, seed);
        load(net, slots, read(start), start.toString());
    }

    /**
     * Ties runs to the starts they began from: {@code record} (one line a seed, {@code N SHA1}) keeps the SHA-1 of each
     * seed's start file the first time it is seen and, after that, refuses in one line a start file that differs (a
     * PyTorch that draws otherwise would pair our kept runs with starts they never had). Returns the seeds it added.
     */
    public static List<Integer> recordOrCheck(Path record, Path projectDir, String experiment, List<Integer> seeds) {
        Map<Integer, String> kept = new java.util.TreeMap<>();
        try {
            if (Files.isRegularFile(record)) {
                for (String line : Files.readAllLines(record)) {
                    String[] f = line.trim().split(" ");
                    if (f.length == 2) {
                        kept.put(Integer.parseInt(f[0]), f[1]);
                    }
                }
            }
            List<Integer> added = new java.util.ArrayList<>();
            for (int seed : seeds) {
                Path start = file(projectDir, experiment, seed);
                String sha1 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                        .digest(Files.readAllBytes(start)));
                String before = kept.putIfAbsent(seed, sha1);
                if (before == null) {
                    added.add(seed);
                } else if (!before.equals(sha1)) {
                    throw new UserError(start + " is not the start the kept runs of seed " + seed + " began from (SHA-1 "
                            + sha1.substring(0, 12) + ", " + record + " says " + before.substring(0, 12) + "): another "
                            + "PyTorch drew it; write it with the PyTorch that wrote the others, or delete " + record
                            + " and the runs beside it to pair afresh");
                }
            }
            if (!added.isEmpty()) {
                StringBuilder sb = new StringBuilder();
                kept.forEach((seed, sha1) -> sb.append(seed).append(' ').append(sha1).append('\n'));
                rnnlab.core.AtomicFiles.write(record, sb.toString());
            }
            return added;
        } catch (IOException | java.security.NoSuchAlgorithmException | NumberFormatException e) {
            throw new UserError("Cannot read the starts or their record " + record + " (" + e.getMessage() + ")");
        }
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
        Slot slot = slots.get(name);
        INDArray p = reorder(matrix(params.get(name)), slot.blocks());
        return slot.transposed() ? p.transpose().dup('c') : p;
    }

    /** PyTorch's gate blocks in the layer's order: along the rows of a [gates*n, cols] weight, along a bias. */
    static INDArray reorder(INDArray p, int[] blocks) {
        if (blocks == null || blocks.length == 1) {
            return p;
        }
        boolean bias = p.rows() == 1;
        long n = (bias ? p.columns() : p.rows()) / blocks.length;
        INDArray out = p.ulike();
        for (int k = 0; k < blocks.length; k++) {
            org.nd4j.linalg.indexing.INDArrayIndex to = org.nd4j.linalg.indexing.NDArrayIndex.interval(k * n, (k + 1) * n);
            org.nd4j.linalg.indexing.INDArrayIndex from = org.nd4j.linalg.indexing.NDArrayIndex.interval(blocks[k] * n,
                    (blocks[k] + 1) * n);
            org.nd4j.linalg.indexing.INDArrayIndex all = org.nd4j.linalg.indexing.NDArrayIndex.all();
            if (bias) {
                out.get(all, to).assign(p.get(all, from));
            } else {
                out.get(to, all).assign(p.get(from, all));
            }
        }
        return out;
    }

    /**
     * Sets every parameter of the network to the PyTorch model's in {@code params}; one line ({@link UserError}) when
     * their names or sizes differ (a start of another model), and nothing set then.
     */
    public static void load(MultiLayerNetwork net, Map<String, Slot> slots, JsonNode params, String what) {
        load(name -> ours(net, slots, name), slots, params, what);
    }

    /**
     * Sets every parameter {@code ours} gives by the tutorial's name to the tutorial's in {@code params} (besides them,
     * a start may hand over its batches' order); one line ({@link UserError}) when their names or sizes differ, and
     * nothing set then.
     */
    public static void load(java.util.function.Function<String, INDArray> ours, Map<String, Slot> slots,
            JsonNode params, String what) {
        Set<String> names = new TreeSet<>();
        params.fieldNames().forEachRemaining(names::add);
        names.remove(BATCH_OFFSETS);
        if (!names.equals(new TreeSet<>(slots.keySet()))) {
            throw new UserError(what + " holds the parameters " + names + ", not the model's " + new TreeSet<>(slots.keySet())
                    + "; write it again with reference/run --starts");
        }
        Map<INDArray, INDArray> assign = new LinkedHashMap<>();
        for (String name : slots.keySet()) {
            INDArray mine = ours.apply(name);
            INDArray theirs = param(params, slots, name);
            // [n] biases in DL4J where the tutorial may keep [1, n]: same values, same order
            boolean same = theirs.length() == mine.length() && (mine.rank() != 2 || theirs.rank() != 2
                    || (theirs.size(0) == mine.size(0) && theirs.size(1) == mine.size(1)));
            if (!same) {
                throw new UserError(what + "'s " + name + " is " + java.util.Arrays.toString(theirs.shape())
                        + " where the model's is " + java.util.Arrays.toString(mine.shape()) + "; write it again with "
                        + "reference/run --starts");
            }
            assign.put(mine, theirs.castTo(mine.dataType()).reshape(mine.shape()));
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
