package rnnlab.experiments;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import rnnlab.core.AtomicFiles;
import rnnlab.core.Config;
import rnnlab.core.Experiment;
import rnnlab.core.Markdown;
import rnnlab.core.ResultsCsv;
import rnnlab.core.Run;
import rnnlab.model.SeededInit;

/**
 * The shapes both tutorials spend pages on, built with DL4J's own layers at the tutorials' sizes: every
 * row sets the PyTorch shape the tutorial shows beside the shape of the DL4J array that plays its part,
 * read off the real array. DL4J's recurrent layers take {@code [batch, features, time]}; PyTorch's
 * {@code [time, batch, features]}.
 */
public final class ShapesTour implements Experiment {
    /** One array: where it comes from, the tutorial's PyTorch shape, DL4J's name for it and its actual shape. */
    public record Row(String section, String pytorch, String pytorchShape, String dl4j, long[] dl4jShape, String note) {
    }

    @Override
    public Configured configure(Config c) {
        long seed = c.longValue("seed", 0, Long.MAX_VALUE);
        return run -> write(run, rows(seed));
    }

    static MultiLayerNetwork net(long seed, Layer... layers) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .weightInit(SeededInit.fanInUniform(seed, "init")).list();
        for (Layer l : layers) {
            b.layer(l);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(b.build());
        net.init();
        return net;
    }

    static SimpleRnn rnn(int in, int out) {
        return new SimpleRnn.Builder().nIn(in).nOut(out).activation(Activation.TANH).build();
    }

    /** Every row, from real arrays. */
    public static List<Row> rows(long seed) {
        List<Row> rows = new ArrayList<>();
        Nd4j.getRandom().setSeed(seed);

        String s = "nn.RNNCell(input_size=4, hidden_size=2), batch 1";
        MultiLayerNetwork cell = net(seed, rnn(4, 2));
        Map<String, INDArray> p = cell.getLayer(0).paramTable();
        rows.add(new Row(s, "cell.weight_ih", "[2, 4]", "param 0_W", p.get("W").shape(), "transposed: DL4J computes x W"));
        rows.add(new Row(s, "cell.weight_hh", "[2, 2]", "param 0_RW", p.get("RW").shape(), "transposed: h RW"));
        rows.add(new Row(s, "cell.bias_ih + cell.bias_hh", "[2] + [2]", "param 0_b", p.get("b").shape(),
                "one bias where PyTorch has two"));
        INDArray x1 = Nd4j.rand(DataType.FLOAT, 1, 4, 1);
        INDArray h1 = cell.rnnTimeStep(x1);
        rows.add(new Row(s, "input (one step)", "[1, 4]", "input", x1.shape(), "[batch, features, time]; time 1 for one step"));
        rows.add(new Row(s, "hidden = cell(input, hidden)", "[1, 2]", "rnnTimeStep output", h1.shape(), ""));
        rows.add(new Row(s, "hidden carried to the next step", "[1, 2]", "rnnGetPreviousState(0).prevAct",
                cell.rnnGetPreviousState(0).get("prevAct").shape(), "kept inside the layer between calls"));

        s = "nn.RNN(input_size=4, hidden_size=2, num_layers=1), seq 3, batch 1";
        MultiLayerNetwork one = net(seed, rnn(4, 2));
        INDArray x3 = Nd4j.rand(DataType.FLOAT, 1, 4, 3);
        INDArray out3 = one.rnnTimeStep(x3);
        rows.add(new Row(s, "input", "[3, 1, 4]", "input", x3.shape(), "[batch, features, time]"));
        rows.add(new Row(s, "out", "[3, 1, 2]", "output", out3.shape(), "every step's hidden state"));
        rows.add(new Row(s, "hidden (h_n)", "[1, 1, 2]", "rnnGetPreviousState(0).prevAct",
                one.rnnGetPreviousState(0).get("prevAct").shape(), "one [batch, hidden] per layer"));

        s = "nn.RNN(5, 6, 7): input (21, 8, 5), h0 (7, 8, 6)";
        Layer[] seven = new Layer[7];
        for (int i = 0; i < 7; i++) {
            seven[i] = rnn(i == 0 ? 5 : 6, 6);
        }
        MultiLayerNetwork deep = net(seed, seven);
        INDArray x21 = Nd4j.rand(DataType.FLOAT, 8, 5, 21);
        INDArray out21 = deep.rnnTimeStep(x21);
        rows.add(new Row(s, "input", "[21, 8, 5]", "input", x21.shape(), "[batch, features, time]"));
        rows.add(new Row(s, "weight_ih_l0", "[6, 5]", "param 0_W", deep.getLayer(0).getParam("W").shape(), "transposed"));
        rows.add(new Row(s, "weight_ih_l1 .. weight_ih_l6", "[6, 6]", "params 1_W .. 6_W",
                deep.getLayer(6).getParam("W").shape(), "one layer per num_layers"));
        rows.add(new Row(s, "weight_hh_l0 .. weight_hh_l6", "[6, 6]", "params 0_RW .. 6_RW",
                deep.getLayer(3).getParam("RW").shape(), ""));
        rows.add(new Row(s, "output", "[21, 8, 6]", "output", out21.shape(), "the last layer's states"));
        rows.add(new Row(s, "h_n", "[7, 8, 6]", "rnnGetPreviousState(0 .. 6).prevAct, 7 of",
                deep.rnnGetPreviousState(6).get("prevAct").shape(), "h0 is set with rnnSetPreviousState per layer"));

        s = "nn.RNN(5, 6, 7, bidirectional=True): input (21, 8, 5)";
        Layer[] bi = new Layer[7];
        for (int i = 0; i < 7; i++) {
            bi[i] = new Bidirectional(Bidirectional.Mode.CONCAT, rnn(i == 0 ? 5 : 12, 6));
        }
        MultiLayerNetwork bidi = net(seed, bi);
        INDArray outBi = bidi.output(x21);
        rows.add(new Row(s, "output", "[21, 8, 12]", "output", outBi.shape(), "both directions concatenated"));
        rows.add(new Row(s, "weight_ih_l1 (and _reverse)", "[6, 12]", "params 1_fW and 1_bW",
                bidi.getLayer(1).getParam("fW").shape(), "the next layer reads both directions"));
        rows.add(new Row(s, "h_n", "[14, 8, 6]", "(none)", new long[0],
                "DL4J's Bidirectional keeps no state: rnnTimeStep is unsupported; the project's RecurrentStates reaches both directions"));

        s = "nn.LSTM(10, 20, 2): input (5, 3, 10), (h0, c0) (2, 3, 20) each";
        MultiLayerNetwork lstm = net(seed, new LSTM.Builder().nIn(10).nOut(20).build(),
                new LSTM.Builder().nIn(20).nOut(20).build());
        INDArray x5 = Nd4j.rand(DataType.FLOAT, 3, 10, 5);
        INDArray out5 = lstm.rnnTimeStep(x5);
        rows.add(new Row(s, "weight_ih_l0", "[80, 10]", "param 0_W", lstm.getLayer(0).getParam("W").shape(),
                "transposed; 4 gate blocks of 20 in DL4J's order"));
        rows.add(new Row(s, "weight_hh_l0", "[80, 20]", "param 0_RW", lstm.getLayer(0).getParam("RW").shape(), "transposed"));
        rows.add(new Row(s, "bias_ih_l0 + bias_hh_l0", "[80] + [80]", "param 0_b", lstm.getLayer(0).getParam("b").shape(),
                "one bias; DL4J starts the forget gate's at 1"));
        rows.add(new Row(s, "output", "[5, 3, 20]", "output", out5.shape(), ""));
        rows.add(new Row(s, "h_n", "[2, 3, 20]", "rnnGetPreviousState(0, 1).prevAct",
                lstm.rnnGetPreviousState(1).get("prevAct").shape(), "per layer"));
        rows.add(new Row(s, "c_n", "[2, 3, 20]", "rnnGetPreviousState(0, 1).prevMem",
                lstm.rnnGetPreviousState(1).get("prevMem").shape(), "per layer"));

        s = "nn.Embedding(10, 3) on [[1,2,4,5],[4,3,2,9]]";
        MultiLayerNetwork emb = net(seed, new EmbeddingSequenceLayer.Builder().nIn(10).nOut(3).hasBias(false)
                .outputDataFormat(RNNFormat.NCW).build());
        INDArray idx = Nd4j.createFromArray(new float[][] {{1, 2, 4, 5}, {4, 3, 2, 9}});
        INDArray looked = emb.output(idx);
        rows.add(new Row(s, "embedding.weight", "[10, 3]", "param 0_W", emb.getLayer(0).getParam("W").shape(),
                "one row per word"));
        rows.add(new Row(s, "input (indices)", "[2, 4]", "input", idx.shape(), "[batch, time], ids as numbers"));
        rows.add(new Row(s, "embedding(input)", "[2, 4, 3]", "output", looked.shape(),
                "[batch, features, time]: ready for a recurrent layer"));
        boolean sameRow = looked.get(NDArrayIndex.point(0), NDArrayIndex.all(),
                NDArrayIndex.point(0)).equals(emb.getLayer(0).getParam("W").getRow(1));
        rows.add(new Row(s, "a[0][0] == weight[1]", "-", "output[0, :, 0] == W[1]", new long[] {sameRow ? 1 : 0},
                "the lookup takes row 1 for index 1 (1 = true)"));

        s = "the course's three_layer_recurrent_net (hidden 150, vocabulary 10000), batch 20, 35 steps";
        MultiLayerNetwork course = net(seed, new EmbeddingSequenceLayer.Builder().nIn(10000).nOut(150).hasBias(false)
                .outputDataFormat(RNNFormat.NCW).build(), rnn(150, 150),
                new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).nIn(150)
                        .nOut(10000).dataFormat(RNNFormat.NCW).build());
        INDArray words = Nd4j.zeros(DataType.FLOAT, 20, 1, 35); // rank 2 would be one time step to rnnTimeStep
        INDArray scores = course.rnnTimeStep(words);
        rows.add(new Row(s, "word_seq", "[35, 20]", "input", words.shape(),
                "[batch, 1, time]: rnnTimeStep reads a rank-2 input as one time step"));
        rows.add(new Row(s, "score_seq", "[35, 20, 10000]", "output", scores.shape(), "[batch, vocabulary, time]"));
        rows.add(new Row(s, "h_final", "[1, 20, 150]", "rnnGetPreviousState(1).prevAct",
                course.rnnGetPreviousState(1).get("prevAct").shape(), ""));
        return rows;
    }

    /** The mapping of {@code nn.RNN}'s arguments to DL4J. */
    static List<List<String>> arguments() {
        return List.of(
                List.of("input_size", "`.nIn(n)` on the layer"),
                List.of("hidden_size", "`.nOut(n)` on the layer"),
                List.of("num_layers", "one `.layer(...)` per layer, the next one's `nIn` the last one's `nOut`"),
                List.of("nonlinearity='tanh' / 'relu'", "`.activation(Activation.TANH)` / `Activation.RELU` (`SimpleRnn`)"),
                List.of("bias=True", "always a bias, and only one vector (`b`) where PyTorch has `b_ih` and `b_hh`"),
                List.of("batch_first=False", "no such layout: DL4J is batch first, `[batch, features, time]` "
                        + "(`RNNFormat.NCW`, the default) or `[batch, time, features]` with `.dataFormat(RNNFormat.NWC)`"),
                List.of("dropout=p (between layers)", "`.dropOut(1 - p)` on the next layer: DL4J's argument is the "
                        + "probability to keep, applied to that layer's input"),
                List.of("bidirectional=True", "`new Bidirectional(Bidirectional.Mode.CONCAT, layer)`; "
                        + "doubles the output width"),
                List.of("h0 (forward argument)", "`rnnSetPreviousState(layer, map)` then `rnnTimeStep`; "
                        + "`rnnClearPreviousState()` for zeros"),
                List.of("h_n (return value)", "`rnnGetPreviousState(layer)`: `prevAct` (and `prevMem`, the LSTM's c)"));
    }

    private static void write(Run run, List<Row> rows) {
        Markdown md = new Markdown().heading(1, "ShapesTour");
        md.para("The shapes `embedding-rnn-lstm-ptb-word-lm.txt` and `rnncell-rnn-hello-ohlol.txt` print, next to "
                + "the shapes of the DL4J arrays that play the same part, built with DL4J's own layers (`SimpleRnn`, "
                + "`LSTM`, `Bidirectional`, `EmbeddingSequenceLayer`) at the tutorials' sizes. Every DL4J shape is "
                + "read off the real array when this page is written. The main differences: DL4J is batch first, "
                + "`[batch, features, time]`; its weights are the transpose of PyTorch's (DL4J multiplies `x W`); "
                + "a recurrent layer has one bias; and the hidden state lives inside the layer "
                + "(`rnnTimeStep`, `rnnGetPreviousState`) instead of passing in and out of `forward`.");
        String section = null;
        List<List<String>> table = new ArrayList<>();
        for (Row r : rows) {
            if (!r.section().equals(section)) {
                if (section != null) {
                    md.table(List.of("PyTorch", "PyTorch shape", "DL4J", "DL4J shape", "note"), table);
                    table = new ArrayList<>();
                }
                section = r.section();
                md.heading(2, section);
            }
            table.add(List.of("`" + r.pytorch() + "`", r.pytorchShape(), "`" + r.dl4j() + "`", Arrays.toString(r.dl4jShape()),
                    r.note()));
        }
        md.table(List.of("PyTorch", "PyTorch shape", "DL4J", "DL4J shape", "note"), table);
        md.heading(2, "`nn.RNN`'s arguments in DL4J");
        md.table(List.of("nn.RNN", "DL4J"), arguments());
        AtomicFiles.write(run.out("ShapesTour.md"), md.text());
        ResultsCsv csv = new ResultsCsv();
        for (Row r : rows) {
            String setting = (r.section() + ": " + r.dl4j()).replace(',', ';');
            for (int k = 0; k < r.dl4jShape().length; k++) {
                csv.addFinal(setting, "dim" + k, r.dl4jShape()[k]);
            }
        }
        csv.write(run.out("ShapesTour.csv"));
    }
}
