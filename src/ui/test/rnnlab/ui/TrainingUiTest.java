package rnnlab.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * is not blank).
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

    @Test
    void aShortRunIsWatchedInTheBrowser(@TempDir Path tmp) throws Exception {
        String chromium = chromiumOrSkip();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Map<String, String> props = new LinkedHashMap<>(ChildJvm.passedProperties());
        props.putAll(Map.of("exp", "JayChouRnn", "profile", "quick", "out", tmp.resolve("out").toString(), "epochs", "5",
                "hidden_size", "32", "pred_period", "5", "heldout_period", "5", "pred_len", "5"));
        props.put("ui", String.valueOf(port));
        props.put("ui.wait", "true");
        ProcessBuilder pb = ChildJvm.builder("rnnlab.Main", props, List.of("-Xmx2g"));
        pb.redirectErrorStream(true);
        Process child = pb.start();
        // read while the reader thread appends: a copy-on-write list iterates a snapshot (a synchronized list's
        // stream() does not take its lock, and once threw ConcurrentModificationException here)
        List<String> output = new CopyOnWriteArrayList<>();
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
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
            while (output.stream().noneMatch(l -> l.contains("The run has ended"))) {
                assertTrue(child.isAlive(), "the run ended without serving: " + String.join("\n", output));
                assertTrue(System.nanoTime() < deadline, "no end of training in 4 minutes: " + String.join("\n", output));
                Thread.sleep(200);
            }
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

            // loopback only: any other address of this machine refuses the port
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
            child.destroy();
            if (!child.waitFor(20, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
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
