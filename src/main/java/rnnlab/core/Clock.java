package rnnlab.core;

/** Durations as the suite prints them: minutes:seconds, or hours:minutes:seconds from an hour on. */
public final class Clock {
    private Clock() {
    }

    /** {@code seconds} rounded to the second, as m:ss or h:mm:ss. */
    public static String format(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }

    /** {@link #format} followed by the unit it chose, for prose: "12:05 (minutes:seconds)". */
    public static String withUnit(double seconds) {
        return format(seconds) + (Math.round(seconds) >= 3600 ? " (hours:minutes:seconds)" : " (minutes:seconds)");
    }
}
