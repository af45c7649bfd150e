package rnnlab.core;

/** Durations as the suite prints them: minutes:seconds, or hours:minutes:seconds from an hour on. */
public final class Clock {
    private Clock() {
    }

    /** {@code seconds} rounded to the second, as m:ss or h:mm:ss. */
    public static String format(double seconds) {
        long s = Math.round(seconds);
        return pastAnHour(seconds) ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }

    /** {@link #format} followed by the unit it chose, for prose: "12:05 (minutes:seconds)". */
    public static String withUnit(double seconds) {
        return format(seconds) + (pastAnHour(seconds) ? " (hours:minutes:seconds)" : " (minutes:seconds)");
    }

    /** Whether {@link #format} prints hours: from an hour on, once rounded to the second. */
    private static boolean pastAnHour(double seconds) {
        return Math.round(seconds) >= 3600;
    }
}
