package rnnlab.core;

import java.util.Arrays;
import java.util.Optional;

/**
 * The commands {@code -Dexp} takes besides experiment names, each with what it does: the one list the help, the
 * errors and the entry point read.
 */
public enum Command {
    LIST("list", "the experiments, one a line"),
    ALL("all", "every experiment, in this order"),
    SCOREBOARD("scoreboard", "results/README.md and the plots rebuilt from the CSVs, training nothing"),
    SETTLE("settle", "plan each figure's seeds from the committed ones, then run both sides' (-Dsettle, -Dsettle_dry)"),
    HELP("help", "this listing; -Dexp=NAME -Dhelp: an experiment's own settings"),
    GENERATE("Generate", "continue a text with a saved model (-Dmodel=FILE -Dprefix=TEXT)"),
    EVALUATE("Evaluate", "a saved model's perplexity on a text (-Dmodel=FILE -Dtext=FILE)"),
    STOCK_LAYERS("StockLayers", "the experiments on the project's layers and on DL4J's, side by side"),
    UI("ui", "DL4J's training UI on the stored runs (mvn -Pui)");

    private final String word;
    private final String does;

    Command(String word, String does) {
        this.word = word;
        this.does = does;
    }

    /** What {@code -Dexp} is given to run it. */
    public String word() {
        return word;
    }

    /** What it does, as the help lists it. */
    public String does() {
        return does;
    }

    /** Whether it runs no experiment, and so takes no experiment settings, search options or profile. */
    public boolean runsNoExperiment() {
        return this == LIST || this == SCOREBOARD || this == SETTLE || this == HELP || this == STOCK_LAYERS || this == UI;
    }

    /** The command {@code exp} names, if it names one. */
    public static Optional<Command> of(String exp) {
        return Arrays.stream(values()).filter(c -> c.word.equals(exp)).findFirst();
    }

    /** Every command's word, in the help's order, joined by ", ". */
    public static String words() {
        return String.join(", ", Arrays.stream(values()).map(Command::word).toList());
    }
}
