package rnnlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The layering docs/development.md states ("Packages depend downwards, each only on those before it: ..."): every
 * package of the main, spark and ui sources is in its order, and every reference a source makes to another package
 * (an import, a static or wildcard import, a qualified name; comments and strings left out) is to one before its own.
 * The order is read from the page, so the page and the code cannot drift apart.
 */
class PackagesTest {
    private static final Path PROJECT = Path.of("").toAbsolutePath();
    /** A reference to a class of another package, or to the entry point's (rnnlab.Main: no package segment). */
    private static final Pattern REFERENCE = Pattern.compile("\\brnnlab\\.(?:([a-z]+)\\.)?(?:[A-Z]|\\*)");
    /** Prose in a source, matched left to right so that each hides what the others would: text blocks, strings,
     * character literals, line and block comments. */
    private static final Pattern PROSE = Pattern.compile("\"\"\"(?s:.*?)\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\""
            + "|'(?:\\\\.|[^'\\\\\\n])+'|//[^\\n]*|/\\*(?s:.*?)\\*/");

    /** The page's order: the packages, then "" (rnnlab itself: Main); and the optional modules, which none may use. */
    record Order(List<String> packages, Set<String> modules) {
        Set<String> all() {
            Set<String> all = new TreeSet<>(packages);
            all.addAll(modules);
            return all;
        }
    }

    static Order order(String page) {
        String sentence = "Packages depend downwards, each only on those before it: ([a-z, ]+), then the entry point "
                + "\\(`rnnlab\\.Main`\\) and the optional modules ([a-z]+) and ([a-z]+),";
        Matcher m = Pattern.compile(sentence.replace(" ", "\\s+")).matcher(page);
        assertTrue(m.find(), "docs/development.md states the packages' order in its layout");
        List<String> out = new ArrayList<>();
        for (String p : m.group(1).split(",")) {
            out.add(p.trim());
        }
        out.add("");
        assertEquals(out.size(), new TreeSet<>(out).size(), "a package named twice: " + out);
        return new Order(out, new TreeSet<>(List.of(m.group(2), m.group(3))));
    }

    /** A source with its comments and literals blanked: names there are prose, not dependencies. */
    static String code(String source) {
        return PROSE.matcher(source).replaceAll(" ");
    }

    /**
     * Each reference in {@code source} (of package {@code own}) to a package not before its own, or to an optional
     * module, as "own -> other" (the root package as "rnnlab").
     */
    static List<String> upward(String own, String source, Order order) {
        List<String> out = new ArrayList<>();
        Matcher m = REFERENCE.matcher(code(source));
        while (m.find()) {
            String other = m.group(1) == null ? "" : m.group(1);
            if (other.equals(own)) {
                continue;
            }
            int at = order.packages().indexOf(other);
            int mine = order.modules().contains(own) ? order.packages().size() : order.packages().indexOf(own);
            if (order.modules().contains(other) || at < 0 || mine < 0 || at > mine) {
                out.add((own.isEmpty() ? "rnnlab" : own) + " -> " + (other.isEmpty() ? "rnnlab" : other));
            }
        }
        return out;
    }

    @Test
    void theCheckCatchesAnUpwardReferenceButNotProse() {
        Order order = new Order(List.of("core", "stats", "report", ""), Set.of("spark", "ui"));
        assertEquals(List.of(), upward("report", "import rnnlab.core.Config;\nimport static rnnlab.stats.Seeds.base;", order));
        assertEquals(List.of("stats -> report"), upward("stats", "import rnnlab.report.Plots;", order));
        assertEquals(List.of("stats -> report"), upward("stats", "import rnnlab.report.*;", order));
        assertEquals(List.of("core -> stats"), upward("core", "double v = rnnlab.stats.Summary.of(x).mean();", order));
        assertEquals(List.of("stats -> rnnlab"), upward("stats", "import rnnlab.Main;", order), "the entry point is high");
        assertEquals(List.of("stats -> lm"), upward("stats", "import rnnlab.lm.Model;", order), "a package not in the order");
        assertEquals(List.of("rnnlab -> spark"), upward("", "rnnlab.spark.SparkRunner.run();", order));
        assertEquals(List.of("ui -> spark"), upward("ui", "import rnnlab.spark.SparkRunner;", order), "modules use no module");
        assertEquals(List.of(), upward("spark", "import rnnlab.core.Config;\nimport rnnlab.Main;", order));
        assertEquals(List.of(), upward("core", "/** {@link rnnlab.report.Plots} */ // rnnlab.spark.SparkRunner\n"
                + "String s = \"rnnlab.ui.TrainingUi\"; String t = \"\"\"\n  rnnlab.report.Plots\n  \"\"\";", order),
                "comments, strings and text blocks are prose");
        // a URL's "//" inside a string, a quote as a character: the code after them is still read
        assertEquals(List.of("core -> report"), upward("core", "String u = \"http://x\"; rnnlab.report.Plots.draw();", order));
        assertEquals(List.of("core -> report"), upward("core", "char q = '\"'; rnnlab.report.Plots.draw(); String s = \"a\";",
                order));
        assertEquals(List.of("core -> report"), upward("core", "String c = \"/*\"; rnnlab.report.Plots.draw(); // */", order));
    }

    @Test
    void everyPackageDependsOnlyOnThoseBeforeIt() throws IOException {
        Order order = order(Files.readString(PROJECT.resolve("docs/development.md")));
        Set<String> packages = new TreeSet<>();
        List<String> upward = new ArrayList<>();
        int files = 0;
        for (String set : List.of("main", "spark", "ui")) {
            Path root = PROJECT.resolve("src/" + set + "/java/rnnlab");
            List<Path> sources;
            try (Stream<Path> walk = Files.walk(root)) {
                sources = walk.filter(p -> p.toString().endsWith(".java")).toList();
            }
            for (Path f : sources) {
                Path dir = root.relativize(f).getParent();
                String own = dir == null ? "" : dir.toString().replace('/', '.');
                packages.add(own);
                upward.addAll(upward(own, Files.readString(f), order));
                files++;
            }
        }
        assertTrue(files > 100, "the sources were found: " + files);
        assertEquals(order.all(), packages, "the page's order and the packages there are");
        assertEquals(List.of(), upward.stream().distinct().sorted().toList(), "references to packages not before their own");
    }
}
