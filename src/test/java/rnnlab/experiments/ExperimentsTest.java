package rnnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import rnnlab.core.Catalog;
import rnnlab.core.Config;
import rnnlab.core.Markdown;
import rnnlab.core.UserError;
import rnnlab.stats.Figures.Figure;
import rnnlab.stats.Figures;
import rnnlab.stats.Seeds;

/**
 * Every experiment the catalog lists is its class, and its facts, read from its file, are what the code held before
 * they moved there (core/Registry, stats/Figures and the classes' own words), so no page or number changed.
 */
class ExperimentsTest {
    @Test
    void everyExperimentFileLoadsInBothProfiles() {
        for (String name : Catalog.project().all().keySet()) {
            for (String profile : Config.PROFILES) {
                Config c = Config.load(Path.of("experiments"), name, profile, Map.of());
                Experiments.create(name).configure(c);
                c.assertAllRead();
            }
        }
        UserError unknown = assertThrows(UserError.class, () -> Experiments.create("RedrawnPlots"));
        assertTrue(unknown.getMessage().startsWith("Unknown experiment 'RedrawnPlots'; valid: DigitSumSrn, DigitSumLstm"));
    }

    /** What stats/Figures held. */
    private static Map<String, List<Figure>> figuresBefore() {
        Map<String, List<Figure>> m = new LinkedHashMap<>();
        double n = Double.NaN;
        m.put("DigitSumSrn", List.of(new Figure(null, "final", "test_accuracy", n, Figures.ACCURACY),
                new Figure(null, "final", "best_dev_accuracy", n, Figures.ACCURACY)));
        m.put("TimeMachineRnnScratch", List.of(new Figure("sampling=sequential", "final", "perplexity", 1.0, Figures.PERPLEXITY),
                new Figure("sampling=random", "final", "perplexity", 1.4, Figures.PERPLEXITY)));
        m.put("JayChouRnnScratch", List.of(new Figure("sampling=random", "final", "perplexity", n, Figures.PERPLEXITY),
                new Figure("sampling=sequential", "final", "perplexity", n, Figures.PERPLEXITY)));
        m.put("JayChouRnn", every(50, 10.658418, 1.308539, 1.070370, 1.034663, 1.021437));
        m.put("JayChouGru", every(40, 1.022157, 1.014535, 1.147843, 1.018370));
        m.put("JayChouLstm", every(40, 1.020401, 1.011164, 1.025348, 1.017492));
        m.put("JayChouDeepLstm", every(40, 12.840496, 1.247634, 1.021974, 1.016324));
        m.put("JayChouBiGru", every(40, 1.001741, 1.000520, 1.000255, 1.000151));
        List<Figure> ptb = new ArrayList<>();
        double[] rnn = {330.9, 243.1, 211.3, 193.3, 182.0, 172.8, 167.6, 161.1, 157.4, 155.5};
        for (int e = 0; e < rnn.length; e++) {
            ptb.add(new Figure("model=rnn", String.valueOf(e + 1), "test_perplexity", rnn[e], Figures.PERPLEXITY));
        }
        m.put("PtbWordRnn", ptb);
        m.put("PtbWordLstm", List.of(new Figure("model=lstm", "8", "test_perplexity", 106.9, Figures.PERPLEXITY)));
        m.put("PtbZarembaSmall", zaremba("model=small", 114.5, 13, 120.7));
        // the medium model: the two figures the paper prints for it, no per-epoch verdicts (a seed costs hours)
        m.put("PtbZarembaMedium", List.of(new Figure("model=medium", "final", "test_perplexity", 82.7, Figures.PERPLEXITY),
                new Figure("model=medium", "39", "valid_perplexity", 86.2, Figures.PERPLEXITY)));
        m.put("HelloOhlolRnnCell", List.of(new Figure(Seeds.ALL, "final", "final_loss", 1.9463403224945068, Figures.LOSS)));
        m.put("HelloOhlolRnn", List.of(new Figure(Seeds.ALL, "final", "final_loss", 0.39772507548332214, Figures.LOSS)));
        return m;
    }

    /** The paper's final test perplexity, then every epoch's validation perplexity (printed at the last). */
    private static List<Figure> zaremba(String setting, double test, int epochs, double valid) {
        List<Figure> out = new ArrayList<>();
        out.add(new Figure(setting, "final", "test_perplexity", test, Figures.PERPLEXITY));
        for (int e = 1; e <= epochs; e++) {
            out.add(new Figure(setting, String.valueOf(e), "valid_perplexity", e == epochs ? valid : Double.NaN,
                    Figures.PERPLEXITY));
        }
        return out;
    }

    private static List<Figure> every(int period, double... printed) {
        List<Figure> out = new ArrayList<>();
        for (int i = 0; i < printed.length; i++) {
            out.add(new Figure("sampling=sequential", String.valueOf(period * (i + 1)), "perplexity", printed[i],
                    Figures.PERPLEXITY));
        }
        return out;
    }

    @Test
    void theFiguresAndKnownDifferencesAreWhatFiguresHeld() {
        Map<String, List<Figure>> before = figuresBefore();
        for (String name : Catalog.project().all().keySet()) {
            // the same figures, each with its experiment's seed cap (about.seed_cap)
            assertEquals(before.getOrDefault(name, List.of()), Figures.of(name).stream().map(f -> new Figure(f.setting(),
                    f.epoch(), f.metric(), f.printed(), f.tolerance())).toList(), name);
            int cap = Catalog.project().get(name).seedCap();
            assertTrue(Figures.of(name).stream().allMatch(f -> f.seedCap() == cap), name);
        }
        // the one-bias and d2l-GRU differences are gone: the project's layers now have PyTorch's two biases and nn.GRU
        Map<String, String> why = new LinkedHashMap<>();
        for (String name : Catalog.project().all().keySet()) {
            why.put(name, "");
        }
        why.forEach((name, text) -> assertEquals(text, Figures.why(name), name));
    }

    @Test
    void theListHeadlinesAndObjectivesAreWhatTheRegistryHeld() {
        String tm = "d2l-v2-rnn-from-scratch-time-machine.txt";
        String jay = "d2l-zh-v1-rnn-gru-lstm-deep-bi-jaychou-lyrics.txt";
        String ptb = "embedding-rnn-lstm-ptb-word-lm.txt";
        String hello = "rnncell-rnn-hello-ohlol.txt";
        String dev = "best_dev_accuracy|higher|best dev accuracy (higher is better)";
        String held = "heldout_perplexity|lower|held-out perplexity at the end of training (lower is better)";
        String valid = "valid_perplexity|lower|validation perplexity after the last epoch (lower is better)";
        String loss = "final_loss|lower|training loss after the last epoch (lower is better; the task has no held-out data)";
        String[][] before = {
            {"DigitSumSrn", "DigitSum memory task: hand-written SRN, accuracy vs sequence length",
                "nndl-digitsum-srn-memory.txt", "figures only (accuracy falls past length 15)|test_accuracy", dev},
            {"DigitSumLstm", "DigitSum memory task with an LSTM in place of the SRN", "nndl-digitsum-srn-memory.txt",
                "- (beyond the tutorial)|test_accuracy", dev},
            {"TimeMachineRnnScratch", "The Time Machine: char RNN from scratch (explicit ND4J), sequential and random", tm,
                "perplexity 1.0 sequential, 1.4 random (500 epochs)|perplexity", held},
            {"JayChouRnnScratch", "Jay Chou lyrics: char RNN from scratch (explicit ND4J), random and consecutive", jay,
                "not printed|perplexity", held},
            {"JayChouRnn", "Jay Chou lyrics: RNNModel with a tanh RNN layer (256), Adam", jay,
                "perplexity 1.021 (250 epochs)|perplexity", held},
            {"JayChouGru", "Jay Chou lyrics: RNNModel with a GRU layer (256), Adam", jay,
                "perplexity 1.018 (160 epochs)|perplexity", held},
            {"JayChouLstm", "Jay Chou lyrics: RNNModel with an LSTM layer (256), Adam", jay,
                "perplexity 1.017 (160 epochs)|perplexity", held},
            {"JayChouDeepLstm", "Jay Chou lyrics: RNNModel with a 2-layer LSTM (256), Adam", jay,
                "perplexity 1.016 (160 epochs)|perplexity", held},
            {"JayChouBiGru", "Jay Chou lyrics: RNNModel with a bidirectional GRU (128), a flawed LM", jay,
                "perplexity 1.00015 (160 epochs)|perplexity", held},
            {"PtbWordRnn", "Penn Treebank words: embedding, tanh RNN (150), linear; SGD with normalised gradients", ptb,
                "test perplexity 155.5 (10 epochs)|heldout_perplexity", valid},
            {"PtbWordLstm", "Penn Treebank words: embedding, LSTM (300), linear; SGD with normalised gradients", ptb,
                "test perplexity 106.9 (8 epochs)|heldout_perplexity", valid},
            {"PtbZarembaSmall", "Penn Treebank words: Zaremba et al. 2014's small LSTM (2x200, no dropout), SGD, "
                + "clipping at 5", "-", "test perplexity 114.5 (13 epochs)|test_perplexity", valid},
            {"PtbZarembaMedium", "Penn Treebank words: Zaremba et al. 2014's medium LSTM (2x650, dropout 0.5), SGD, "
                + "clipping at 5", "-", "test perplexity 82.7 (39 epochs)|test_perplexity", valid},
            {"HelloOhlolRnnCell", "'hello' -> 'ohlol' with an RNN cell in a hand-written loop, seeds 0 to 29 (its settled plan; its file: 0 to 9)", hello,
                "final loss 1.946 (one run)|final_loss", loss},
            {"HelloOhlolRnn", "'hello' -> 'ohlol' with a whole-sequence RNN layer, seeds 0 to 29 (its settled plan; its file: 0 to 9)", hello,
                "final loss 0.398 (one run)|final_loss", loss},
            {"ShapesTour", "The tutorials' PyTorch shapes beside DL4J's actual ones, and nn.RNN's arguments in DL4J",
                "embedding-rnn-lstm-ptb-word-lm.txt", null, null},
            {"Bench", "Training throughput of the tutorials' models beside PyTorch's (torch_peer.py)", "-", null, null},
        };
        List<String> names = new ArrayList<>();
        for (String[] b : before) {
            names.add(b[0]);
            Catalog.Facts f = Catalog.project().get(b[0]);
            assertEquals(b[1], f.description(), b[0]);
            assertEquals(b[2], f.tutorial(), b[0]);
            assertEquals(b[3], f.headline().map(h -> h.published() + "|" + h.metric()).orElse(null), b[0]);
            assertEquals(b[4], f.objective().map(o -> o.metric() + "|" + (o.minimize() ? "lower" : "higher") + "|"
                    + o.description()).orElse(null), b[0]);
        }
        assertEquals(names, List.copyOf(Catalog.project().all().keySet()), "-Dexp=all's order");
    }

    @Test
    void thePagesWordsFromTheFactsAreTheWordsTheClassesHeld() {
        assertEquals("1.021 (epoch 250)", new JayChouRnn().tutorialFigure("sequential"));
        assertEquals("The tutorial printed perplexity 10.66, 1.31, 1.07, 1.035 and 1.021 at epochs 50 to 250.",
                new JayChouRnn().tutorialNote());
        assertEquals("1.018 (epoch 160)", new JayChouGru().tutorialFigure("sequential"));
        assertEquals("The tutorial printed perplexity 1.022, 1.015, 1.148 and 1.018 at epochs 40 to 160.",
                new JayChouGru().tutorialNote());
        assertEquals("1.017 (epoch 160)", new JayChouLstm().tutorialFigure("sequential"));
        assertEquals("The tutorial printed perplexity 1.020, 1.011, 1.025 and 1.017 at epochs 40 to 160.",
                new JayChouLstm().tutorialNote());
        assertEquals("1.016 (epoch 160)", new JayChouDeepLstm().tutorialFigure("sequential"));
        assertEquals("The tutorial printed perplexity 12.84, 1.25, 1.022 and 1.016 at epochs 40 to 160.",
                new JayChouDeepLstm().tutorialNote());
        assertEquals("1.00015 (epoch 160)", new JayChouBiGru().tutorialFigure("sequential"));
        assertEquals("The tutorial printed perplexity 1.0017, 1.0005, 1.0003 and 1.00015 at epochs 40 to 160, with text "
                + "that repeats '开始开始...' and '球我球我...'.", new JayChouBiGru().tutorialNote());
        assertEquals("1.4 (epoch 500)", new TimeMachineRnnScratch().tutorialFigure("random"));
        assertEquals("1.0 (epoch 500)", new TimeMachineRnnScratch().tutorialFigure("sequential"));
        assertTrue(new TimeMachineRnnScratch().tutorialNote().startsWith("The tutorial printed perplexity 1.0 for "
                + "sequential partitioning and 1.4 for the random run after 500 epochs, at about 28,000 tokens/s"));
        assertTrue(new JayChouRnnScratch().tutorialNote().endsWith("its concise RNN (JayChouRnn) reached perplexity 1.02 "
                + "after 250 epochs."));
        assertEquals(1.946, Double.parseDouble(Markdown.f(new HelloOhlolRnnCell().tutorialFinalLoss(), 3)));
        assertEquals(0.398, Double.parseDouble(Markdown.f(new HelloOhlolRnn().tutorialFinalLoss(), 3)));
        double nan = Double.NaN;
        assertEquals(List.of(330.9, 243.1, 211.3, 193.3, 182.0, 172.8, 167.6, 161.1, 157.4, 155.5),
                boxed(new PtbWordRnn().printedTestPerplexity()));
        assertEquals(List.of(nan, nan, nan, nan, nan, nan, nan, 106.9), boxed(new PtbWordLstm().printedTestPerplexity()));
        assertTrue(new PtbWordLstm().modelNote().endsWith("The course printed a final test perplexity of 106.9 after 8 "
                + "epochs."));
    }

    private static List<Double> boxed(double[] a) {
        List<Double> out = new ArrayList<>();
        for (double d : a) {
            out.add(d);
        }
        return out;
    }
}
