package rnnlab.ui;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.ui.VertxUIServer;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;

import rnnlab.core.Command;
import rnnlab.core.UserError;
import rnnlab.model.TrainingHooks;

/**
 * DL4J's own training UI for a run ({@code mvn -Pui -q exec:java -Dexp=NAME -Dui=PORT}): DL4J's
 * {@code VertxUIServer} with its train module, a {@link StatsListener} on every network the run trains (through
 * {@link TrainingHooks}) and a {@link FileStatsStorage} in the gitignored {@code ui/} folder, so a finished run
 * can be opened again ({@code -Dexp=ui -Dui=PORT} serves every stored run). The server answers on
 * {@code 127.0.0.1} only: DL4J's binds every interface, so its HTTP server is created through a Vert.x whose
 * {@code createHttpServer} hands out one that listens on the loopback address.
 */
public final class TrainingUi {
    public static final String FOLDER = "ui";
    private static final String HOST = "127.0.0.1";

    private TrainingUi() {
    }

    /**
     * Starts the UI for {@code experiment} (or, for {@code ui}, over the stored runs); the result, closed when the
     * run ends, keeps serving until the process is stopped if {@code wait}, else stops the server.
     */
    public static AutoCloseable open(String experiment, String portText, boolean wait, Path projectDir, PrintStream out)
            throws Exception {
        int port = port(portText);
        Path dir = projectDir.resolve(FOLDER);
        Files.createDirectories(dir);
        List<Path> stored = new ArrayList<>();
        FileStatsStorage storage = null;
        if (experiment.equals(Command.UI.word())) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(f -> f.toString().endsWith(".dl4j")).sorted().forEach(stored::add);
            }
            if (stored.isEmpty()) {
                throw new UserError("No stored runs in " + dir + "; run an experiment with -Dui=PORT first");
            }
        } else {
            Path file = dir.resolve(experiment + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                    + ".dl4j");
            storage = new FileStatsStorage(file.toFile());
            FileStatsStorage s = storage;
            TrainingHooks.register(net -> new StatsListener(s));
            out.println("DL4J training UI: http://localhost:" + port + "/train/overview (this run's statistics go to "
                    + file + ")");
        }
        Running ui = start(port);
        List<StatsStorage> attached = new ArrayList<>();
        if (storage != null) {
            ui.server.attach(storage);
            attached.add(storage);
        }
        for (Path f : stored) {
            FileStatsStorage s = new FileStatsStorage(f.toFile());
            ui.server.attach(s);
            attached.add(s);
        }
        if (!stored.isEmpty()) {
            out.println("DL4J training UI: http://localhost:" + port + "/train/overview, serving " + stored.size()
                    + " stored run(s) from " + dir + " until Ctrl-C");
        }
        return () -> {
            TrainingHooks.clear();
            if (wait) {
                if (stored.isEmpty()) {
                    out.println("The run has ended; the UI keeps serving http://localhost:" + port
                            + "/train/overview until Ctrl-C (-Dui.wait=true)");
                }
                out.flush();
                Thread.sleep(Long.MAX_VALUE);
            }
            for (StatsStorage s : attached) {
                s.close();
            }
            ui.stop();
        };
    }

    private static int port(String text) {
        try {
            int p = Integer.parseInt(text.trim());
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UserError("Invalid value for 'ui': '" + text + "'; expected a port number from 1 to 65535 (9000 is DL4J's)");
    }

    /** A started server and its Vert.x. */
    record Running(VertxUIServer server, Vertx vertx) {
        void stop() throws Exception {
            server.stop();
            CompletableFuture<Void> closed = new CompletableFuture<>();
            vertx.close(r -> closed.complete(null));
            closed.get(10, TimeUnit.SECONDS);
        }
    }

    /** DL4J's UI server, started on a Vert.x whose HTTP servers listen on the loopback address only. */
    static Running start(int port) throws Exception {
        System.setProperty("org.deeplearning4j.ui.port", String.valueOf(port));
        Vertx real = Vertx.vertx();
        Vertx loopback = (Vertx) Proxy.newProxyInstance(TrainingUi.class.getClassLoader(), new Class<?>[] {Vertx.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("createHttpServer") && (args == null || args.length == 0)) {
                        return loopback(real.createHttpServer());
                    }
                    return call(method, real, args);
                });
        VertxUIServer server = new VertxUIServer(); // DL4J's modules find it as VertxUIServer.getInstance()
        Context context = real.getOrCreateContext();
        server.init(loopback, context);
        CompletableFuture<Void> started = new CompletableFuture<>();
        context.runOnContext(v -> {
            Promise<Void> promise = Promise.promise();
            promise.future().onComplete(r -> {
                if (r.succeeded()) {
                    started.complete(null);
                } else {
                    started.completeExceptionally(r.cause());
                }
            });
            try {
                server.start(promise);
            } catch (Exception e) {
                started.completeExceptionally(e);
            }
        });
        try {
            started.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            real.close();
            if (e.getCause() instanceof BindException || String.valueOf(e.getCause()).contains("Address already in use")) {
                throw new UserError("Port " + port + " is in use; choose another with -Dui=PORT");
            }
            throw new IOException("DL4J's UI server did not start: " + e.getCause(), e.getCause());
        }
        return new Running(server, real);
    }

    /** {@code real}, but {@code listen(port[, handler])} listens on {@value #HOST} instead of every interface. */
    @SuppressWarnings("unchecked")
    static HttpServer loopback(HttpServer real) {
        HttpServer[] self = new HttpServer[1];
        self[0] = (HttpServer) Proxy.newProxyInstance(TrainingUi.class.getClassLoader(), new Class<?>[] {HttpServer.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("listen") && args != null && args.length >= 1 && args[0] instanceof Integer p
                            && (args.length == 1 || args.length == 2 && !(args[1] instanceof String))) {
                        Handler<AsyncResult<HttpServer>> h = args.length == 2 ? (Handler<AsyncResult<HttpServer>>) args[1]
                                : r -> { };
                        real.listen(p, HOST, h);
                        return self[0];
                    }
                    Object r = call(method, real, args);
                    return r == real ? self[0] : r;
                });
        return self[0];
    }

    private static Object call(Method m, Object target, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
