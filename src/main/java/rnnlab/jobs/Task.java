package rnnlab.jobs;

import java.io.PrintStream;
import java.nio.file.Path;

import rnnlab.core.Cli;

/**
 * How one job runs, handed down by the program's entry point: in this JVM ({@link #run}, the job itself whatever
 * {@code -Djobs} or {@code -Drunner} say), or in a worker JVM started from {@link #entry}, whose main serves jobs
 * ({@link Worker#serve}) when it is started as a worker.
 */
public interface Task {
    /** Runs {@code cli}'s job here; returns its exit status. */
    int run(Cli cli, Path projectDir, PrintStream out, PrintStream err);

    /** The main class a worker JVM starts from. */
    String entry();
}
