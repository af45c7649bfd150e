package rnnlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The experiments' facts ({@code about.*}) read from their files, and a malformed one refused in one line. */
class CatalogTest {
    private static final String FACTS = """
            # Toy: a made-up experiment
            about.description=A toy: one line for the list
            about.tutorial=toy.txt
            about.order=2
            about.headline.published=perplexity 1.5 (9 epochs)
            about.headline.metric=perplexity
            about.objective.metric=heldout_perplexity
            about.objective.direction=lower
            about.objective.description=held-out perplexity (lower is better)
            about.figure.2=model=b | final | test_perplexity | - | perplexity
            about.figure.1=model=a | 9 | perplexity | 1.51234 | perplexity | 1.5
            about.figure.10=* | final | test_accuracy | 0.5 | accuracy
            about.seed_cap=12
            about.differences=Known, \\
                and said over two lines.
            epochs=9
            search.epochs=int:1:9
            """;

    private static Path write(Path dir, String name, String text) throws Exception {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(name + ".properties"), text, StandardCharsets.UTF_8);
    }

    @Test
    void anExperimentsFactsComeFromItsFileAlone(@TempDir Path tmp) throws Exception {
        write(tmp, "Toy", FACTS);
        write(tmp, "First", "about.description=First\nabout.tutorial=-\nabout.order=1\nseed=0\n");
        Catalog c = Catalog.load(tmp);
        assertEquals(List.of("First", "Toy"), List.copyOf(c.all().keySet()), "in about.order's order");
        Catalog.Facts toy = c.get("Toy");
        assertEquals("A toy: one line for the list", toy.description());
        assertEquals("toy.txt", toy.tutorial());
        assertEquals(new Catalog.Headline("perplexity 1.5 (9 epochs)", "perplexity"), toy.headline().orElseThrow());
        assertEquals(new Catalog.Objective("heldout_perplexity", true, "held-out perplexity (lower is better)"),
                toy.objective().orElseThrow());
        assertEquals(List.of(new Catalog.Figure("model=a", "9", "perplexity", 1.51234, "perplexity", "1.5"),
                new Catalog.Figure("model=b", "final", "test_perplexity", Double.NaN, "perplexity", "-"),
                new Catalog.Figure(null, "final", "test_accuracy", 0.5, "accuracy", "0.5")), toy.figures(),
                "by N as a number; * is every setting; - printed nothing");
        assertEquals("Known, and said over two lines.", toy.differences());
        assertEquals(12, toy.seedCap());
        assertTrue(toy.settledByDefault(), "settled by default unless the file says otherwise");
        Catalog.Facts first = c.get("First");
        assertEquals(0, first.seedCap(), "no figures, no cap");
        assertTrue(first.headline().isEmpty() && first.objective().isEmpty() && first.figures().isEmpty());
        assertEquals("", first.differences());
        assertEquals(List.of("Toy"), c.searchable());
        UserError unknown = assertThrows(UserError.class, () -> c.get("Nope"));
        assertEquals("Unknown experiment 'Nope'; valid: First, Toy (-Dexp=help lists the commands too)",
                unknown.getMessage());
        assertFalse(c.find("Nope").isPresent());
        // the settings read the same file and leave the facts aside
        Config config = Config.load(tmp, "Toy", "full", Map.of());
        assertEquals(Map.of("epochs", "9"), config.values());
        assertEquals(Map.of("epochs", "int:1:9"), config.searchSpace());
    }

    @Test
    void aMalformedFactIsOneLineNamingTheFile(@TempDir Path tmp) throws Exception {
        String[][] bad = {
            {"about.colour=red", "experiments/Toy.properties: unknown key about.colour; the facts are about.control, about.description"},
            {"about.figure.3=model=a | 9 | perplexity | 1.5", "experiments/Toy.properties: about.figure.3='model=a | 9 | "
                    + "perplexity | 1.5'; expected SETTING | EPOCH | METRIC | PRINTED | TOLERANCE [| QUOTED]"},
            {"about.figure.3=model=a | 9 | perplexity | lots | perplexity", "about.figure.3="},
            {"about.figure.3=model=a | ninth | perplexity | 1.5 | perplexity", "about.figure.3="},
            {"about.figure.3=model=a | 9 | perplexity | 1.5 | roughly", "TOLERANCE one of accuracy, perplexity, loss"},
            {"about.figure.x=model=a | 9 | perplexity | 1.5 | perplexity", "about.figure.x is not about.figure.N"},
            {"about.figure.0=model=a | 9 | perplexity | 1.5 | perplexity", "about.figure.0 is not about.figure.N"},
            {"about.objective.direction=sideways", "about.objective.direction='sideways'; expected lower or higher"},
            {"about.seed_cap=1", "about.seed_cap='1'; expected a whole number from 2"},
            {"about.seed_cap=many", "about.seed_cap='many'; expected a whole number from 2"},
            {"about.settle_by_default=no", "about.settle_by_default='no'; expected true or false"},
        };
        for (String[] b : bad) {
            String text = FACTS.replace("about.objective.direction=lower\n", "")
                    .replace(b[0].startsWith("about.seed_cap") ? "about.seed_cap=12\n" : "\0", "") + b[0] + "\n"
                    + (b[0].startsWith("about.objective.direction") ? "" : "about.objective.direction=lower\n");
            write(tmp, "Toy", text);
            UserError e = assertThrows(UserError.class, () -> Catalog.load(tmp), b[0]);
            assertTrue(e.getMessage().startsWith("experiments/Toy.properties: "), e.getMessage());
            assertTrue(e.getMessage().contains(b[1]), b[1] + " not in: " + e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
        write(tmp, "Toy", FACTS + "about.settle_by_default=false\n");
        assertFalse(Catalog.load(tmp).get("Toy").settledByDefault());
        write(tmp, "Toy", FACTS.replace("about.seed_cap=12\n", ""));
        assertTrue(assertThrows(UserError.class, () -> Catalog.load(tmp)).getMessage()
                .startsWith("experiments/Toy.properties: about.seed_cap is missing; an experiment with figures"));
        write(tmp, "Toy", FACTS.replace("about.order=2\n", ""));
        assertTrue(assertThrows(UserError.class, () -> Catalog.load(tmp)).getMessage()
                .startsWith("experiments/Toy.properties: about.order is missing"));
        write(tmp, "Toy", FACTS.replace("about.headline.metric=perplexity\n", ""));
        assertTrue(assertThrows(UserError.class, () -> Catalog.load(tmp)).getMessage()
                .contains("give about.headline.published, about.headline.metric together"));
        write(tmp, "Toy", FACTS);
        write(tmp, "Other", "about.description=Other\nabout.tutorial=-\nabout.order=2\n");
        assertEquals("experiments/Toy.properties: about.order=2 is also experiments/Other.properties's; each experiment "
                + "needs its own place", assertThrows(UserError.class, () -> Catalog.load(tmp)).getMessage());
    }

    @Test
    void theProjectsFilesAreEveryExperimentInOrder() {
        Catalog c = Catalog.project();
        assertEquals(List.of("DigitSumSrn", "DigitSumLstm", "TimeMachineRnnScratch", "JayChouRnnScratch", "JayChouRnn",
                "JayChouGru", "JayChouLstm", "JayChouDeepLstm", "JayChouBiGru", "PtbWordRnn", "PtbWordLstm",
                "PtbZarembaSmall", "PtbZarembaMedium", "HelloOhlolRnnCell", "HelloOhlolRnn", "ShapesTour", "Bench"),
                List.copyOf(c.all().keySet()));
        assertNull(c.get("DigitSumSrn").figures().get(0).setting());
        // the caps of issue 29: 30 seeds a side where a seed costs seconds to minutes, 5 for the PTB models
        c.all().values().stream().filter(f -> !f.figures().isEmpty()).forEach(f -> assertEquals(
                f.name().startsWith("Ptb") ? 5 : 30, f.seedCap(), f.name()));
        // settling every verdict plans all but the one whose seed costs hours a side
        assertEquals(List.of("PtbZarembaMedium"), c.all().values().stream().filter(f -> !f.settledByDefault())
                .map(Catalog.Facts::name).toList());
        assertEquals("perplexity 1.017 (160 epochs)", c.get("JayChouLstm").headline().orElseThrow().published());
        assertEquals(List.of("DigitSumSrn", "DigitSumLstm", "TimeMachineRnnScratch", "JayChouRnnScratch", "JayChouRnn",
                "JayChouGru", "JayChouLstm", "JayChouDeepLstm", "JayChouBiGru", "PtbWordRnn", "PtbWordLstm",
                "PtbZarembaSmall", "PtbZarembaMedium", "HelloOhlolRnnCell", "HelloOhlolRnn"), c.searchable());
    }

    @Test
    void aNegativeControlNamesSettingsOfItsFileAndWhatTheyDo(@TempDir Path tmp) throws Exception {
        String file = FACTS + "lr=0.01\nlengths=5,10\n";
        write(tmp, "Toy", file + "about.control= lr=0.1 ; lengths=10,35 | learning rate 10x the tutorial's \n");
        Catalog.Control c = Catalog.load(tmp).get("Toy").control().orElseThrow();
        assertEquals(List.of("lr", "lengths"), List.copyOf(c.overrides().keySet()), "in the order given");
        assertEquals(Map.of("lr", "0.1", "lengths", "10,35"), c.overrides());
        assertEquals("learning rate 10x the tutorial's", c.description());
        assertEquals("lr=0.1;lengths=10,35", c.written());
        write(tmp, "Toy", file);
        assertTrue(Catalog.load(tmp).get("Toy").control().isEmpty());
        // a key the file lacks is refused as an override of it would be
        write(tmp, "Toy", file + "about.control=lr=0.1;hiden=3 | typo\n");
        UserError unknown = assertThrows(UserError.class, () -> Catalog.load(tmp));
        assertTrue(unknown.getMessage().startsWith("experiments/Toy.properties: about.control: Unknown key 'hiden' for "
                + "experiment Toy; valid keys: epochs, lengths, lr"), unknown.getMessage());
        for (String bad : new String[] {"lr=0.1", "lr=0.1 |  ", "lr | x", "=0.1 | x", "lr= | x", "lr=0.1;lr=0.2 | x",
            "lr=0.1; | x"}) {
            write(tmp, "Toy", file + "about.control=" + bad + "\n");
            UserError e = assertThrows(UserError.class, () -> Catalog.load(tmp), bad);
            assertTrue(e.getMessage().startsWith("experiments/Toy.properties: about.control='" + bad.strip()
                    + "'; expected KEY=VALUE;KEY=VALUE | DESCRIPTION"), e.getMessage());
        }
    }

    @Test
    void theProjectsControls() {
        Catalog c = Catalog.project();
        assertEquals(List.of("DigitSumSrn", "TimeMachineRnnScratch", "JayChouLstm", "HelloOhlolRnnCell"),
                c.all().values().stream().filter(f -> f.control().isPresent()).map(Catalog.Facts::name).toList());
        assertEquals("10,35", c.get("DigitSumSrn").control().orElseThrow().overrides().get("lengths"));
    }
}
