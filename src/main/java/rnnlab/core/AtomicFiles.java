package rnnlab.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

import rnnlab.core.UserError;

/** Writes a file whole or not at all: into a temporary file beside it, then a rename over the target. */
public final class AtomicFiles {
    private static final String TMP = ".tmp";

    private AtomicFiles() {
    }

    /**
     * The temporary files of {@link #replace} beside {@code target}, in name order: each one a write that a killed
     * process left half done, or one still under way in another process.
     */
    public static List<Path> unfinished(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        String prefix = "." + target.getFileName();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> {
                String n = f.getFileName().toString();
                return n.startsWith(prefix) && n.endsWith(TMP) && n.length() > prefix.length() + TMP.length();
            }).sorted().toList();
        }
    }

    /** Writes a file's content into the temporary path it is given. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(Path temporary) throws IOException;
    }

    /**
     * Replaces {@code target} with what {@code writer} puts in a temporary file beside it, or leaves it as it
     * was: the temporary file is removed if the writer or the rename fails, for any reason.
     */
    public static void replace(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // a name of this writer's own: two processes replacing one file never write into the same temporary file
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), TMP);
        boolean moved = false;
        try {
            writer.writeTo(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    public static void write(Path target, byte[] bytes) {
        try {
            replace(target, tmp -> Files.write(tmp, bytes));
        } catch (IOException e) {
            throw new UserError("Cannot write " + target + " (" + reason(e) + "); choose a writable folder with -Dout=DIR");
        }
    }

    public static void write(Path target, String text) {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Fails early, before any training, if {@code dir} cannot be created or written. */
    public static void checkWritable(Path dir) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new UserError("Cannot write results to " + dir + " (" + reason(e) + "); choose a writable folder with -Dout=DIR");
        }
    }

    /** What the file system said, without Java's exception names. */
    static String reason(Exception e) {
        if (e instanceof FileAlreadyExistsException fse) { // a file where a folder is to be
            return fse.getFile() + " is a file, not a folder";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getFile() + ": " + fse.getReason();
        }
        if (e instanceof AccessDeniedException || e instanceof SecurityException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
