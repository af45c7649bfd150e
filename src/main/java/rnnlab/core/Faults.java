package rnnlab.core;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A fault a test injects into a real run, through an internal system property, to stop a process at a moment it
 * could not otherwise hit: {@code -Drnnlab.fault.checkpoint_stall=FILE} makes the first checkpoint write, in any
 * process, that replaces an earlier checkpoint and creates FILE write half its bytes, then wait while FILE exists
 * (a test kills the process there, or deletes FILE to let it go on). Without the property it does nothing.
 */
public final class Faults {
    public static final String CHECKPOINT_STALL = "rnnlab.fault.checkpoint_stall";

    private Faults() {
    }

    /** Called by a checkpoint's writer with its temporary file before it writes {@code bytes} there whole. */
    public static void inCheckpointWrite(Path target, Path temporary, byte[] bytes) throws IOException {
        String marker = Options.internal(CHECKPOINT_STALL);
        if (marker == null || !Files.isRegularFile(target)) {
            return;
        }
        try {
            Files.createFile(Path.of(marker)); // once, across every process that shares the marker's folder
        } catch (FileAlreadyExistsException e) {
            return;
        }
        Files.write(temporary, Arrays.copyOf(bytes, bytes.length / 2));
        try {
            while (Files.exists(Path.of(marker))) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
