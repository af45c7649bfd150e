package rnnlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import rnnlab.data.CharCorpus;
import rnnlab.data.CharLmIterator;
import rnnlab.lm.LanguageModel;

/** The training loop's prediction, held-out perplexity and state handling, against a scripted model. */
class LmTrainerTest {
    /**
     * A model whose "state" counts the tokens it has read since its last reset and which always puts
     * probability 0.5 on (last input + 1) mod vocab and spreads the rest evenly; it records every call.
     */
    static final class Scripted implements LanguageModel {
        final int vocab;
        final List<String> calls = new ArrayList<>();
        int state;

        Scripted(int vocab) {
            this.vocab = vocab;
        }

        @Override
        public int vocab() {
            return vocab;
        }

        @Override
        public double fit(int[][] x, int[][] y) {
            calls.add("fit@" + state);
            state += x[0].length;
            return Math.log(2);
        }

        @Override
        public INDArray probabilities(int[][] x) {
            int rows = x.length;
            int steps = x[0].length;
            StringBuilder sb = new StringBuilder("in@" + state + ":");
            INDArray p = Nd4j.valueArrayOf(new long[] {rows, vocab, steps}, 0.5 / (vocab - 1));
            for (int r = 0; r < rows; r++) {
                for (int t = 0; t < steps; t++) {
                    int next = (Math.max(x[r][t], 0) + 1) % vocab;
                    p.putScalar(new long[] {r, next, t}, 0.5);
                    if (r == 0) {
                        sb.append(x[r][t]).append(' ');
                    }
                }
            }
            calls.add(sb.toString().trim());
            state += steps;
            return p;
        }

        @Override
        public void resetState() {
            calls.add("reset");
            state = 0;
        }

        @Override
        public Object saveState() {
            return state;
        }

        @Override
        public void restoreState(Object s) {
            calls.add("restore@" + s);
            state = (Integer) s;
        }

        @Override
        public long numParams() {
            return 0;
        }

        @Override
        public void writeTraining(DataOutputStream out) {
        }

        @Override
        public void readTraining(DataInputStream in) {
        }
    }

    static CharCorpus corpus(Path dir, String text) throws Exception {
        Path f = dir.resolve("t.txt");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return CharCorpus.timeMachine(f);
    }

    @Test
    void predictWarmsUpOnThePrefixThenFeedsBackItsArgmax(@TempDir Path dir) throws Exception {
        CharCorpus c = corpus(dir, "abcd"); // vocabulary: <unk>, a, b, c, d (ids 0..4)
        Scripted m = new Scripted(c.vocabSize());
        m.state = 7; // a training state that must survive
        String text = LmTrainer.predict(m, c, "ba", 3, 0, new Random(0));
        // warm-up feeds 'b' (2) and predicts nothing from it; then 'a' (1) -> b, b -> c, c -> d
        assertEquals("babcd", text);
        assertEquals(List.of("reset", "in@0:2", "in@1:1", "in@2:2", "in@3:3", "restore@7"), m.calls);
        assertEquals(7, m.state);
    }

    @Test
    void temperatureZeroIsArgmaxAndSamplingFollowsTheSharpenedProbabilities() {
        float[] p = {0.1f, 0.6f, 0.3f};
        assertEquals(1, LmTrainer.pick(p, 0, new Random(1)));
        Random r = new Random(2);
        int[] counts = new int[3];
        for (int i = 0; i < 20000; i++) {
            counts[LmTrainer.pick(p, 1.0, r)]++;
        }
        assertEquals(0.6, counts[1] / 20000.0, 0.02);
        // temperature 0.5 squares the probabilities: 0.36 / (0.01 + 0.36 + 0.09)
        counts = new int[3];
        for (int i = 0; i < 20000; i++) {
            counts[LmTrainer.pick(p, 0.5, r)]++;
        }
        assertEquals(0.36 / 0.46, counts[1] / 20000.0, 0.02);
    }

    @Test
    void heldOutPerplexityReadsRowsWithTheStateCarriedAndSkipsUnknownTargets() {
        Scripted m = new Scripted(4);
        m.state = 3;
        // 2 rows of length 5: row 0 = 0 1 2 3 0 (+1 target), row 1 = 1 2 9 0 1 (+ target 2)
        int[] ids = {0, 1, 2, 3, 0, 1, 2, 9, 0, 1, 2};
        LmTrainer.HeldOut h = LmTrainer.heldOutPerplexity(m, ids, 2, 3);
        // targets: row 0: 1 2 3 0 1 (all predicted with 0.5); row 1: 2 9 0 1 2 -> 9 is unknown (skipped);
        // after input 9 the model predicts (9+1)%4 = 2 with 0.5, but the target is 0: 0.5/3
        assertEquals(9, h.tokens());
        assertEquals(1, h.skipped());
        double nll = 8 * -Math.log(0.5) - Math.log(0.5 / 3);
        assertEquals(Math.exp(nll / 9), h.perplexity(), 1e-6);
        assertEquals(List.of("restore@3"), m.calls.subList(m.calls.size() - 1, m.calls.size()));
        assertEquals("reset", m.calls.get(0));
        assertEquals("in@0:0 1 2", m.calls.get(1)); // first 3 steps of row 0, from zeros
        assertEquals("in@3:3 0", m.calls.get(2)); // the next 2, carrying on
    }

    @Test
    void theStateIsResetAsTheSamplingDemands(@TempDir Path dir) throws Exception {
        CharCorpus c = corpus(dir, "abcdefghij".repeat(20));
        int[] train = c.head(200);
        for (LmTrainer.StateReset reset : LmTrainer.StateReset.values()) {
            Scripted m = new Scripted(c.vocabSize());
            CharLmIterator it = new CharLmIterator(train, c.vocabSize(), 2, 10, CharLmIterator.Sampling.SEQUENTIAL,
                    CharLmIterator.Flavour.D2L_ZH_V1, 0);
            new LmTrainer(m, it, c, new int[0], new LmTrainer.Spec(2, 2, 2, 0, List.of(), reset, 0, 0), "t").train(t -> {
            });
            List<String> fits = m.calls.stream().filter(s -> s.startsWith("fit") || s.equals("reset")).toList();
            // 200 tokens in 2 rows of 100: 9 batches of 10 steps per epoch
            String expected = switch (reset) {
                case EVERY_BATCH -> "reset " + "reset fit@0 ".repeat(18);
                case EVERY_EPOCH -> "reset " + ("reset " + "fit@%d ".repeat(9)).formatted(0, 10, 20, 30, 40, 50, 60, 70, 80)
                        .repeat(2);
                case NEVER -> "reset " + "fit@%d ".repeat(18).formatted(0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110,
                        120, 130, 140, 150, 160, 170);
            };
            assertEquals(expected.trim(), String.join(" ", fits), reset.name());
        }
    }
}
