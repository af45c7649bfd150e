package rnnlab.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import rnnlab.experiments.DigitSumLstm;
import rnnlab.experiments.DigitSumSrn;
import rnnlab.experiments.JayChouBiGru;
import rnnlab.experiments.JayChouDeepLstm;
import rnnlab.experiments.JayChouGru;
import rnnlab.experiments.JayChouLstm;
import rnnlab.experiments.JayChouRnn;
import rnnlab.experiments.JayChouRnnScratch;
import rnnlab.experiments.TimeMachineRnnScratch;

/** The one place that maps {@code -Dexp=NAME} to an experiment, in the order {@code -Dexp=all} runs them. */
public final class Registry {
    /** A registered experiment: its name, one-line description and tutorial file. */
    public record Entry(String name, String description, String tutorial, Supplier<Experiment> factory) {
    }

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

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
                    + ", list, all");
        }
        return e;
    }
}
