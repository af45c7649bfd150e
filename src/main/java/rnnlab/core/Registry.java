package rnnlab.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import rnnlab.experiments.DigitSumLstm;
import rnnlab.experiments.DigitSumSrn;

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
