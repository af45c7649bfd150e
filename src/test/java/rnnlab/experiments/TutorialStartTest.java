package rnnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import rnnlab.Main;
import rnnlab.core.Cli;
import rnnlab.core.ResultsCsv;
import rnnlab.data.DigitSumData;
import rnnlab.model.TorchStart;

/**
 * DigitSumSrn's {@code start=tutorial}: its job trains from the tutorial's own start for the seed, read from
 * {@code starts/DigitSumSrn/} (here the PyTorch fixture's start of seed 0, src/test/resources/torch/digitsum_steps.json),
 * so its first epoch's mean loss is the tutorial's code's over the same batches; a missing start is one line before
 * anything runs. TimeMachineRnnScratch's start also hands over the order of its batches (each epoch's offset), so its
 * runs from it give the tutorial's perplexity at each of their first epochs (at hidden size 16, to the CSV's 6
 * digits; src/test/resources/torch/timemachine_start.json).
 */
class TutorialStartTest {
    private static final Path PROJECT = Path.of("").toAbsolutePath();

    /** A project folder with the real experiments' settings and seed 0's tutorial start, nothing else. */
    private static JsonNode project(Path dir) throws Exception {
        Files.createSymbolicLink(dir.resolve("experiments"), PROJECT.resolve("experiments"));
        JsonNode fixture;
        try (InputStream in = TutorialStartTest.class.getResourceAsStream("/torch/digitsum_steps.json")) {
            fixture = new ObjectMapper().readTree(in);
        }
        Path start = TorchStart.file(dir, "DigitSumSrn", 0);
        Files.createDirectories(start.getParent());
        new ObjectMapper().writeValue(start.toFile(), fixture.get("start"));
        return fixture;
    }

    private static double firstEpochLoss(Path out) throws Exception {
        return ResultsCsv.read(out.resolve("DigitSumSrn.csv")).rows().stream()
                .filter(r -> r.setting().equals("length=25;seed=0") && r.metric().equals("train_loss")
                        && r.epoch().equals("1"))
                .findFirst().orElseThrow().value();
    }

    @Test
    void theFirstEpochFromTheTutorialsStartIsTheTutorialsCodes(@TempDir Path dir) throws Exception {
        JsonNode fixture = project(dir);
        int length = fixture.get("length").asInt();
        List<DataSet> train = DigitSumData.load(DigitSumData.ensure(dir.resolve("datasets"), DigitSumData.Spec.TUTORIAL)
                .resolve(length + "/train.txt"), length, 8);
        // the tutorial's code's first epoch: the mean of its first train.size() steps' losses (PyTorch, the fixture)
        double expected = 0;
        for (int step = 0; step < train.size(); step++) {
            expected += fixture.get("loss").get(step).asDouble() / train.size();
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        Map<String, String> one = Map.of("lengths", String.valueOf(length), "epochs", "1", "seeds", "0");
        Path tutorial = dir.resolve("tutorial");
        Map<String, String> withStart = new java.util.HashMap<>(one);
        withStart.put("start", "tutorial");
        assertEquals(0, Main.run(new Cli("DigitSumSrn", "full", tutorial.toString(), withStart), dir, out, out),
                buf.toString(StandardCharsets.UTF_8));
        assertEquals(expected, firstEpochLoss(tutorial), 2e-6 * expected);
        // our own start (the default) gives another first epoch: the start was the tutorial's
        Path own = dir.resolve("own");
        assertEquals(0, Main.run(new Cli("DigitSumSrn", "full", own.toString(), one), dir, out, out),
                buf.toString(StandardCharsets.UTF_8));
        assertNotEquals(expected, firstEpochLoss(own), 1e-3 * expected);
    }

    @Test
    void aMissingStartIsOneLineAndNothingRuns(@TempDir Path dir) throws Exception {
        project(dir);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        Path results = dir.resolve("results");
        int code = Main.run(new Cli("DigitSumSrn", "full", results.toString(), Map.of("start", "tutorial", "lengths", "5",
                "epochs", "1", "seeds", "0..2")), dir, out, out);
        String said = buf.toString(StandardCharsets.UTF_8);
        assertNotEquals(0, code);
        assertTrue(said.contains("lacks seed 1, 2; write them with reference/run --starts --only DigitSumSrn --seeds 1,2"),
                said);
        assertFalse(said.contains("\tat "), "no stack trace: " + said);
        assertFalse(Files.exists(results.resolve("DigitSumSrn.csv")), "nothing written");
        // a start of another model is one line too, naming what it holds
        Files.writeString(TorchStart.file(dir, "DigitSumSrn", 1), "{\"rnn.weight_ih_l0\": [[0.1]]}");
        buf.reset();
        code = Main.run(new Cli("DigitSumSrn", "full", results.toString(), Map.of("start", "tutorial", "lengths", "5",
                "epochs", "1", "seeds", "1")), dir, out, out);
        said = buf.toString(StandardCharsets.UTF_8);
        assertNotEquals(0, code);
        assertTrue(said.contains("holds the parameters [rnn.weight_ih_l0], not the model's [embedding.W, linear.bias"),
                said);
        assertFalse(said.contains("\tat "), "no stack trace: " + said);
    }

    /** A project folder with the real experiments' settings and the fixture's TimeMachineRnnScratch start of its seed. */
    private static JsonNode timeMachine(Path dir) throws Exception {
        Files.createSymbolicLink(dir.resolve("experiments"), PROJECT.resolve("experiments"));
        JsonNode fixture;
        try (InputStream in = TutorialStartTest.class.getResourceAsStream("/torch/timemachine_start.json")) {
            fixture = new ObjectMapper().readTree(in);
        }
        Path start = TorchStart.file(dir, "TimeMachineRnnScratch", fixture.get("seed").asInt());
        Files.createDirectories(start.getParent());
        new ObjectMapper().writeValue(start.toFile(), fixture.get("start"));
        return fixture;
    }

    private static double perplexity(Path out, String sampling, int epoch) throws Exception {
        return ResultsCsv.read(out.resolve("TimeMachineRnnScratch.csv")).rows().stream()
                .filter(r -> r.setting().equals("sampling=" + sampling + ";seed=0") && r.metric().equals("perplexity")
                        && r.epoch().equals(String.valueOf(epoch)))
                .findFirst().orElseThrow().value();
    }

    @Test
    void theTimeMachinesRunsFromTheTutorialsStartAreTheTutorialsCodesEveryEpoch(@TempDir Path dir) throws Exception {
        JsonNode fixture = timeMachine(dir);
        int epochs = fixture.get("epochs").asInt();
        Map<String, String> small = new java.util.HashMap<>(Map.of("hidden_size", fixture.get("hidden").asText(), "epochs",
                String.valueOf(epochs), "seeds", "0", "pred_period", String.valueOf(epochs), "heldout_period",
                String.valueOf(epochs)));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        Path own = dir.resolve("own");
        Path tutorial = dir.resolve("tutorial");
        // both samplings in one run: two jobs on two worker JVMs, which must read this project's starts (dir), not
        // those of their working folder
        small.put("samplings", "sequential,random");
        System.setProperty("jobs", "2");
        try {
            assertEquals(0, Main.run(new Cli("TimeMachineRnnScratch", "full", own.toString(), small), dir, out, out),
                    buf.toString(StandardCharsets.UTF_8));
            small.put("start", "tutorial");
            assertEquals(0, Main.run(new Cli("TimeMachineRnnScratch", "full", tutorial.toString(), small), dir, out,
                    out), buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.clearProperty("jobs");
        }
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("on worker JVMs"), buf.toString(StandardCharsets.UTF_8));
        for (String sampling : List.of("sequential", "random")) {
            for (int epoch = 1; epoch <= epochs; epoch++) {
                double expected = fixture.get(sampling).get(epoch - 1).asDouble();
                // the CSV keeps 6 significant digits
                assertEquals(expected, perplexity(tutorial, sampling, epoch), 1e-5 * expected, sampling + " " + epoch);
            }
            // our own start and batches give other epochs (by ten times the tolerance above, at this small size where
            // a start of normals times 0.01 matters little): the start and the order were the tutorial's
            double last = fixture.get(sampling).get(epochs - 1).asDouble();
            assertNotEquals(last, perplexity(own, sampling, epochs), 1e-4 * last);
        }
    }

    @Test
    void aStartTooShortForTheRunOrABatchOrderItCannotHandOverIsOneLine(@TempDir Path dir) throws Exception {
        JsonNode fixture = timeMachine(dir);
        int epochs = fixture.get("epochs").asInt();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        Path results = dir.resolve("results");
        int code = Main.run(new Cli("TimeMachineRnnScratch", "full", results.toString(), Map.of("hidden_size",
                fixture.get("hidden").asText(), "epochs", String.valueOf(epochs + 1), "seeds", "0", "samplings",
                "sequential", "start", "tutorial")), dir, out, out);
        String said = buf.toString(StandardCharsets.UTF_8);
        assertNotEquals(0, code);
        assertTrue(said.contains("hands over the batch order of the tutorial's " + epochs + " epochs; epochs="
                + (epochs + 1) + " runs past it"), said);
        assertFalse(said.contains("\tat "), "no stack trace: " + said);
        assertFalse(Files.exists(results.resolve("TimeMachineRnnScratch.csv")), "before any job: nothing written");
        buf.reset();
        code = Main.run(new Cli("TimeMachineRnnScratch", "full", results.toString(), Map.of("hidden_size",
                fixture.get("hidden").asText(), "epochs", String.valueOf(epochs), "seeds", "0", "samplings", "random",
                "random_run_batches",
                "random", "start", "tutorial")), dir, out, out);
        said = buf.toString(StandardCharsets.UTF_8);
        assertNotEquals(0, code);
        assertTrue(said.contains("start=tutorial hands over the order of the tutorial's batches, which its sequential "
                + "iterator draws: drop -Drandom_run_batches=random"), said);
        assertFalse(said.contains("\tat "), "no stack trace: " + said);
        // its offsets were drawn for the tutorial's num_steps
        buf.reset();
        code = Main.run(new Cli("TimeMachineRnnScratch", "full", results.toString(), Map.of("hidden_size",
                fixture.get("hidden").asText(), "epochs", String.valueOf(epochs), "seeds", "0", "samplings", "sequential",
                "num_steps", "16", "start", "tutorial")), dir, out, out);
        said = buf.toString(StandardCharsets.UTF_8);
        assertNotEquals(0, code);
        assertTrue(said.contains("drawn for its own num_steps: drop -Dnum_steps"), said);
        assertFalse(said.contains("\tat "), "no stack trace: " + said);
        assertFalse(Files.exists(results.resolve("TimeMachineRnnScratch.csv")), "nothing written");
    }
}
