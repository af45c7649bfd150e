package rnnlab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rnnlab.core.UserError;

class DataHubTest {
    private static final DataHub.Downloader OFFLINE = (url, target) -> {
        throw new IOException("offline");
    };

    /** The shared mirror the tests and CI point at (see pom.xml). */
    private static Path sharedMirror() {
        return Path.of(System.getProperty(DataHub.MIRROR_PROPERTY, "../shared/datasets"));
    }

    @Test
    void theSharedMirrorHoldsEveryCorpusWithItsSha1() {
        DataHub hub = new DataHub(List.of(sharedMirror()), Path.of("target/no-cache"), OFFLINE);
        for (DataHub.Corpus c : List.of(DataHub.TIME_MACHINE, DataHub.JAYCHOU_LYRICS, DataHub.PTB)) {
            assertEquals(sharedMirror().resolve(c.file()), hub.fetch(c));
        }
    }

    @Test
    void aMissingCorpusNamesTheFileItsSha1AndWhereToPutIt(@TempDir Path tmp) {
        DataHub hub = new DataHub(List.of(tmp.resolve("mirror")), tmp.resolve("cache"), OFFLINE);
        UserError e = assertThrows(UserError.class, () -> hub.fetch(DataHub.TIME_MACHINE));
        assertTrue(e.getMessage().contains("timemachine.txt") && e.getMessage().contains(DataHub.TIME_MACHINE.sha1())
                && e.getMessage().contains(tmp.resolve("cache").toString()) && e.getMessage().contains("offline"),
                e.getMessage());
        assertEquals(0, tmp.resolve("cache").toFile().list().length, "no partial download left behind");
    }

    @Test
    void aCorruptMirrorFileIsRefused(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("timemachine.txt"), "not the book");
        DataHub hub = new DataHub(List.of(tmp), tmp.resolve("cache"), OFFLINE);
        UserError e = assertThrows(UserError.class, () -> hub.fetch(DataHub.TIME_MACHINE));
        assertTrue(e.getMessage().contains("corrupt") && e.getMessage().contains("expected " + DataHub.TIME_MACHINE.sha1()),
                e.getMessage());
    }

    @Test
    void aDownloadIsCheckedThenCachedAndReused(@TempDir Path tmp) throws IOException {
        byte[] book = Files.readAllBytes(sharedMirror().resolve("timemachine.txt"));
        AtomicInteger calls = new AtomicInteger();
        DataHub hub = new DataHub(List.of(), tmp, (url, target) -> {
            calls.incrementAndGet();
            assertEquals(DataHub.TIME_MACHINE.url(), url);
            Files.write(target, book);
        });
        Path first = hub.fetch(DataHub.TIME_MACHINE);
        assertEquals(tmp.resolve("timemachine.txt"), first);
        assertEquals(first, hub.fetch(DataHub.TIME_MACHINE));
        assertEquals(1, calls.get());
    }

    @Test
    void aBadDownloadLeavesNothingInTheCache(@TempDir Path tmp) {
        DataHub hub = new DataHub(List.of(), tmp, (url, target) -> Files.writeString(target, "an error page"));
        UserError e = assertThrows(UserError.class, () -> hub.fetch(DataHub.PTB));
        assertTrue(e.getMessage().contains("SHA-1"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("ptb.zip")));
        assertEquals(0, tmp.toFile().list().length);
    }

    @Test
    void aFailedDownloadSaysWhy(@TempDir Path tmp) throws Exception {
        // a real server on this machine that has no such file
        HttpServer server = HttpServer.create(
                new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/timemachine.txt";
            IOException e = assertThrows(IOException.class, () -> DataHub.httpDownload(url, tmp.resolve("f")));
            assertEquals("the server answered HTTP 404", DataHub.cause(e));
        } finally {
            server.stop(0);
        }
        // a port nobody listens on
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String closed = "http://127.0.0.1:" + port + "/x";
        IOException refused = assertThrows(IOException.class, () -> DataHub.httpDownload(closed, tmp.resolve("g")));
        assertTrue(DataHub.cause(refused).startsWith("connection refused"), DataHub.cause(refused));
        assertTrue(DataHub.cause(new IOException(new UnknownHostException("d2l-data.s3-accelerate.amazonaws.com")))
                .startsWith("host not found: d2l-data.s3-accelerate.amazonaws.com"));
        // and the whole message of a corpus that cannot be had ends with the cause, never "(null)"
        DataHub hub = new DataHub(List.of(), tmp.resolve("cache"), (u, target) -> {
            throw new ConnectException();
        });
        UserError u = assertThrows(UserError.class, () -> hub.fetch(DataHub.TIME_MACHINE));
        assertTrue(u.getMessage().contains("failed (connection refused") && !u.getMessage().contains("null"), u.getMessage());
    }
}
