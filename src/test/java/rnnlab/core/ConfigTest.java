package rnnlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ConfigTest {
    private static final Map<String, String> FILE = Map.of("epochs", "500", "lr", "0.001", "lengths", "10,15",
            "quick.epochs", "20");

    @Test
    void profilesAndOverrides() {
        assertEquals(500, Config.of("X", "full", FILE, Map.of()).integer("epochs", 1, 1000));
        assertEquals(20, Config.of("X", "quick", FILE, Map.of()).integer("epochs", 1, 1000));
        Config c = Config.of("X", "quick", FILE, Map.of("epochs", "7", "lengths", "5, 35"));
        assertEquals(7, c.integer("epochs", 1, 1000));
        assertEquals(List.of(5, 35), c.integers("lengths", 3, 100));
        assertEquals(Map.of("epochs", "7", "lengths", "5, 35"), c.overrides());
    }

    /** A page's settings sentence; outside the full profile it says these, not the published ones, ran. */
    @Test
    void theSettingsSentenceSaysWhenTheRunIsNotThePublishedOne() {
        assertEquals("Settings (`full` profile): `epochs=500`, `lengths=10,15`, `lr=0.001`.",
                Config.of("X", "full", FILE, Map.of()).settingsSentence());
        assertEquals("Settings (`full` profile, overrides {seeds=0..9}): `epochs=500`, `lengths=10,15`, `lr=0.001`, "
                + "`seeds=0..9`.", Config.of("X", "full", Map.of("epochs", "500", "lr", "0.001", "lengths", "10,15",
                        "seeds", "0..4"), Map.of("seeds", "0..9")).settingsSentence());
        assertEquals("Settings (`full` profile, overrides {lr=0.01}; where they differ from the published settings "
                + "described above, this run used these): `epochs=500`, `lengths=10,15`, `lr=0.01`.",
                Config.of("X", "full", FILE, Map.of("lr", "0.01")).settingsSentence());
        assertEquals("Settings (`quick` profile; where they differ from the published settings described above, this "
                + "run used these): `epochs=20`, `lengths=10,15`, `lr=0.001`.",
                Config.of("X", "quick", FILE, Map.of()).settingsSentence());
    }

    @Test
    void unknownKeyAndProfileNameTheValidChoices() {
        UserError key = assertThrows(UserError.class, () -> Config.of("X", "full", FILE, Map.of("epoch", "3")));
        assertEquals("Unknown key 'epoch' for experiment X (did you mean -Depochs?); valid keys: epochs, lengths, lr (-Dexp=X "
                + "-Dhelp lists them with their values; -Dexp=help, the run-time options)", key.getMessage());
        // a run-time option mistyped is an unknown experiment key too: the suite's own options are suggested as well
        UserError thread = assertThrows(UserError.class, () -> Config.of("X", "full", FILE, Map.of("thread", "2")));
        assertTrue(thread.getMessage().startsWith("Unknown key 'thread' for experiment X (did you mean -Dthreads?); "),
                thread.getMessage());
        UserError far = assertThrows(UserError.class, () -> Config.of("X", "full", FILE, Map.of("momentum", "0.9")));
        assertTrue(far.getMessage().startsWith("Unknown key 'momentum' for experiment X; valid keys"), far.getMessage());
        UserError profile = assertThrows(UserError.class, () -> Config.of("X", "fast", FILE, Map.of()));
        assertTrue(profile.getMessage().contains("valid profiles: full, quick"));
    }

    @Test
    void theNearestKeyIsWithinTwoEditsAndUnique() {
        assertEquals("epochs", Config.nearest("epoch", List.of("epochs", "lr")));
        assertEquals("lr", Config.nearest("lrr", List.of("epochs", "lr")));
        assertEquals("hidden_size", Config.nearest("hiden_sise", List.of("hidden_size", "embedding_size")));
        assertEquals(null, Config.nearest("epo", List.of("epochs")), "three edits: no guess");
        assertEquals(null, Config.nearest("lr", List.of("ui", "peer")), "a short key: two edits are no guess");
        assertEquals(null, Config.nearest("steps", List.of("seeds")), "a key of 5: two edits are no guess");
        assertEquals("seeds", Config.nearest("seed", List.of("seeds", "peer")));
        assertEquals(null, Config.nearest("ab", List.of("ax", "xb")), "two as near: no guess");
        assertEquals("ax", Config.nearest("ab", List.of("ax", "ax")), "one key listed twice is one key");
    }

    @Test
    void invalidValuesSayWhatIsAllowed() {
        Config c = Config.of("X", "full", Map.of("a", "abc", "b", "-3", "c", "1e400", "d", "3,3", "e", "maybe"), Map.of());
        UserError a = assertThrows(UserError.class, () -> c.integer("a", 1, 10));
        assertEquals("Invalid value for 'a' in X (full profile): 'abc'; expected a whole number from 1 to 10", a.getMessage());
        assertThrows(UserError.class, () -> c.integer("b", 0, 10));
        assertThrows(UserError.class, () -> c.real("c", 0, 1e9));
        assertThrows(UserError.class, () -> c.integers("d", 3, 10));
        assertThrows(UserError.class, () -> c.bool("e"));
    }

    @Test
    void seedsAreAListOfNumbersAndRanges() {
        Map<String, String> file = Map.of("seeds", "0..4", "quick.seeds", "0,1");
        assertEquals(List.of(0, 1, 2, 3, 4), Config.of("X", "full", file, Map.of()).seeds("seeds"));
        assertEquals(List.of(0, 1), Config.of("X", "quick", file, Map.of()).seeds("seeds"));
        assertEquals(List.of(7, 0, 1, 2, 10), Config.of("X", "full", file, Map.of("seeds", "7, 0..2,10")).seeds("seeds"));
        for (String bad : List.of("4..1", "0..x", "-1", "0,0..2", "", "0..", "1.5")) {
            UserError e = assertThrows(UserError.class, () -> Config.of("X", "full", file, Map.of("seeds", bad)).seeds("seeds"),
                    bad);
            assertTrue(e.getMessage().startsWith("Invalid value for 'seeds'") && e.getMessage().contains("0..4"),
                    e.getMessage());
        }
        // the whole value named once, and the range said once
        UserError e = assertThrows(UserError.class, () -> Config.of("X", "full", file, Map.of("seeds", "0,99999999999"))
                .seeds("seeds"));
        assertEquals("Invalid value for 'seeds' in X (full profile): '0,99999999999'; expected seeds such as 0..4 or 0,3,7 "
                + "(whole numbers from 0 to 1000000000, no repeats)", e.getMessage());
    }

    @Test
    void aQuickKeyWithoutAFullKeyIsAnError() {
        assertThrows(UserError.class, () -> Config.of("X", "quick", Map.of("quick.x", "1"), Map.of()));
    }

    @Test
    void unreadKeysAreCaught() {
        Config c = Config.of("X", "full", FILE, Map.of());
        c.integer("epochs", 1, 1000);
        assertThrows(IllegalStateException.class, c::assertAllRead);
    }

    @Test
    void aboutKeysAreFactsNotSettings() {
        Map<String, String> file = Map.of("epochs", "500", "about.order", "3", "about.description", "X things");
        Config c = Config.of("X", "full", file, Map.of());
        assertEquals(Map.of("epochs", "500"), c.values());
        assertTrue(c.searchSpace().isEmpty());
        c.integer("epochs", 1, 1000);
        c.assertAllRead(); // the facts are not keys the experiment must read
        UserError override = assertThrows(UserError.class, () -> Config.of("X", "full", file, Map.of("about.order", "1")));
        assertEquals("'about.order' is a fact about X (experiments/X.properties), not a setting: it cannot be overridden",
                override.getMessage());
        assertThrows(UserError.class, () -> Config.of("X", "quick", Map.of("epochs", "5", "quick.about.order", "1"),
                Map.of()));
    }
}
