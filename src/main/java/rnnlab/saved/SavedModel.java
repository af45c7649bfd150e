package rnnlab.saved;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

import rnnlab.core.AtomicFiles;
import rnnlab.core.OneLine;
import rnnlab.core.Run;
import rnnlab.core.UserError;

/**
 * A trained language model on disk: the network as DL4J's {@link ModelSerializer} writes it, and beside it in
 * the same zip the vocabulary ({@value #VOCAB_ENTRY}, one token a line) and what the model is
 * ({@value #INFO_ENTRY}: experiment, setting, how text becomes tokens, the training settings). Runs write
 * {@code models/EXPERIMENT[_setting].zip}, in a folder that mirrors the results' ({@code models/} for the full
 * profile, {@code models/quick/}, {@code models/custom/}; {@code DIR/models/} under {@code -Dout=DIR}).
 * {@code -Dexp=Generate} and {@code -Dexp=Evaluate} read them ({@link ModelCommands}).
 */
public record SavedModel(MultiLayerNetwork net, List<String> tokens, Properties info) {
    public static final String VOCAB_ENTRY = "rnnlab-vocabulary.txt";
    public static final String INFO_ENTRY = "rnnlab-model.properties";

    /** How a text becomes tokens, as the experiment's corpus reads it. */
    public enum Text {
        /** d2l's Time Machine: lower case, every run of non-letters one space, characters; unknown ones are {@code <unk>}. */
        TIME_MACHINE,
        /** d2l-zh's lyrics: line breaks as spaces, characters; one the training text lacked is fed as zeros and not scored. */
        LYRICS,
        /**
         * A user's own text ({@code -Dcorpus}): line breaks as spaces, characters; one the training text lacked is fed as
         * zeros and not scored, as the lyrics'.
         */
        CHARS,
        /** The Penn Treebank: words split on white space, {@code <eos>} after each line; unknown words are {@code <unk>}. */
        PTB,
        /**
         * A user's own text for the word models ({@code -Dcorpus}): read as the Penn Treebank (words split on white
         * space, {@code <eos>} after each line); unknown words are {@code <unk>}.
         */
        WORDS;

        /** Whether its tokens are words (the Penn Treebank's, or a user's text's for the word models). */
        public boolean words() {
            return this == PTB || this == WORDS;
        }

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public String experiment() {
        return info.getProperty("experiment");
    }

    public Text text() {
        return Text.valueOf(info.getProperty("text").toUpperCase(Locale.ROOT));
    }

    public int steps() {
        return Integer.parseInt(info.getProperty("num_steps"));
    }

    public int batchSize() {
        return Integer.parseInt(info.getProperty("batch_size"));
    }

    /** Where a run's model of {@code setting} ({@code null} or empty for none) goes. */
    public static Path file(Run run, String setting) {
        Path dir = dir(run.projectDir(), run.outDir());
        String suffix = setting == null || setting.isEmpty() ? "" : "_" + setting.replace(';', '_').replace('=', '-');
        return dir.resolve(run.name() + suffix + ".zip");
    }

    /** The models folder of a run writing its results to {@code outDir}: mirrored under models/, or DIR/models/. */
    public static Path dir(Path projectDir, Path outDir) {
        Path results = projectDir.resolve("results");
        return outDir.startsWith(results) ? projectDir.resolve("models").resolve(results.relativize(outDir))
                : outDir.resolve("models");
    }

    /**
     * Writes {@code net} with its vocabulary and description atomically to {@code file}. {@code info} must name
     * the experiment, {@code text} (a {@link Text} key), {@code num_steps} and {@code batch_size}.
     */
    public static void write(Path file, MultiLayerNetwork net, List<String> tokens, Map<String, String> info) {
        for (String key : List.of("experiment", "text", "num_steps", "batch_size")) {
            if (!info.containsKey(key)) {
                throw new IllegalArgumentException("model info lacks " + key);
            }
        }
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.replace(file, tmp -> {
                ModelSerializer.writeModel(net, tmp.toFile(), false);
                try (FileSystem zip = FileSystems.newFileSystem(tmp)) {
                    StringBuilder vocab = new StringBuilder();
                    for (String t : tokens) {
                        vocab.append(OneLine.escape(t)).append('\n');
                    }
                    Files.writeString(zip.getPath(VOCAB_ENTRY), vocab.toString(), StandardCharsets.UTF_8);
                    Properties p = new Properties();
                    p.putAll(info);
                    StringWriter w = new StringWriter();
                    p.store(w, "rnnlab model: read it with -Dexp=Generate or -Dexp=Evaluate -Dmodel=FILE");
                    Files.writeString(zip.getPath(INFO_ENTRY), w.toString(), StandardCharsets.UTF_8);
                }
            });
        } catch (IOException e) {
            throw new UserError("Cannot write the model " + file + ": " + e.getMessage());
        }
    }

    /** Reads a model written by {@link #write}; anything else ends in one line saying what the file is not. */
    public static SavedModel read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("No model file " + file + "; the language-model experiments save theirs under models/ "
                    + "(for example models/quick/JayChouRnn_sampling-sequential_seed-0.zip)");
        }
        String vocab;
        Properties info = new Properties();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry v = zip.getEntry(VOCAB_ENTRY);
            ZipEntry i = zip.getEntry(INFO_ENTRY);
            if (v == null || i == null || zip.getEntry("configuration.json") == null) {
                throw new UserError(file + " is not an rnnlab model: it lacks " + (v == null ? VOCAB_ENTRY
                        : i == null ? INFO_ENTRY : "DL4J's configuration.json") + "; use a zip a language-model run saved under models/");
            }
            try (InputStream in = zip.getInputStream(v)) {
                vocab = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            try (Reader r = new StringReader(new String(zip.getInputStream(i).readAllBytes(), StandardCharsets.UTF_8))) {
                info.load(r);
            }
        } catch (ZipException e) {
            throw new UserError(file + " is not an rnnlab model: not a readable zip (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new UserError("Cannot read the model " + file + ": " + e.getMessage());
        }
        List<String> tokens = new ArrayList<>();
        for (String line : vocab.split("\n", -1)) {
            if (!line.isEmpty()) {
                tokens.add(OneLine.unescape(line));
            }
        }
        try {
            Text.valueOf(info.getProperty("text", "").toUpperCase(Locale.ROOT));
            Integer.parseInt(info.getProperty("num_steps", ""));
            Integer.parseInt(info.getProperty("batch_size", ""));
        } catch (IllegalArgumentException e) {
            throw new UserError(file + " is not an rnnlab model: its " + INFO_ENTRY + " lacks text, num_steps or batch_size");
        }
        MultiLayerNetwork net;
        try {
            net = ModelSerializer.restoreMultiLayerNetwork(file.toFile(), false);
        } catch (IOException | RuntimeException e) {
            throw new UserError("The model " + file + " is corrupt: DL4J cannot restore its network (" + e.getMessage() + ")");
        }
        long outputs = net.getOutputLayer().getParam("b").length();
        if (outputs != tokens.size()) {
            throw new UserError("The model " + file + " is corrupt: its network predicts " + outputs + " tokens but its "
                    + "vocabulary has " + tokens.size());
        }
        return new SavedModel(net, tokens, info);
    }
}
