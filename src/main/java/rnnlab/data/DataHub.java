package rnnlab.data;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLException;

import rnnlab.core.AtomicFiles;
import rnnlab.core.Options;
import rnnlab.core.UserError;

/**
 * The public corpora, each known by its URL and SHA-1 (d2l's {@code DATA_HUB}). {@link #fetch} looks in
 * the mirror folders first ({@code -Drnnlab.datasets.mirror=DIR}, or {@code RNNLAB_DATASETS_MIRROR};
 * tests and CI point it at {@code ../shared/datasets}), then in the gitignored cache
 * {@code datasets/cache/}, then downloads into the cache. Every file's SHA-1 is checked wherever it
 * comes from; a missing or corrupt corpus is a {@link UserError} naming the file, the SHA-1 it must
 * have and where to put it.
 */
public final class DataHub {
    /** A corpus file: its name, where it is published and its SHA-1. */
    public record Corpus(String file, String url, String sha1) {
    }

    private static final String D2L = "http://d2l-data.s3-accelerate.amazonaws.com/";
    public static final Corpus TIME_MACHINE = new Corpus("timemachine.txt", D2L + "timemachine.txt",
            "090b5e7e70c295757f55df93cb0a180b9691891a");
    public static final Corpus PTB = new Corpus("ptb.zip", D2L + "ptb.zip", "319d85e578af0cdc590547f26231e4e31cdf1e42");
    public static final Corpus JAYCHOU_LYRICS = new Corpus("jaychou_lyrics.txt.zip",
            "https://raw.githubusercontent.com/d2l-ai/d2l-zh/89403b9792861d86a0f1735cdd4a3d60c423f5a2/data/jaychou_lyrics.txt.zip",
            "9529987e701a4f37048ab778270a5dde9a762a0b");

    public static final String MIRROR_PROPERTY = "rnnlab.datasets.mirror";
    public static final String MIRROR_ENV = "RNNLAB_DATASETS_MIRROR";

    /** Fetches a URL into a file; replaceable in tests. */
    public interface Downloader {
        void download(String url, Path target) throws IOException;
    }

    private final List<Path> mirrors;
    private final Path cache;
    private final Downloader downloader;

    public DataHub(List<Path> mirrors, Path cache, Downloader downloader) {
        this.mirrors = List.copyOf(mirrors);
        this.cache = cache;
        this.downloader = downloader;
    }

    /** The project's hub: mirrors from the system property or environment, cache under {@code datasets/cache}. */
    public static DataHub standard(Path datasetsDir) {
        String spec = Options.MIRROR.given();
        if (spec == null || spec.isBlank()) {
            spec = System.getenv(MIRROR_ENV);
        }
        List<Path> mirrors = new ArrayList<>();
        if (spec != null && !spec.isBlank()) {
            for (String part : spec.split(File.pathSeparator)) {
                if (!part.isBlank()) {
                    mirrors.add(Path.of(part.trim()));
                }
            }
        }
        return new DataHub(mirrors, datasetsDir.resolve("cache"), DataHub::httpDownload);
    }

    /** The path of a verified copy of {@code corpus}. */
    public Path fetch(Corpus corpus) {
        for (Path mirror : mirrors) {
            Path f = mirror.resolve(corpus.file());
            if (Files.isRegularFile(f)) {
                return verified(f, corpus, "replace it with the file from " + corpus.url());
            }
        }
        Path cached = cache.resolve(corpus.file());
        if (Files.isRegularFile(cached)) {
            return verified(cached, corpus, "delete it to download it again");
        }
        try {
            AtomicFiles.replace(cached, tmp -> {
                downloader.download(corpus.url(), tmp);
                String actual = sha1(tmp);
                if (!actual.equals(corpus.sha1())) {
                    throw new UserError("Downloaded " + corpus.url() + " but its SHA-1 is " + actual + ", expected "
                            + corpus.sha1() + "; put a good copy of " + corpus.file() + " in " + cache);
                }
            });
            return cached;
        } catch (IOException e) {
            throw new UserError("Corpus " + corpus.file() + " (SHA-1 " + corpus.sha1() + ") is missing: not in "
                    + (mirrors.isEmpty() ? "any mirror folder" : "mirror " + mirrors) + " nor in " + cache
                    + ", and downloading " + corpus.url() + " failed (" + cause(e) + "); put the file in " + cache
                    + " or point -D" + MIRROR_PROPERTY + "=DIR at a folder holding it");
        }
    }

    private static Path verified(Path f, Corpus corpus, String remedy) {
        String actual;
        try {
            actual = sha1(f);
        } catch (IOException e) {
            throw new UserError("Cannot read " + f + ": " + e.getMessage());
        }
        if (!actual.equals(corpus.sha1())) {
            throw new UserError(f + " is corrupt: SHA-1 " + actual + ", expected " + corpus.sha1() + "; " + remedy);
        }
        return f;
    }

    static String sha1(Path f) throws IOException {
        return DigitSumData.sha1(Files.readAllBytes(f));
    }

    /** What went wrong with a download, in words: the host, the connection, the status, not a bare exception. */
    static String cause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException) {
                return "host not found: " + t.getMessage() + "; is this machine offline or without DNS?";
            }
            if (t instanceof HttpConnectTimeoutException || t instanceof SocketTimeoutException) {
                return "no answer in time: the network is down or a firewall drops the connection";
            }
            if (t instanceof ConnectException) {
                return "connection refused or no route to the host: no network, or a proxy is needed";
            }
            if (t instanceof SSLException) {
                return "the secure connection failed: " + t.getMessage();
            }
            if (t instanceof HttpTimeoutException) {
                return "the download timed out";
            }
        }
        String m = e.getMessage();
        if (e.getClass() == IOException.class && m != null && !m.isBlank()) {
            return m;
        }
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    static void httpDownload(String url, Path target) throws IOException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5)).GET().build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new IOException("the server answered HTTP " + response.statusCode());
            }
            try (InputStream in = response.body()) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }
}
