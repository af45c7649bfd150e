package rnnlab.experiments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.learning.config.Sgd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import rnnlab.core.AtomicFiles;
import rnnlab.core.Config;
import rnnlab.core.Experiment;
import rnnlab.core.Markdown;
import rnnlab.core.ProcessMemory;
import rnnlab.core.ResultsCsv;
import rnnlab.core.Run;
import rnnlab.core.Threads;
import rnnlab.core.UserError;
import rnnlab.kernels.BlasCore;
import rnnlab.kernels.Gemm;
import rnnlab.lm.CharRnnModel;
import rnnlab.lm.LanguageModel;
import rnnlab.lm.NetLanguageModel;
import rnnlab.lm.ScratchRnn;
import rnnlab.lm.WordRnnModel;
import rnnlab.model.GradientClipping;

/**
 * Training throughput of the tutorials' models beside {@code ../shared/bench/torch_peer.py}: the same
 * names, sizes, batches and steps, cross-entropy over every step, global-norm clipping at 1 and one SGD
 * step (lr 0.1) per batch, through the code the experiments use ({@link ScratchRnn} for the Time Machine
 * RNN, d2l-zh's {@code RNNModel} for the other character models, the PTB experiments' networks for the word
 * models). Each model trains a few warm-up batches, then as many as fit in {@code bench.seconds}, every batch
 * from a zero state as the peers' are.
 */
public final class Bench implements Experiment {
    private static final Logger log = LoggerFactory.getLogger(Bench.class);

    /** A peer model: as torch_peer.py's CONFIGS (embedding 0 for one-hot input). */
    record Model(String name, String cell, int vocab, int hidden, int layers, boolean bidirectional, int batch, int steps,
            int embedding) {
        /**
         * Floating-point operations of one token's training step, counted as the peers' code performs them: each
         * matrix product's 2 m n k, the forward products once and the backward twice (the gradients of the
         * product's input and of its weight), the one-hot input as the dense product the tutorials compute (an
         * embedding lookup counts nothing). Element-wise work is left out.
         */
        double flopsPerToken() {
            int gates = switch (cell) {
                case "gru" -> 3;
                case "lstm" -> 4;
                default -> 1;
            };
            int directions = bidirectional ? 2 : 1;
            double forward = 0;
            int in = embedding > 0 ? embedding : vocab;
            for (int l = 0; l < layers; l++) {
                forward += directions * 2.0 * gates * ((double) in * hidden + (double) hidden * hidden);
                in = directions * hidden;
            }
            forward += 2.0 * in * vocab; // the output layer
            return 3 * forward;
        }
    }

    static final List<Model> MODELS = List.of(
            new Model("timemachine-rnn-h512", "rnn", 28, 512, 1, false, 32, 35, 0),
            new Model("timemachine-gru-h256", "gru", 28, 256, 1, false, 32, 35, 0),
            new Model("timemachine-lstm-h256", "lstm", 28, 256, 1, false, 32, 35, 0),
            new Model("jaychou-rnn-h256", "rnn", 1027, 256, 1, false, 32, 35, 0),
            new Model("jaychou-gru-h256", "gru", 1027, 256, 1, false, 32, 35, 0),
            new Model("jaychou-lstm-h256", "lstm", 1027, 256, 1, false, 32, 35, 0),
            new Model("jaychou-lstm2-h256", "lstm", 1027, 256, 2, false, 32, 35, 0),
            new Model("jaychou-bigru-h128", "gru", 1027, 128, 1, true, 32, 35, 0),
            new Model("ptb-rnn-h150", "rnn", 10000, 150, 1, false, 20, 35, 150),
            new Model("digitsum-srn-h32-len35", "rnn", 10, 32, 1, false, 8, 35, 32),
            // the PTB course's LSTM (PtbWordLstm), then Zaremba et al.'s small and medium models (PtbZarembaSmall,
            // PtbZarembaMedium) without the medium one's dropout, as the peers run them
            new Model("ptb-lstm-h300", "lstm", 10000, 300, 1, false, 20, 35, 300),
            new Model("ptb-lstm2-h200", "lstm", 10000, 200, 2, false, 20, 20, 200),
            new Model("ptb-lstm2-h650", "lstm", 10000, 650, 2, false, 20, 35, 650));

    /** {@code peer} and {@code djl}: the peers' CSVs as given (relative to the project folder), or null for none. */
    record Params(List<Model> models, double seconds, int warmup, int repeats, String peer, String djl) {
    }

    @Override
    public Configured configure(Config c) {
        Params p = new Params(select(c.strings("bench.only")), c.real("bench.seconds", 0.1, 3600), c.integer("bench.warmup", 0, 1000),
                c.integer("bench.repeats", 1, 100), peerFile(c, "peer"), peerFile(c, "djl_peer"));
        return run -> execute(p, run);
    }

    /** The models {@code bench.only} names, in its order: all, or a list of names. */
    static List<Model> select(List<String> names) {
        if (names.equals(List.of("all"))) {
            return MODELS;
        }
        List<Model> models = new ArrayList<>();
        for (String name : names) {
            Model m = MODELS.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow(() -> new UserError(
                    "Invalid value for 'bench.only': '" + String.join(",", names) + "' (no model '" + name
                            + "'); expected all or a comma-separated list of " + String.join(", ",
                                    MODELS.stream().map(Model::name).toList())));
            models.add(m);
        }
        return models;
    }

    private static String peerFile(Config c, String key) {
        String v = c.string(key);
        return v.equals("none") ? null : v;
    }

    /**
     * A peer's CSV, relative to the project folder (not the working directory: a Spark executor's is its worker's
     * scratch folder); checked before anything is measured or written.
     */
    private static Path peerPath(Run run, String key, String given, String program) {
        Path f = run.projectDir().resolve(given);
        if (!Files.isRegularFile(f)) {
            throw new UserError("Invalid value for '" + key + "': " + given + " is not a file; expected the CSV " + program
                    + " printed (name,tokens_per_second) or none");
        }
        return f;
    }

    /**
     * A matrix product the models make, for the products table: {@code m x k} by {@code k x n}, A or B transposed as
     * the kernels pass them.
     */
    record Product(String what, int m, int n, int k, boolean transA, boolean transB) {
        double flop() {
            return 2.0 * m * n * k;
        }
    }

    /** The fp32 peak yardstick, then the products whose speed bounds the models, each model's largest ones. */
    static final List<Product> PRODUCTS = List.of(
            new Product("one 2048^3 product (the peak)", 2048, 2048, 2048, false, false),
            new Product("timemachine-rnn-h512 step: H U", 32, 512, 512, false, false),
            new Product("timemachine-lstm-h256 step: H RW (four gates)", 32, 1024, 256, false, false),
            new Product("timemachine-lstm-h256 step back: dZ RW^T", 32, 256, 1024, false, false),
            new Product("timemachine-lstm-h256 weight gradient: H^T dZ over 35 steps", 256, 1024, 1120, true, false),
            new Product("ptb-rnn-h150 output: H W^T over 35 x 20 tokens", 700, 10000, 150, false, true),
            new Product("ptb-lstm2-h650 step: H RW (four gates)", 20, 2600, 650, false, false),
            new Product("ptb-lstm2-h650 output: H W^T over 35 x 20 tokens", 700, 10000, 650, false, true));

    /**
     * GFLOP/s of {@code p} through {@code lib} on this thread: the best of a few timed rounds of repeated products on
     * random operands.
     */
    static double productGflops(Product p, Gemm.Library lib) {
        Random r = new Random(1);
        FloatPointer a = random(r, (long) p.m() * p.k());
        FloatPointer b = random(r, (long) p.k() * p.n());
        FloatPointer c = new FloatPointer((long) p.m() * p.n());
        int lda = p.transA() ? p.m() : p.k();
        int ldb = p.transB() ? p.k() : p.n();
        int reps = (int) Math.max(2, 1.5e9 / p.flop());
        double best = Double.MAX_VALUE;
        try {
            for (int round = 0; round < 4; round++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    Gemm.sgemm(lib, p.transA(), p.transB(), p.m(), p.n(), p.k(), 1f, a, lda, b, ldb, 0f, c,
                            p.n());
                }
                best = Math.min(best, (System.nanoTime() - t0) / 1e9 / reps);
            }
        } finally {
            a.close();
            b.close();
            c.close();
        }
        return p.flop() / best / 1e9;
    }

    private static FloatPointer random(Random r, long n) {
        FloatPointer p = new FloatPointer(n);
        for (long i = 0; i < n; i++) {
            p.put(i, r.nextFloat() - 0.5f);
        }
        return p;
    }

    /**
     * A model built by the project's own code for a peer's configuration: the word models (an embedding as wide as
     * the hidden layer) as the PTB experiments build them, the course's three layers or, with two layers, Zaremba et
     * al.'s stack (no dropout, as the peers; its weights in PyTorch's default +-1/sqrt(hidden), which moves no
     * timing).
     */
    static LanguageModel build(Model m) {
        GradientClipping clip = GradientClipping.clip(1.0);
        if (m.embedding() > 0) {
            if (m.embedding() != m.hidden()) {
                throw new IllegalArgumentException(m.name() + ": the word models' embedding is as wide as their hidden layer");
            }
            return new NetLanguageModel(m.layers() > 1
                    ? WordRnnModel.stacked(m.vocab(), m.hidden(), m.layers(), 0, 1 / Math.sqrt(m.hidden()), 0.1, m.steps(), 0)
                    : WordRnnModel.build(WordRnnModel.Cell.valueOf(m.cell().toUpperCase(Locale.ROOT)), m.vocab(), m.hidden(),
                            0.1, m.steps(), 0),
                    m.vocab(), clip);
        }
        if (m.name().equals("timemachine-rnn-h512")) {
            return new ScratchRnn(m.vocab(), m.hidden(), 0.1, 1.0, 0);
        }
        CharRnnModel.Cell cell = CharRnnModel.Cell.valueOf(m.cell().toUpperCase(Locale.ROOT));
        return new NetLanguageModel(CharRnnModel.build(cell, m.vocab(), m.hidden(), m.layers(), m.bidirectional(),
                new Sgd(0.1), m.steps(), 0, true), m.vocab(), clip);
    }

    /** One model's measurement: the median of its timed windows, their range, and the peak memory. */
    record Result(Model model, double tokensPerSecond, double slowest, double fastest, double peakRssMb) {
    }

    static Result measure(Model m, double seconds, int warmup, int repeats) {
        resetPeakRss();
        LanguageModel lm = build(m);
        Random r = new Random(0);
        int[][] x = new int[m.batch()][m.steps()];
        int[][] y = new int[m.batch()][m.steps()];
        for (int b = 0; b < m.batch(); b++) {
            for (int t = 0; t < m.steps(); t++) {
                x[b][t] = r.nextInt(m.vocab());
                y[b][t] = r.nextInt(m.vocab());
            }
        }
        for (int i = 0; i < warmup; i++) {
            lm.resetState();
            lm.fit(x, y);
        }
        double[] rates = new double[repeats];
        for (int w = 0; w < repeats; w++) {
            long n = 0;
            long t0 = System.nanoTime();
            double elapsed;
            do {
                lm.resetState();
                lm.fit(x, y);
                n++;
                elapsed = (System.nanoTime() - t0) / 1e9;
            } while (elapsed < seconds);
            rates[w] = n * m.steps() * m.batch() / elapsed;
        }
        Arrays.sort(rates);
        double median = repeats % 2 == 1 ? rates[repeats / 2] : (rates[repeats / 2 - 1] + rates[repeats / 2]) / 2;
        return new Result(m, median, rates[0], rates[repeats - 1], peakRssMb());
    }

    /** Linux: resets the peak resident set so the next reading is this model's (best effort). */
    static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // not Linux, or not allowed: the peak then covers the run so far
        }
    }

    /** Peak resident memory of this JVM (VmHWM), in MB, or NaN where /proc is missing. */
    static double peakRssMb() {
        return ProcessMemory.peakMb(ProcessHandle.current().pid());
    }

    static Map<String, Double> readPeer(Path file) {
        Map<String, Double> out = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.trim().split(",");
                if (f.length == 2 && !f[0].isEmpty()) {
                    try {
                        out.put(f[0].trim(), Double.parseDouble(f[1].trim()));
                    } catch (NumberFormatException e) {
                        // a header or a stray line
                    }
                }
            }
        } catch (IOException e) {
            throw new UserError("Cannot read the peer's CSV " + file + ": " + e.getMessage());
        }
        return out;
    }

    private void execute(Params p, Run run) {
        Map<String, Double> peer = p.peer() == null ? Map.of() : readPeer(peerPath(run, "peer", p.peer(), "torch_peer.py"));
        Map<String, Double> djl = p.djl() == null ? Map.of()
                : readPeer(peerPath(run, "djl_peer", p.djl(), "djl-peer.jar"));
        Map<Product, Map<Gemm.Library, Double>> products = new LinkedHashMap<>();
        for (Product pr : PRODUCTS) {
            Map<Gemm.Library, Double> g = new EnumMap<>(Gemm.Library.class);
            for (Gemm.Library lib : List.of(Gemm.Library.OPENBLAS, Gemm.Library.ONEDNN)) {
                g.put(lib, productGflops(pr, lib));
            }
            products.put(pr, g);
            log.info("{}: OpenBLAS {} GFLOP/s, oneDNN {} GFLOP/s", pr.what(), Markdown.f(g.get(Gemm.Library.OPENBLAS), 1),
                    Markdown.f(g.get(Gemm.Library.ONEDNN), 1));
        }
        double peak = products.get(PRODUCTS.get(0)).get(Gemm.library()); // through the library the models use
        List<Result> results = new ArrayList<>();
        for (Model m : p.models()) {
            Result r = measure(m, p.seconds(), p.warmup(), p.repeats());
            log.info("{},{}", m.name(), Math.round(r.tokensPerSecond()));
            results.add(r);
            write(p, run, results, peer, djl, peak, products);
        }
    }

    private static void write(Params p, Run run, List<Result> results, Map<String, Double> peer, Map<String, Double> djl,
            double peak, Map<Product, Map<Gemm.Library, Double>> products) {
        ResultsCsv csv = new ResultsCsv();
        List<List<String>> rows = new ArrayList<>();
        for (Result r : results) {
            String name = r.model().name();
            csv.addFinal(name, "tokens_per_second", r.tokensPerSecond());
            if (!Double.isNaN(r.peakRssMb())) {
                csv.addFinal(name, "peak_rss_mb", r.peakRssMb());
            }
            Double other = peer.get(name);
            if (other != null) {
                csv.addFinal(name, "ratio_vs_peer", r.tokensPerSecond() / other);
            }
            Double d = djl.get(name);
            if (d != null) {
                csv.addFinal(name, "ratio_vs_djl", r.tokensPerSecond() / d);
            }
            double gflops = r.tokensPerSecond() * r.model().flopsPerToken() / 1e9;
            csv.addFinal(name, "gflops", gflops);
            csv.addFinal(name, "mflop_per_token", r.model().flopsPerToken() / 1e6);
            rows.add(List.of(name, Markdown.f(r.tokensPerSecond(), 0),
                    Markdown.f(r.slowest(), 0) + "-" + Markdown.f(r.fastest(), 0), other == null ? "-" : Markdown.f(other, 0),
                    other == null ? "-" : Markdown.f(r.tokensPerSecond() / other, 2), d == null ? "-" : Markdown.f(d, 0),
                    d == null ? "-" : Markdown.f(r.tokensPerSecond() / d, 2),
                    Markdown.f(r.model().flopsPerToken() / 1e6, 2), Markdown.f(gflops, 1),
                    Markdown.f(100 * gflops / peak, 0) + "%", Markdown.f(r.peakRssMb(), 0)));
        }
        csv.addFinal("sgemm-2048", "gflops", peak);
        List<List<String>> productRows = new ArrayList<>();
        int i = 0;
        for (Map.Entry<Product, Map<Gemm.Library, Double>> e : products.entrySet()) {
            Product pr = e.getKey();
            String name = "product-" + i++;
            double openblas = e.getValue().get(Gemm.Library.OPENBLAS);
            double onednn = e.getValue().get(Gemm.Library.ONEDNN);
            csv.addFinal(name, "gflops_openblas", openblas);
            csv.addFinal(name, "gflops_onednn", onednn);
            productRows.add(List.of(pr.what(), pr.m() + " x " + pr.k() + (pr.transA() ? " (A^T)" : "") + " by " + pr.k()
                    + " x " + pr.n() + (pr.transB() ? " (B^T)" : ""), Markdown.f(openblas, 1), Markdown.f(onednn, 1),
                    Markdown.f(onednn / openblas, 2)));
        }
        csv.write(run.out("Bench.csv"));
        Markdown md = new Markdown().heading(1, "Bench");
        md.para("Training throughput (tokens = time steps x batch, per second) of the tutorials' models through the "
                + "project's own training path, beside PyTorch's (`../shared/bench/torch_peer.py`) on the same machine "
                + "(this run's: " + BlasCore.machine() + "): "
                + "the same sizes, batches and steps, cross-entropy over every step, global-norm clipping at 1, one SGD "
                + "step per batch; the project's matrix products through " + Gemm.describe() + " ("
                + "`-Dgemm`); " + p.warmup() + " warm-up batches, then " + p.repeats() + " timed windows of "
                + p.seconds() + " s per model, of which the table gives the median and the range. Threads: "
                + Threads.describe() + "; environment OPENBLAS_CORETYPE=" + env("OPENBLAS_CORETYPE")
                + ", OPENBLAS_L2_SIZE=" + env("OPENBLAS_L2_SIZE") + ", OPENBLAS_NUM_THREADS="
                + env("OPENBLAS_NUM_THREADS") + ". Peak RSS is the JVM's resident peak (VmHWM) when the model had trained; "
                + "the models run in order in one JVM, which keeps the memory it has taken, so each figure also "
                + "covers the models above it.");
        md.table(List.of("model", "tokens/s (median)", "range", "PyTorch tokens/s", "x PyTorch", "DJL tokens/s", "x DJL",
                "MFLOP/token", "GFLOP/s", "of peak", "peak RSS MB"), rows);
        md.para("MFLOP/token counts each matrix product of a training step (2 m n k; forward once, backward twice; "
                + "a one-hot input as the dense product the peers compute, an embedding lookup as nothing); GFLOP/s is "
                + "that times tokens/s, and \"of peak\" sets it beside the " + Markdown.f(peak, 1) + " GFLOP/s one "
                + "2048 x 2048 x 2048 sgemm reaches on this thread through that library.");
        md.heading(2, "The products, by library");
        md.para("One thread, row-major sgemm on random operands (`product-N` rows of the CSV; `rnnlab.kernels.Gemm`): "
                + "OpenBLAS is the build ND4J bundles, with the kernels chosen for this CPU (OPENBLAS_CORETYPE="
                + env("OPENBLAS_CORETYPE") + "); oneDNN generates its kernel for the CPU at run time.");
        md.table(List.of("product", "shape", "OpenBLAS GFLOP/s", "oneDNN GFLOP/s", "x"), productRows);
        md.para((peer.isEmpty() ? "No PyTorch figures: run torch_peer.py (its header says how), save its output and pass "
                + "`-Dpeer=FILE`." : "PyTorch figures from `" + p.peer() + "`.") + " "
                + (djl.isEmpty() ? "No DJL figures: build and run ../shared/bench/djl_peer (its README says how), save "
                        + "its output and pass `-Ddjl_peer=FILE`." : "DJL figures from `" + p.djl() + "`."));
        AtomicFiles.write(run.out("Bench.md"), md.text());
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null ? "(unset)" : v;
    }
}
