package rnnlab.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import rnnlab.experiments.Bench;
import rnnlab.experiments.DigitSumLstm;
import rnnlab.experiments.DigitSumSrn;
import rnnlab.experiments.HelloOhlolRnn;
import rnnlab.experiments.HelloOhlolRnnCell;
import rnnlab.experiments.JayChouBiGru;
import rnnlab.experiments.JayChouDeepLstm;
import rnnlab.experiments.JayChouGru;
import rnnlab.experiments.JayChouLstm;
import rnnlab.experiments.JayChouRnn;
import rnnlab.experiments.JayChouRnnScratch;
import rnnlab.experiments.PtbWordLstm;
import rnnlab.experiments.PtbWordRnn;
import rnnlab.experiments.ShapesTour;
import rnnlab.experiments.TimeMachineRnnScratch;

/** The one place that maps {@code -Dexp=NAME} to an experiment, in the order {@code -Dexp=all} runs them. */
public final class Registry {
    /** A registered experiment: its name, one-line description and tutorial file. */
    public record Entry(String name, String description, String tutorial, Supplier<Experiment> factory) {
    }

    /**
     * What the scoreboard shows for an experiment: the tutorial's published figure (as text) and the
     * metric of the experiment's CSV ("final" rows) to set beside it.
     */
    public record Headline(String published, String metric) {
    }

    /**
     * What a search scores an experiment's candidate by: a metric of its CSV (each setting's "final" row, or
     * its last epoch's), averaged over the settings, and whether lower is better.
     */
    public record Objective(String metric, boolean minimize, String description) {
    }

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();
    private static final Map<String, Objective> OBJECTIVES = new LinkedHashMap<>();
    private static final Map<String, Headline> HEADLINES = new LinkedHashMap<>();

    static {
        add("DigitSumSrn", "DigitSum memory task: hand-written SRN, accuracy vs sequence length",
                "nndl-digitsum-srn-memory.txt", DigitSumSrn::new);
        add("DigitSumLstm", "DigitSum memory task with an LSTM in place of the SRN",
                "nndl-digitsum-srn-memory.txt", DigitSumLstm::new);
        String tm = "d2l-v2-rnn-from-scratch-time-machine.txt";
        String jay = "d2l-zh-v1-rnn-gru-lstm-deep-bi-jaychou-lyrics.txt";
        add("TimeMachineRnnScratch", "The Time Machine: char RNN from scratch (explicit ND4J), sequential and random",
                tm, TimeMachineRnnScratch::new);
        add("JayChouRnnScratch", "Jay Chou lyrics: char RNN from scratch (explicit ND4J), random and consecutive",
                jay, JayChouRnnScratch::new);
        add("JayChouRnn", "Jay Chou lyrics: RNNModel with a tanh RNN layer (256), Adam", jay, JayChouRnn::new);
        add("JayChouGru", "Jay Chou lyrics: RNNModel with a GRU layer (256), Adam", jay, JayChouGru::new);
        add("JayChouLstm", "Jay Chou lyrics: RNNModel with an LSTM layer (256), Adam", jay, JayChouLstm::new);
        add("JayChouDeepLstm", "Jay Chou lyrics: RNNModel with a 2-layer LSTM (256), Adam", jay, JayChouDeepLstm::new);
        add("JayChouBiGru", "Jay Chou lyrics: RNNModel with a bidirectional GRU (128), a flawed LM", jay,
                JayChouBiGru::new);
        String ptb = "embedding-rnn-lstm-ptb-word-lm.txt";
        add("PtbWordRnn", "Penn Treebank words: embedding, tanh RNN (150), linear; SGD with normalised gradients", ptb,
                PtbWordRnn::new);
        add("PtbWordLstm", "Penn Treebank words: embedding, LSTM (300), linear; SGD with normalised gradients", ptb,
                PtbWordLstm::new);
        String hello = "rnncell-rnn-hello-ohlol.txt";
        add("HelloOhlolRnnCell", "'hello' -> 'ohlol' with an RNN cell in a hand-written loop, seeds 0 to 9", hello,
                HelloOhlolRnnCell::new);
        add("HelloOhlolRnn", "'hello' -> 'ohlol' with a whole-sequence RNN layer, seeds 0 to 9", hello,
                HelloOhlolRnn::new);
        add("ShapesTour", "The tutorials' PyTorch shapes beside DL4J's actual ones, and nn.RNN's arguments in DL4J",
                "embedding-rnn-lstm-ptb-word-lm.txt", ShapesTour::new);
        add("Bench", "Training throughput of the tutorials' models beside PyTorch's (torch_peer.py)", "-", Bench::new);

        headline("DigitSumSrn", "figures only (accuracy falls past length 15)", "test_accuracy");
        headline("DigitSumLstm", "- (beyond the tutorial)", "test_accuracy");
        headline("TimeMachineRnnScratch", "perplexity 1.0 sequential, 1.4 random (500 epochs)", "perplexity");
        headline("JayChouRnnScratch", "not printed", "perplexity");
        headline("JayChouRnn", "perplexity 1.021 (250 epochs)", "perplexity");
        headline("JayChouGru", "perplexity 1.018 (160 epochs)", "perplexity");
        headline("JayChouLstm", "perplexity 1.017 (160 epochs)", "perplexity");
        headline("JayChouDeepLstm", "perplexity 1.016 (160 epochs)", "perplexity");
        headline("JayChouBiGru", "perplexity 1.00015 (160 epochs)", "perplexity");
        headline("PtbWordRnn", "test perplexity 155.5 (10 epochs)", "heldout_perplexity");
        headline("PtbWordLstm", "test perplexity 106.9 (8 epochs)", "heldout_perplexity");
        headline("HelloOhlolRnnCell", "final loss 1.946 (one run)", "final_loss");
        headline("HelloOhlolRnn", "final loss 0.398 (one run)", "final_loss");

        Objective dev = new Objective("best_dev_accuracy", false, "best dev accuracy (higher is better)");
        Objective heldOut = new Objective("heldout_perplexity", true,
                "held-out perplexity at the end of training (lower is better)");
        objective(dev, "DigitSumSrn", "DigitSumLstm");
        objective(heldOut, "TimeMachineRnnScratch", "JayChouRnnScratch", "JayChouRnn", "JayChouGru", "JayChouLstm",
                "JayChouDeepLstm", "JayChouBiGru");
        objective(new Objective("valid_perplexity", true, "validation perplexity after the last epoch (lower is better)"),
                "PtbWordRnn", "PtbWordLstm");
        objective(new Objective("final_loss", true,
                "training loss after the last epoch (lower is better; the task has no held-out data)"),
                "HelloOhlolRnnCell", "HelloOhlolRnn");
    }

    private static void objective(Objective objective, String... names) {
        for (String name : names) {
            OBJECTIVES.put(registered(name), objective);
        }
    }

    /** {@code name}, checked to be a registered experiment (a typo in the tables above fails at start-up). */
    private static String registered(String name) {
        if (!ENTRIES.containsKey(name)) {
            throw new IllegalStateException("no experiment " + name);
        }
        return name;
    }

    /** What a search of this experiment scores, if it can be searched (ShapesTour and Bench train nothing to score). */
    public static java.util.Optional<Objective> objective(String name) {
        return java.util.Optional.ofNullable(OBJECTIVES.get(name));
    }

    private static void headline(String name, String published, String metric) {
        HEADLINES.put(registered(name), new Headline(published, metric));
    }

    /** The scoreboard's figure for an experiment, if it has one. */
    public static java.util.Optional<Headline> headline(String name) {
        return java.util.Optional.ofNullable(HEADLINES.get(name));
    }

    private Registry() {
    }

    private static void add(String name, String description, String tutorial, Supplier<Experiment> factory) {
        ENTRIES.put(name, new Entry(name, description, tutorial, factory));
    }

    public static Map<String, Entry> all() {
        return ENTRIES;
    }

    public static Entry get(String name) {
        Entry e = ENTRIES.get(name);
        if (e == null) {
            throw new UserError("Unknown experiment '" + name + "'; valid: " + String.join(", ", ENTRIES.keySet())
                    + ", list, all, scoreboard");
        }
        return e;
    }
}
