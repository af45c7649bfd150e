package rnnlab.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's peak resident memory, from Linux's {@code /proc/PID/status} (VmHWM). */
public final class ProcessMemory {
    private ProcessMemory() {
    }

    /** The peak resident memory of process {@code pid} so far, in MB, or NaN where /proc cannot tell. */
    public static double peakMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not Linux
        }
        return Double.NaN;
    }
}
