package rnnlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import rnnlab.core.Catalog;
import rnnlab.core.Config;
import rnnlab.core.Options;

/** {@code -Dexp=help} and {@code -Dexp=NAME -Dhelp}: every option from its one declaration, every experiment's keys. */
class HelpTest {
    @Test
    void helpListsEveryOptionEveryExperimentAndEveryCommand() {
        MainTest.Outcome r = MainTest.run("help", "full", null, Map.of());
        assertEquals(0, r.code(), r.err());
        for (List<Options.Option> group : List.of(Options.LISTED, Options.SEARCH_OPTIONS, Options.GENERATE_OPTIONS,
                Options.EVALUATE_OPTIONS)) {
            for (Options.Option o : group) {
                assertTrue(r.out().contains("  -D" + o.key() + "=" + o.takes().replace(" or ", "|")), o.key());
                assertTrue(r.out().contains(o.does()), o.key());
            }
        }
        for (String name : Catalog.project().all().keySet()) {
            assertTrue(r.out().contains("\n" + name + " "), name);
        }
        for (String command : List.of("list", "all", "scoreboard", "settle", "help", "Generate", "Evaluate",
                "StockLayers", "ui")) {
            assertTrue(r.out().contains("\n  " + command + " "), command);
        }
        assertTrue(r.out().contains("\n  settle       plan each figure's seeds"), "the commands' descriptions line up");
    }

    /**
     * docs/options.md's table of run-time options has a row for each listed option and none for another, each with
     * the option's default and what it takes (the page may say more of the values: "N, from 1" for N).
     */
    @Test
    void theOptionsPagesTableHasARowForEachListedOptionWithItsDefault() throws Exception {
        Map<String, String[]> rows = new java.util.TreeMap<>();
        for (String line : Files.readAllLines(Path.of("docs/options.md"))) {
            if (line.startsWith("| `-D")) {
                String[] cells = line.substring(1).split(" \\| ");
                rows.put(cells[0].strip().substring(3, cells[0].strip().length() - 1), cells);
            }
        }
        assertEquals(Options.LISTED.stream().map(Options.Option::key).sorted().toList(), List.copyOf(rows.keySet()));
        for (Options.Option o : Options.LISTED) {
            String[] cells = rows.get(o.key());
            assertTrue(cells[1].strip().startsWith(o.takes()), o.key() + " takes " + o.takes() + ": " + cells[1]);
            assertEquals(o.byDefault(), cells[2].strip(), o.key());
        }
    }

    /** No -Dexp: one line naming every experiment and every command. */
    @Test
    void noExperimentNamesEveryExperimentAndCommand() {
        MainTest.Outcome r = MainTest.run(null, "full", null, Map.of());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        for (String name : Catalog.project().all().keySet()) {
            assertTrue(r.err().contains(name), name);
        }
        assertTrue(r.err().contains("-Dexp=COMMAND (one of list, all, scoreboard, settle, help, Generate, Evaluate, "
                + "StockLayers, ui; -Dexp=help says what each does)"), r.err());
    }

    @Test
    void anExperimentsHelpListsItsKeysWithTheirFullAndQuickValues() {
        System.setProperty("help", "true");
        try {
            MainTest.Outcome r = MainTest.run("JayChouLstm", "full", null, Map.of());
            assertEquals(0, r.code(), r.err());
            Config full = Config.load(Path.of("experiments"), "JayChouLstm", "full", Map.of());
            for (String key : full.values().keySet()) {
                assertTrue(r.out().contains("\n  " + key + " "), key + ": " + r.out());
            }
            assertTrue(r.out().matches("(?s).*\n  epochs +160 +20\n.*"), r.out());
            assertTrue(r.out().matches("(?s).*\n  lr +loguniform:0.0003:0.03\n.*"), r.out());
        } finally {
            System.clearProperty("help");
        }
    }

    @Test
    void anUnknownKeyPointsAtTheHelp() {
        MainTest.Outcome r = MainTest.run("JayChouLstm", "quick", null, Map.of("epoch", "3"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("-Dexp=JayChouLstm -Dhelp lists them"), r.err());
    }
}
