package rnnlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** A command's typed options: the declared default when absent, the value given, one line for a bad one. */
class OptionsTest {
    @Test
    void anAbsentOptionIsItsDeclaredDefaultAndABadOneIsOneLine() {
        Map<String, String> none = Map.of();
        assertEquals(50, Options.LEN.integer(none, 0, 100_000));
        assertEquals(3, Options.SEARCH_SEEDS.integer(none, 1, 100));
        assertEquals(10, Options.CONFIRM_SEEDS.integer(none, 2, 1000));
        assertEquals(0.0, Options.TEMPERATURE.real(none, 0, 100));
        assertEquals(7, Options.CANDIDATES.integer(none, 7, 1, 100), "a default that depends on the run: the fallback");
        assertEquals(12, Options.LEN.integer(Map.of("len", " 12 "), 0, 100_000));
        assertEquals(0.5, Options.TEMPERATURE.real(Map.of("temperature", "0.5"), 0, 100));
        assertEquals("Invalid value for -Dlen: '-1'; expected a whole number from 0 to 100000",
                assertThrows(UserError.class, () -> Options.LEN.integer(Map.of("len", "-1"), 0, 100_000)).getMessage());
        assertEquals("Invalid value for -Dsamples: 'two'; expected a whole number from 1 to 1000",
                assertThrows(UserError.class, () -> Options.SAMPLES.integer(Map.of("samples", "two"), 1, 1000))
                        .getMessage());
        assertEquals("Invalid value for -Dtemperature: '101'; expected a number from 0.0 to 100.0",
                assertThrows(UserError.class, () -> Options.TEMPERATURE.real(Map.of("temperature", "101"), 0, 100))
                        .getMessage());
        // a run-dependent default is written as words, so it has no whole number to fall back to
        assertEquals("-Dcandidates's default '20 (random); the whole grid (grid)' depends on the run: read it with the "
                + "fallback the run gives", assertThrows(IllegalStateException.class,
                        () -> Options.CANDIDATES.integer(none, 1, 100)).getMessage());
    }
}
