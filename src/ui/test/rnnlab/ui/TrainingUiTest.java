package rnnlab.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rnnlab.jobs.ChildJvm;

/**
 * DL4J's training UI on a real short run, as a user opens it: a child JVM runs {@code -Dexp=JayChouRnn -Dui=PORT
 * -Dui.wait=true}, the score chart's data endpoint returns the run's points, the server answers on the loopback
 * address only, and headless Chromium renders the overview page (its DOM holds the charts' titles, its screenshot
 * is not blank). Without a browser: the server's listening socket is bound to 127.0.0.1 (the kernel's own table),
 * and {@code -Dexp=ui} serves a run stored by an earlier training again, with the same points.
 */
class TrainingUiTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static String chromium() {
        for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        return null;
    }

    /**
     * Chromium's path. Without it a developer's run skips the browser test, but under CI ({@code CI=true}, where
     * {@code .ci/run} installs it) a missing browser fails it: a skip there would pass with nothing checked.
     */
    static String chromiumOrSkip() {
        String chromium = chromium();
        String missing = "Chromium is not installed (apt-get install -y chromium): the training UI's browser test cannot run";
        if (chromium == null && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(missing + "; under CI (CI=true) that is a failure, not a skip: .ci/run installs it");
        }
        Assumptions.assumeTrue(chromium != null, missing);
        return chromium;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** {@code rnnlab.Main} in a child JVM with the test's properties and {@code props}, in {@code dir} if not null. */
    static Process child(Map<String, String> props, Path dir, List<String> output) throws IOException {
        Map<String, String> all = new LinkedHashMap<>(ChildJvm.passedProperties());
        all.putAll(props);
        ProcessBuilder pb = ChildJvm.builder("rnnlab.Main", all, List.of("-Xmx2g"));
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.redirectErrorStream(true);
        Process child = pb.start();
        // read while the reader thread appends: a copy-on-write list iterates a snapshot (a synchronized list's
        // stream() does not take its lock, and once threw ConcurrentModificationException here)
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.add(line);
                }
            } catch (IOException e) {
                // the child ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        return child;
    }

    /** Waits (a safety net of {@code minutes}) until the child prints a line containing {@code text}; returns it. */
    static String await(Process child, List<String> output, String text, int minutes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
        while (true) {
            for (String l : output) {
                if (l.contains(text)) {
                    return l;
                }
            }
            assertTrue(child.isAlive(), "the child ended before '" + text + "': " + String.join("\n", output));
            assertTrue(System.nanoTime() < deadline, "no '" + text + "' in " + minutes + " minutes: " + String.join("\n", output));
            Thread.sleep(200);
        }
    }

    static void stop(Process child) throws InterruptedException {
        child.destroy();
        if (!child.waitFor(20, TimeUnit.SECONDS)) {
            child.destroyForcibly();
        }
    }

    /** A short JayChouRnn run watched through the UI on {@code port}, kept serving after it ({@code -Dui.wait}). */
    static Map<String, String> watchedRun(Path out, int port, int epochs) {
        Map<String, String> props = new LinkedHashMap<>(Map.of("exp", "JayChouRnn", "profile", "quick", "out", out.toString(),
                "epochs", String.valueOf(epochs), "hidden_size", "32", "pred_period", String.valueOf(epochs),
                "heldout_period", String.valueOf(epochs), "pred_len", "5"));
        props.put("ui", String.valueOf(port));
        props.put("ui.wait", "true");
        return props;
    }

    @Test
    void aShortRunIsWatchedInTheBrowser(@TempDir Path tmp) throws Exception {
        String chromium = chromiumOrSkip();
        int port = freePort();
        List<String> output = new CopyOnWriteArrayList<>();
        Process child = child(watchedRun(tmp.resolve("out"), port, 5), null, output);
        try {
            await(child, output, "The run has ended", 4);
            String base = "http://127.0.0.1:" + port;
            assertTrue(output.stream().anyMatch(l -> l.contains("http://localhost:" + port + "/train/overview")), "the address "
                    + "to open is printed: " + String.join("\n", output));

            // the score chart's data: the run's scores, one point every 10 iterations (40 iterations here)
            String data = get(base + "/train/overview/data");
            Matcher scores = Pattern.compile("\"scores\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(data);
            assertTrue(scores.find(), data);
            String[] points = scores.group(1).trim().split(",");
            assertTrue(points.length >= 3, "score points: " + scores.group(1));
            for (String p : points) {
                double v = Double.parseDouble(p.trim());
                assertTrue(v > 0 && v < 10, "a per-token cross-entropy of a 1,027-character vocabulary: " + v);
            }
            assertTrue(get(base + "/train/sessions/info").contains("MultiLayerNetwork"));

            // loopback only: any other address of this machine refuses the port (and, without a browser and
            // whatever the machine's addresses, theUiListensOnTheLoopbackAddressOnly)
            for (InetAddress a : otherAddresses()) {
                try (Socket s = new Socket()) {
                    assertThrows(IOException.class, () -> s.connect(new InetSocketAddress(a, port), 2000),
                            "the UI answers on " + a);
                }
            }

            // the page in a real browser
            Path shot = tmp.resolve("overview.png");
            String dom = browser(chromium, tmp, List.of("--dump-dom"), base + "/train/overview");
            assertTrue(dom.contains("Model Score vs. Iteration") && dom.contains("DL4J Training UI"), dom);
            browser(chromium, tmp, List.of("--window-size=1280,900", "--screenshot=" + shot), base + "/train/overview");
            BufferedImage img = ImageIO.read(shot.toFile());
            assertEquals(1280, img.getWidth());
            Set<Integer> colours = new HashSet<>();
            long nonWhite = 0;
            for (int y = 0; y < img.getHeight(); y += 2) {
                for (int x = 0; x < img.getWidth(); x += 2) {
                    int rgb = img.getRGB(x, y) & 0xFFFFFF;
                    colours.add(rgb);
                    if (rgb != 0xFFFFFF) {
                        nonWhite++;
                    }
                }
            }
            long total = (long) (img.getHeight() / 2) * (img.getWidth() / 2);
            assertTrue(colours.size() > 20 && nonWhite > total / 20, "a blank page: " + colours.size() + " colours, "
                    + nonWhite + " of " + total + " pixels not white");
        } finally {
            stop(child);
            storedRun(output).ifPresent(TrainingUiTest::deleteQuietly);
        }
    }

    /**
     * The UI listens on 127.0.0.1 only: its listening socket, as the kernel lists it ({@code /proc/net/tcp} and
     * {@code tcp6}), is bound to 127.0.0.1 and to nothing else, so the check holds on a machine with no other
     * address too; where another loopback address (127.0.0.2) reaches a socket bound to every interface, it does not
     * reach the UI; nor does any other address of the machine. No browser needed.
     */
    @Test
    void theUiListensOnTheLoopbackAddressOnly(@TempDir Path tmp) throws Exception {
        assertTrue(Files.isReadable(Path.of("/proc/net/tcp")), "the kernel's socket table (Linux)");
        int port = freePort();
        // the control: does 127.0.0.2 reach a socket bound to every interface here? (on Linux all of 127/8 is local)
        boolean otherLoopback;
        try (ServerSocket any = new ServerSocket()) {
            any.bind(new InetSocketAddress("0.0.0.0", 0));
            otherLoopback = connects(InetAddress.getByName("127.0.0.2"), any.getLocalPort());
        }
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        try (AutoCloseable ui = TrainingUi.open("LoopbackCheck", String.valueOf(port), false, tmp, quiet)) {
            assertTrue(connects(InetAddress.getByName("127.0.0.1"), port), "the UI answers on 127.0.0.1:" + port);
            assertTrue(get("http://127.0.0.1:" + port + "/train/overview").contains("DL4J"), "DL4J's UI serves its page");
            assertEquals(List.of("127.0.0.1"), listening(port), "the addresses the UI's socket listens on");
            if (otherLoopback) {
                assertFalse(connects(InetAddress.getByName("127.0.0.2"), port), "the UI answers on 127.0.0.2");
            }
            List<InetAddress> others = otherAddresses();
            for (InetAddress a : others) {
                assertFalse(connects(a, port), "the UI answers on " + a);
            }
            System.out.println("the UI listens on 127.0.0.1:" + port + " only; also refused on "
                    + (otherLoopback ? "127.0.0.2 and " : "") + others.size() + " other address(es) " + others);
        }
    }

    /**
     * {@code -Dexp=ui} serves a run stored by an earlier training again: a watched run's statistics file, alone in
     * a fresh project folder's {@code ui/}, is served by {@code -Dexp=ui} with the same session and the same score
     * points the watched run served.
     */
    @Test
    void aStoredRunIsServedAgainByExpUi(@TempDir Path tmp) throws Exception {
        int port = freePort();
        List<String> output = new CopyOnWriteArrayList<>();
        Process child = child(watchedRun(tmp.resolve("out"), port, 4), null, output);
        String served;
        String sessions;
        Path stored;
        try {
            await(child, output, "The run has ended", 4);
            served = scores(get("http://127.0.0.1:" + port + "/train/overview/data"));
            sessions = get("http://127.0.0.1:" + port + "/train/sessions/info");
            stored = storedRun(output).orElseThrow(() -> new AssertionError("no stored run named: " + String.join("\n", output)));
        } finally {
            stop(child); // as Ctrl-C ends a -Dui.wait=true run
        }
        Path project = Files.createDirectories(tmp.resolve("project/ui"));
        try {
            Files.copy(stored, project.resolve(stored.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        } finally {
            deleteQuietly(stored); // the watched run's file went to the project's gitignored ui/
        }
        assertTrue(served.split(",").length >= 3, "the watched run's score points: " + served);

        int again = freePort();
        List<String> output2 = new CopyOnWriteArrayList<>();
        Process ui = child(Map.of("exp", "ui", "ui", String.valueOf(again)), tmp.resolve("project"), output2);
        try {
            String line = await(ui, output2, "stored run(s)", 2);
            assertTrue(line.contains("http://localhost:" + again + "/train/overview, serving 1 stored run(s)"), line);
            assertEquals(sessions, get("http://127.0.0.1:" + again + "/train/sessions/info"), "the stored run's session");
            assertEquals(served, scores(get("http://127.0.0.1:" + again + "/train/overview/data")),
                    "the stored run's score points, as the watched run served them");
        } finally {
            stop(ui);
        }
    }

    /** The score chart's points in the overview data. */
    private static String scores(String data) {
        Matcher scores = Pattern.compile("\"scores\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(data);
        assertTrue(scores.find(), data);
        return scores.group(1).trim();
    }

    /** The file a watched run's statistics went to, as it printed it. */
    private static Optional<Path> storedRun(List<String> output) {
        Pattern p = Pattern.compile("this run's statistics go to (.+\\.dl4j)\\)");
        for (String l : output) {
            Matcher m = p.matcher(l);
            if (m.find()) {
                return Optional.of(Path.of(m.group(1)));
            }
        }
        return Optional.empty();
    }

    private static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            // left in the gitignored ui/
        }
    }

    private static boolean connects(InetAddress a, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(a, port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The local addresses of the sockets listening on {@code port}, from the kernel's tables (IPv4 and IPv6). */
    static List<String> listening(int port) throws IOException {
        List<String> out = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path f = Path.of(table);
            if (!Files.isReadable(f)) {
                continue;
            }
            for (String line : Files.readAllLines(f).subList(1, Files.readAllLines(f).size())) {
                String[] cols = line.trim().split("\\s+");
                String[] local = cols[1].split(":");
                if (cols[3].equals("0A") && Integer.parseInt(local[1], 16) == port) { // 0A: LISTEN
                    out.add(InetAddress.getByAddress(kernelBytes(local[0])).getHostAddress());
                }
            }
        }
        return out;
    }

    /** An address as /proc/net/tcp prints it: 32-bit words in hex, each in the machine's (little-endian) order. */
    private static byte[] kernelBytes(String hex) {
        byte[] b = new byte[hex.length() / 2];
        for (int w = 0; w < b.length; w += 4) {
            for (int i = 0; i < 4; i++) {
                b[w + i] = (byte) Integer.parseInt(hex.substring(2 * (w + 3 - i), 2 * (w + 3 - i) + 2), 16);
            }
        }
        return b;
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url + ": " + r.body());
        return r.body();
    }

    /** Headless Chromium as the machine notes say to start it here; returns what it printed on standard output. */
    private static String browser(String chromium, Path tmp, List<String> extra, String url) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(tmp, "chromium"), "--virtual-time-budget=8000"));
        cmd.addAll(extra);
        cmd.add(url);
        Process p = new ProcessBuilder(cmd).redirectError(new File(tmp.resolve("chromium.err").toString())).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "Chromium did not finish");
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("chromium.err")));
        return out;
    }

    private static List<InetAddress> otherAddresses() throws IOException {
        List<InetAddress> out = new ArrayList<>();
        for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (n.isUp() && !n.isLoopback()) {
                for (InetAddress a : Collections.list(n.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        out.add(a);
                    }
                }
            }
        }
        return out;
    }
}
