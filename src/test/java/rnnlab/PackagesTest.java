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
    private static final Pattern REFERENCE = Pattern.compile("\\brnnlab\\.([a-z]+)\\.(?:[A-Z]|\\*)");

    /** The order the page states: core first, the entry point's package ("rnnlab") after search, the modules last. */
    static List<String> order(String page) {
        Matcher m = Pattern.compile("Packages depend downwards, each only on those before it: ([a-z, \\n]+), then the entry "
                + "point \\(`rnnlab.Main`\\) and the optional modules ([a-z]+) and ([a-z]+),").matcher(page);
        assertTrue(m.find(), "docs/development.md states the packages' order in its layout");
        List<String> out = new ArrayList<>();
        for (String p : m.group(1).split(",")) {
            out.add(p.trim());
        }
        out.add(""); // rnnlab itself: Main
        out.add(m.group(2));
        out.add(m.group(3));
        return out;
    }

    /** A source without its comments and string literals: names there are prose, not dependencies. */
    static String code(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "")
                .replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"");
    }

    /** Each reference in {@code source} (of package {@code own}) to a package not before it, as "own -> other". */
    static List<String> upward(String own, String source, List<String> order) {
        List<String> out = new ArrayList<>();
        Matcher m = REFERENCE.matcher(code(source));
        while (m.find()) {
            String other = m.group(1);
            if (!other.equals(own) && !(order.indexOf(other) >= 0 && order.indexOf(other) < order.indexOf(own))) {
                out.add((own.isEmpty() ? "rnnlab" : own) + " -> " + other);
            }
        }
        return out;
    }

    @Test
    void theCheckCatchesAnUpwardReferenceButNotProse() {
        List<String> order = List.of("core", "stats", "report", "", "spark");
        assertEquals(List.of(), upward("report", "import rnnlab.core.Config;\nimport static rnnlab.stats.Seeds.base;", order));
        assertEquals(List.of("stats -> report"), upward("stats", "import rnnlab.report.Plots;", order));
        assertEquals(List.of("stats -> report"), upward("stats", "import rnnlab.report.*;", order));
        assertEquals(List.of("core -> stats"), upward("core", "double v = rnnlab.stats.Summary.of(x).mean();", order));
        assertEquals(List.of("stats -> lm"), upward("stats", "import rnnlab.lm.Model;", order), "a package not in the order");
        assertEquals(List.of("rnnlab -> spark"), upward("", "rnnlab.spark.SparkRunner.run();", order));
        assertEquals(List.of(), upward("core", "/** {@link rnnlab.report.Plots} */ // rnnlab.spark.SparkRunner\n"
                + "String s = \"rnnlab.ui.TrainingUi\";", order), "comments and strings are prose");
    }

    @Test
    void everyPackageDependsOnlyOnThoseBeforeIt() throws IOException {
        List<String> order = order(Files.readString(PROJECT.resolve("docs/development.md")));
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
        Set<String> unplaced = new TreeSet<>(packages);
        unplaced.removeAll(order);
        assertEquals(Set.of(), unplaced, "packages the page's order leaves out");
        assertEquals(List.of(), upward.stream().distinct().sorted().toList(), "references to packages not before their own");
    }
}
