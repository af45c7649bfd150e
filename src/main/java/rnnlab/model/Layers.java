package rnnlab.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;

import rnnlab.core.Config;
import rnnlab.core.UserError;

/**
 * Whose recurrent layers a network is built from: the project's ({@link Srn}, {@link Lstm}, {@link Gru}: the
 * default) or DL4J's stock {@code SimpleRnn} and {@code LSTM} ({@code -Dlayers=dl4j}), so a user can see the
 * tutorials on DL4J's own building blocks. The stock layers differ in three ways, which their results pages
 * state: DL4J's {@code fit} clears the recurrent state at every call (a language model's batches all start
 * from zeros in training), {@code SimpleRnn}'s backward pass under truncated BPTT ignores a carried state, and
 * they have one bias where PyTorch has two (the project's layers built here have both, as {@code nn.RNN} and
 * {@code nn.LSTM}; for the stock ones the tutorials' two are summed at initialisation). DL4J has no GRU for networks.
 */
public enum Layers {
    PROJECT, DL4J;

    public static final String KEY = "layers";

    /** Reads {@code layers} ({@code project} or {@code dl4j}; a properties file without the key means project). */
    public static Layers of(Config c) {
        return c.has(KEY) && c.choice(KEY, "project", "dl4j").equals("dl4j") ? DL4J : PROJECT;
    }

    /** The one line for an experiment whose model DL4J's stock layers cannot express. */
    public static UserError unsupported(String experiment, String why) {
        return new UserError(experiment + " cannot run on DL4J's stock layers (-Dlayers=dl4j): " + why
                + "; it runs on the project's own layers (layers=project)");
    }

    /** A tanh RNN layer ({@code nn.RNN}; the project's with its two biases). */
    public org.deeplearning4j.nn.conf.layers.Layer rnn(int nIn, int nOut) {
        return this == DL4J ? new SimpleRnn.Builder().activation(Activation.TANH).nIn(nIn).nOut(nOut).build()
                : new Srn.Builder().activation(Activation.TANH).twoBiases(true).nIn(nIn).nOut(nOut).build();
    }

    /** An LSTM layer ({@code nn.LSTM}: sigmoid gates, tanh cell, no peepholes; the project's with its two biases). */
    public org.deeplearning4j.nn.conf.layers.Layer lstm(int nIn, int nOut) {
        return this == DL4J ? new LSTM.Builder().activation(Activation.TANH).gateActivationFunction(Activation.SIGMOID)
                .nIn(nIn).nOut(nOut).build() : new Lstm.Builder().twoBiases(true).nIn(nIn).nOut(nOut).build();
    }

    /** True if a layer's parameters (its own keys, or a {@code Bidirectional}'s prefixed ones) include a second bias. */
    public static boolean hasTwoBiases(Layer layer) {
        return layer.paramTable().keySet().stream().anyMatch(k -> k.endsWith(RecurrentParams.HIDDEN_BIAS_KEY));
    }

    /** The names of the layers this choice builds, for results pages. */
    public String names() {
        return this == DL4J ? "DL4J's stock `SimpleRnn` / `LSTM`" : "the project's `rnnlab.model.Srn` / `Lstm` / `Gru`";
    }

    /** What the stock layers change, for results pages ("" for the project's layers). */
    public String note(boolean carriesState) {
        if (this == PROJECT) {
            return "";
        }
        return "**Stock layers** (`-Dlayers=dl4j`): this run uses DL4J's own `SimpleRnn` / `LSTM` in place of the "
                + "project's layers named above. They have one bias vector where PyTorch's layers and the project's have "
                + "two (PyTorch's two are summed when drawn, and Adam then moves the sum half as fast)."
                + (carriesState ? " DL4J's `fit` clears their state at every call, so every training batch starts "
                        + "from a zero state instead of the state the previous batch left (the tutorial carries it, "
                        + "detached); held-out scoring and generation carry it through DL4J's `rnnTimeStep`. "
                        + "`SimpleRnn`'s backward pass would also ignore a carried state under truncated BPTT." : "");
    }

    /** True if the network has a stock DL4J recurrent layer (and so none of the project's stateful passes). */
    public static boolean isStock(MultiLayerNetwork net) {
        for (Layer l : net.getLayers()) {
            org.deeplearning4j.nn.conf.layers.Layer c = l.conf().getLayer();
            if (c instanceof Bidirectional b) {
                c = b.getFwd();
            }
            if (c instanceof LastTimeStep t) {
                c = t.getUnderlying();
            }
            if (c instanceof BaseRecurrentLayer && !(c instanceof RecurrentConf)) {
                return true;
            }
        }
        return false;
    }
}
