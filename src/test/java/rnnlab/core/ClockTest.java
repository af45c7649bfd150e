package rnnlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ClockTest {
    @Test
    void minutesBelowAnHourHoursFromOneOn() {
        assertEquals("0:00", Clock.format(0.4));
        assertEquals("1:05", Clock.format(64.6));
        assertEquals("59:59", Clock.format(3599.4));
        // 3599.5 rounds to the hour, so it is printed (and labelled) as one
        assertEquals("1:00:00", Clock.format(3599.5));
        assertEquals("2:03:04", Clock.format(2 * 3600 + 3 * 60 + 4));
        assertEquals("27:46:40", Clock.format(100_000));
    }

    @Test
    void theUnitFollowsTheFormat() {
        assertEquals("59:59 (minutes:seconds)", Clock.withUnit(3599.4));
        assertEquals("1:00:00 (hours:minutes:seconds)", Clock.withUnit(3599.5));
        assertEquals("0:07 (minutes:seconds)", Clock.withUnit(7));
    }
}
