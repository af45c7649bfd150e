package rnnlab.core;

import java.io.BufferedOutputStream;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;

import ch.qos.logback.core.FileAppender;

/**
 * logback's file appender (logback.xml), but the log file and its folder are made at the first line logged, not when
 * logging starts: a command that logs nothing to the file ({@code -Dexp=list}, {@code help}, a misspelt experiment) leaves
 * no empty {@code logs/rnnlab.log} in the user's folder. logback 1.2 has no such setting of its own.
 */
public final class LazyFileAppender<E> extends FileAppender<E> {
    @Override
    public void openFile(String fileName) throws IOException {
        if (isPrudent()) {
            super.openFile(fileName); // prudent mode writes through logback's own stream type: opened at once
            return;
        }
        lock.lock(); // as FileAppender's own openFile: the stream is swapped under the appender's lock
        try {
            setOutputStream(new OpenedOnFirstWrite(new File(fileName), isAppend()));
        } finally {
            lock.unlock();
        }
    }

    /**
     * A file output stream that creates the file, and its parent folders, when the first byte is written. If it cannot,
     * it says so once on standard error (logback then stops this appender, and would tell only its status list).
     */
    private static final class OpenedOnFirstWrite extends OutputStream {
        private final File file;
        private final boolean append;
        private OutputStream out;

        OpenedOnFirstWrite(File file, boolean append) {
            this.file = file;
            this.append = append;
        }

        private OutputStream out() throws IOException {
            if (out == null) {
                try {
                    File parent = file.getAbsoluteFile().getParentFile();
                    if (parent != null) {
                        Files.createDirectories(parent.toPath());
                    }
                    out = new BufferedOutputStream(new FileOutputStream(file, append));
                } catch (IOException e) {
                    System.err.println("rnnlab: cannot write the log file " + file + " (" + e.getMessage()
                            + "); the run goes on without it");
                    throw e;
                }
            }
            return out;
        }

        @Override
        public void write(int b) throws IOException {
            out().write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out().write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            if (out != null) {
                out.flush();
            }
        }

        @Override
        public void close() throws IOException {
            if (out != null) {
                out.close();
            }
        }
    }
}
