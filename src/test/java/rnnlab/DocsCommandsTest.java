package rnnlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rnnlab.core.Catalog;
import rnnlab.core.Cli;
import rnnlab.core.Config;
import rnnlab.core.Options;
import rnnlab.experiments.Experiments;
import rnnlab.saved.ModelCommands;

/**
 * The commands README.md and docs/*.md show are real: every {@code mvn ... exec:java ...} line names a known experiment
 * or command, only options something reads, and model files the runs write. A mention of the goal alone, without any
 * {@code -D}, is prose, not a command. Nothing trains: experiments are only configured, to learn their settings.
 */
class DocsCommandsTest {
    /** Commands {@code -Dexp} takes besides experiment names. */
    static final Set<String> COMMANDS = java.util.Arrays.stream(rnnlab.core.Command.values())
            .map(rnnlab.core.Command::word).collect(java.util.stream.Collectors.toSet());
    /** Words that stand for a value the reader supplies. */
    static final Set<String> PLACEHOLDERS = Set.of("KEY", "FILE", "NAME", "NAME,NAME", "TEXT", "DIR", "N", "PORT", "...");
    /** A command: from {@code mvn} to the end of its line, a closing backquote, a comment or a table cell's end. */
    static final Pattern COMMAND = Pattern.compile("mvn\\s[^`#|\\n]*?exec:java[^`#|\\n]*");
    static final Pattern MODEL_FILE = Pattern.compile("models/(quick/|custom/)?([^/]+)\\.zip");

    @TempDir
    Path tmp;

    /** One command as written: the file, its line and the text. */
    record Command(String file, int line, String text) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + text.strip();
        }
    }

    static List<Command> commands(Path file) throws IOException {
        List<Command> found = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = COMMAND.matcher(lines.get(i));
            while (m.find()) {
                if (m.group().contains(" -D")) { // without any -D it is prose naming the goal ("`mvn -q exec:java` runs ...")
                    found.add(new Command(file.toString(), i + 1, m.group()));
                }
            }
        }
        return found;
    }

    static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> s = Files.list(Path.of("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    /** {@code -DKEY=VALUE} (or {@code -DKEY}) tokens of a command, in order. */
    static Map<String, String> options(String command) {
        Map<String, String> o = new HashMap<>();
        for (String token : command.trim().split("\\s+")) {
            if (token.startsWith("-D")) {
                int eq = token.indexOf('=');
                o.put(eq < 0 ? token.substring(2) : token.substring(2, eq), eq < 0 ? "" : token.substring(eq + 1));
            }
        }
        return o;
    }

    static List<String> modelCommandOptions(String command) {
        return Options.keys(command.equals("Generate") ? Options.GENERATE_OPTIONS : Options.EVALUATE_OPTIONS);
    }

    final Map<String, Set<String>> settingKeys = new HashMap<>();
    final Map<String, Set<String>> modelNames = new HashMap<>();

    /** The keys of {@code experiments/NAME.properties}, resolved in the full profile. */
    Set<String> keysOf(String experiment) {
        return settingKeys.computeIfAbsent(experiment,
                e -> Config.load(Path.of("experiments"), e, "full", Map.of()).values().keySet());
    }

    /** The model files' names (without folder and .zip) an experiment's runs of a profile write: one per job. */
    Set<String> modelNamesOf(String experiment, String profile) {
        return modelNames.computeIfAbsent(experiment + "/" + profile, k -> {
            Set<String> names = new TreeSet<>();
            for (String unit : Experiments.prepare(experiment, Path.of("").toAbsolutePath(), profile, Map.of(),
                    tmp.resolve(profile).toString()).configured().jobs()) {
                names.add(experiment + "_" + unit.replace(';', '_').replace('=', '-'));
            }
            return names;
        });
    }

    /** Every problem with one command, or none. */
    List<String> problems(Command c) throws ReflectiveOperationException {
        Set<String> experiments = Catalog.project().all().keySet();
        List<String> problems = new ArrayList<>();
        Map<String, String> o = options(c.text());
        String exp = o.get("exp");
        if (exp == null) {
            return List.of(c + ": no -Dexp");
        }
        List<String> named = new ArrayList<>();
        if (PLACEHOLDERS.contains(exp) || COMMANDS.contains(exp)) {
            if (exp.equals("all")) {
                named.addAll(experiments);
            }
        } else {
            for (String name : exp.split(",")) {
                if (experiments.contains(name)) {
                    named.add(name);
                } else {
                    problems.add(c + ": -Dexp=" + name + " is neither an experiment (" + experiments + ") nor a command "
                            + COMMANDS);
                }
            }
        }
        Set<String> allowed = new HashSet<>(List.of("exp", "profile", "out"));
        Options.LISTED.forEach(opt -> allowed.add(opt.key()));
        allowed.addAll(Options.RUNTIME_KEYS);
        allowed.addAll(Cli.SEARCH_KEYS);
        if (ModelCommands.NAMES.contains(exp)) {
            allowed.addAll(modelCommandOptions(exp));
        }
        for (String name : named) {
            allowed.addAll(keysOf(name));
        }
        for (String key : o.keySet()) {
            if (!allowed.contains(key) && !PLACEHOLDERS.contains(key)) {
                problems.add(c + ": -D" + key + " is no option, search option, model command's option or setting of "
                        + (named.isEmpty() ? exp : named));
            }
        }
        String model = o.get("model");
        if (model != null && !PLACEHOLDERS.contains(model)) {
            problems.addAll(modelFileProblems(c, model, experiments));
        }
        return problems;
    }

    List<String> modelFileProblems(Command c, String model, Set<String> experiments) {
        Matcher m = MODEL_FILE.matcher(model);
        if (!m.matches()) {
            return List.of(c + ": " + model + " is not models/[quick/|custom/]EXPERIMENT_SETTING.zip");
        }
        String folder = m.group(1) == null ? "" : m.group(1);
        String name = m.group(2);
        String experiment = experiments.stream().filter(e -> name.startsWith(e + "_")).findFirst().orElse(null);
        if (experiment == null) {
            return List.of(c + ": " + model + " names no experiment");
        }
        Set<String> valid = new LinkedHashSet<>();
        if (!folder.equals("quick/")) {
            valid.addAll(modelNamesOf(experiment, "full"));
        }
        if (!folder.equals("")) {
            valid.addAll(modelNamesOf(experiment, "quick"));
        }
        return valid.contains(name) ? List.of()
                : List.of(c + ": no run writes " + model + "; " + folder + " holds " + valid.stream()
                        .map(v -> "models/" + folder + v + ".zip").limit(6).toList() + (valid.size() > 6 ? "..." : ""));
    }

    @Test
    void everyCommandInTheReadmeAndDocsIsReal() throws Exception {
        List<Command> all = new ArrayList<>();
        for (Path doc : documents()) {
            all.addAll(commands(doc));
        }
        assertTrue(all.size() >= 20, "found only " + all.size() + " commands: " + all);
        assertTrue(all.stream().anyMatch(c -> c.file().equals("README.md") && c.text().strip()
                .equals("mvn -q exec:java -Dexp=DigitSumSrn")), "the README's main job, mvn -q exec:java -Dexp=DigitSumSrn");
        assertTrue(all.stream().anyMatch(c -> c.text().contains("-Dmodel=models/")), "some command names a model file");
        List<String> problems = new ArrayList<>();
        for (Command c : all) {
            problems.addAll(problems(c));
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theReadmesTestCommandIsWhatCiRuns() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.contains("\n    mvn -B -ntp test\n"), "the README shows the test command mvn -B -ntp test");
        assertTrue(Files.readString(Path.of(".ci/run")).contains("\"tests (mvn -B -ntp test)\" mvn -B -ntp test\n"),
                ".ci/run runs the README's test command");
    }

    @Test
    void theCheckCatchesAWrongModelFileAnUnknownOptionAndAnUnknownExperiment() throws Exception {
        Path doc = tmp.resolve("doc.md");
        Files.writeString(doc, String.join("\n",
                "    mvn -q exec:java -Dexp=Generate -Dmodel=models/quick/JayChouRnn_sampling-sequential_seed-0.zip -Dprefix=x",
                "    mvn -q exec:java -Dexp=Generate -Dmodel=models/quick/JayChouRnn_sampling-sequential.zip -Dprefix=x",
                "    mvn -q exec:java -Dexp=Evaluate -Dmodel=models/PtbWordRnn_model-rnn_seed-7.zip -Dtext=t.txt",
                "    mvn -q exec:java -Dexp=DigitSumSrn -Dlenghts=20",
                "Run `mvn -q exec:java -Dexp=DigitSumGru` to see.", ""));
        List<Command> found = commands(doc);
        assertEquals(5, found.size(), found.toString());
        assertEquals(List.of(), problems(found.get(0)));
        assertEquals(1, problems(found.get(1)).size(), "a model file without its seed");
        assertEquals(1, problems(found.get(2)).size(), "a seed the full profile does not run");
        assertEquals(1, problems(found.get(3)).size(), "a misspelt setting");
        assertEquals(1, problems(found.get(4)).size(), "an unknown experiment");
    }
}
