package rnnlab.core;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;

/**
 * The optional modules, each built only with its Maven profile so that the default install stays lean: DL4J's
 * training UI ({@link #UI}, {@code -Pui}, about 180 MB of jars) and the Spark runner ({@link #SPARK}, {@code -Pspark}).
 * They are found by name; one that is absent ends in one line saying how to get it.
 */
public final class Modules {
    /** An optional module: its entry class, the profile that builds it, and what it is for (for the error line). */
    public record Module(String className, String profile, String what) {
    }

    /** DL4J's training UI: {@code rnnlab.ui.TrainingUi}. */
    public static final Module UI = new Module("rnnlab.ui.TrainingUi", "ui",
            "DL4J's training UI, which the default install leaves out (about 180 MB of jars)");
    /** The jobs as Apache Spark tasks: {@code rnnlab.spark.SparkRunner}. */
    public static final Module SPARK = new Module("rnnlab.spark.SparkRunner", "spark",
            "Apache Spark, which the default install leaves out");

    /**
     * What Spark needs opened on Java 17, as its own launcher passes them: the child JVM of {@code -Drunner=spark} gets
     * them (the pom's {@code spark.opens} gives the same to the spark profile's tests).
     */
    public static final List<String> SPARK_JVM_FLAGS = List.of("-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED");

    private Modules() {
    }

    /**
     * {@code -Dui=PORT}: DL4J's training UI watches the run ({@link #UI}); what it returns stops it when the run ends, or
     * keeps it serving under {@code -Dui.wait=true} and for {@code -Dexp=ui}, the stored runs.
     */
    public static AutoCloseable openUi(String exp, Path projectDir, PrintStream out) throws Exception {
        String port = Options.UI.given();
        if (port == null && !Command.UI.word().equals(exp)) {
            return () -> { };
        }
        String p = port == null ? Options.UI_COMMAND_PORT : port;
        return (AutoCloseable) call(UI, "-Dui", "mvn -Pui -q exec:java -Dexp=" + exp + " -Dui=" + p, "open",
                new Class<?>[] {String.class, String.class, boolean.class, Path.class, PrintStream.class}, exp, p,
                Command.UI.word().equals(exp) || Options.UI_WAIT.bool(), projectDir, out);
    }

    /**
     * Calls {@code module}'s static {@code method} with {@code args} of {@code types}; absent, a one-line error that
     * {@code option} needs it and how to build it ({@code command}, the user's command with the profile).
     */
    public static Object call(Module module, String option, String command, String method, Class<?>[] types,
            Object... args) throws Exception {
        Class<?> c;
        try {
            c = Class.forName(module.className());
        } catch (ClassNotFoundException e) {
            throw new UserError(option + " needs " + module.what() + ": run with the " + module.profile()
                    + " profile, " + command);
        }
        Method m = c.getMethod(method, types);
        try {
            return m.invoke(null, args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }
}
