package rnnlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import rnnlab.Main;
import rnnlab.jobs.ChildJvm;

/** The log file is made at its first line, not before: a command that logs nothing leaves no file behind. */
class LazyFileAppenderTest {
    @Test
    void theFileAndItsFolderAreMadeAtTheFirstLineAndAppendedTo(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("logs").resolve("rnnlab.log");
        LazyFileAppender<ILoggingEvent> appender = appender(file);
        assertTrue(appender.isStarted());
        assertFalse(Files.exists(file.getParent()), "nothing made before a line is logged");
        appender.doAppend(event("first"));
        assertEquals("INFO first\n", Files.readString(file), "written through at once (immediate flush)");
        appender.stop();
        LazyFileAppender<ILoggingEvent> again = appender(file);
        again.doAppend(event("second"));
        again.stop();
        assertEquals("INFO first\nINFO second\n", Files.readString(file), "a later run appends");
    }

    /** A log folder that cannot be made: one line on standard error, and the file log stops (the run goes on). */
    @Test
    void aFileThatCannotBeMadeIsSaidOnceAndTheAppenderStops(@TempDir Path dir) throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("logs"), "a file where the log folder would go");
        LazyFileAppender<ILoggingEvent> appender = appender(notAFolder.resolve("rnnlab.log"));
        PrintStream err = System.err;
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        System.setErr(new PrintStream(said, true, StandardCharsets.UTF_8));
        try {
            appender.doAppend(event("first"));
            appender.doAppend(event("second"));
        } finally {
            System.setErr(err);
        }
        String line = said.toString(StandardCharsets.UTF_8);
        assertTrue(line.startsWith("rnnlab: cannot write the log file " + notAFolder.resolve("rnnlab.log")), line);
        assertEquals(1, line.lines().count(), line);
        assertFalse(appender.isStarted());
    }

    /** Prudent mode (several processes appending to one file) keeps logback's own stream, opened at once. */
    @Test
    void prudentModeOpensTheFileAtOnceAndWritesThroughLogbacksStream(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("logs").resolve("rnnlab.log");
        LazyFileAppender<ILoggingEvent> appender = appender(file, true);
        assertTrue(Files.isRegularFile(file));
        appender.doAppend(event("shared"));
        appender.stop();
        assertEquals("INFO shared\n", Files.readString(file));
    }

    /**
     * Real runs of the program: {@code -Dexp=list} prints the experiments and a misspelt experiment is refused, both
     * before anything logs to the file (the native libraries log as they load), so neither makes a log folder.
     */
    @Test
    void aCommandThatLogsNothingLeavesNoLogFile(@TempDir Path dir) throws Exception {
        Path logs = dir.resolve("logs");
        String listed = run("list", logs, 0);
        assertTrue(listed.contains("DigitSumSrn"), listed);
        assertFalse(Files.exists(logs), "no log folder after " + listed);
        String refused = run("DigitSumSrm", logs, 2);
        assertTrue(refused.contains("rnnlab: Unknown experiment 'DigitSumSrm' (did you mean -Dexp=DigitSumSrn?)"), refused);
        assertFalse(Files.exists(logs), "no log folder after " + refused);
    }

    /** The program run with {@code -Dexp=exp} and its log folder {@code logs}: what it said; its exit status checked. */
    private static String run(String exp, Path logs, int status) throws Exception {
        Map<String, String> props = new LinkedHashMap<>(ChildJvm.passedProperties());
        props.put("exp", exp);
        props.put("rnnlab.log.dir", logs.toString());
        // run in the project's folder (it reads experiments/), its log folder in the temporary one
        Process child = ChildJvm.builder(Main.class.getName(), props, List.of()).redirectErrorStream(true).start();
        String said = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(2, TimeUnit.MINUTES), said);
        assertEquals(status, child.exitValue(), said);
        return said;
    }

    private static LazyFileAppender<ILoggingEvent> appender(Path file) {
        return appender(file, false);
    }

    private static LazyFileAppender<ILoggingEvent> appender(Path file, boolean prudent) {
        LoggerContext context = new LoggerContext();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%level %msg%n");
        encoder.start();
        LazyFileAppender<ILoggingEvent> appender = new LazyFileAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setFile(file.toString());
        appender.setAppend(true);
        appender.setPrudent(prudent);
        appender.start();
        return appender;
    }

    private static ILoggingEvent event(String message) {
        LoggingEvent e = new LoggingEvent();
        e.setLevel(Level.INFO);
        e.setMessage(message);
        e.setLoggerName("rnnlab.test");
        e.setTimeStamp(0);
        return e;
    }
}
