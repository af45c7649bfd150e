package rnnlab.kernels;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which OpenBLAS kernel family ({@code OPENBLAS_CORETYPE}) fits this CPU. The OpenBLAS that ND4J bundles
 * (0.3.19) recognises CPUs by family and model number, so a CPU newer than it falls through to a guess:
 * an Intel Xeon with AVX-512 and AMX was taken for a Prescott and ran its generic SSE3 kernels, 2.7x slower
 * than its SkylakeX kernels; an AMD EPYC with AVX-512 was taken for a Zen (AVX2) and ran 5-17% slower than
 * with SkylakeX. This class decides from the instruction sets the CPU reports instead:
 * <ul>
 *   <li>AVX-512 F, BW, DQ and VL: {@code SkylakeX} (Intel Skylake-SP and later, AMD Zen 4 and later);</li>
 *   <li>AVX2 and FMA: {@code Zen} on AMD, {@code Haswell} elsewhere;</li>
 *   <li>AVX: {@code Sandybridge};</li>
 *   <li>otherwise no choice: OpenBLAS detects the CPU itself.</li>
 * </ul>
 * A core type already in the environment is always respected (some machines set one because older OpenBLAS
 * builds crash on them). OpenBLAS reads the variable once, when its library loads, so the choice must be in
 * the environment of the process before ND4J loads: {@code rnnlab.jobs.ChildJvm} starts every training JVM
 * with it, and the project's Maven core extension ({@code .mvn/ext}, which compiles this same file) passes it
 * to the test JVM. Java 11 source, for that extension.
 */
public final class BlasCore {
    /** The environment variable OpenBLAS reads. */
    public static final String VARIABLE = "OPENBLAS_CORETYPE";

    private BlasCore() {
    }

    /** The core type for a CPU with these {@code /proc/cpuinfo} flags and vendor, or null for no choice. */
    public static String choose(Set<String> flags, String vendor) {
        if (flags.containsAll(Arrays.asList("avx512f", "avx512bw", "avx512dq", "avx512vl"))) {
            return "SkylakeX";
        }
        if (flags.contains("avx2") && flags.contains("fma")) {
            return "AuthenticAMD".equals(vendor) || "HygonGenuine".equals(vendor) ? "Zen" : "Haswell";
        }
        if (flags.contains("avx")) {
            return "Sandybridge";
        }
        return null;
    }

    /** What a run should use: the environment's value when set, else this CPU's choice (null: none). */
    public static String forThisMachine() {
        String set = System.getenv(VARIABLE);
        if (set != null && !set.isEmpty()) {
            return set;
        }
        return chooseFromCpuinfo(Path.of("/proc/cpuinfo"));
    }

    /** The choice for the CPU a {@code /proc/cpuinfo} file describes; null when it cannot be read. */
    public static String chooseFromCpuinfo(Path cpuinfo) {
        Map<String, String> fields = cpuinfoFields(cpuinfo);
        String flags = fields.get("flags");
        return flags == null ? null : choose(new HashSet<>(Arrays.asList(flags.split("\\s+"))),
                fields.getOrDefault("vendor_id", ""));
    }

    /**
     * Each field of a {@code /proc/cpuinfo} file ({@code name : value}) with its first value, the first processor's;
     * none when the file cannot be read.
     */
    private static Map<String, String> cpuinfoFields(Path cpuinfo) {
        List<String> lines;
        try {
            lines = Files.readAllLines(cpuinfo, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        Map<String, String> fields = new HashMap<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon >= 0) {
                fields.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        return fields;
    }

    /**
     * This machine in one line, for the records a job leaves: the CPU's model name, family and model number from
     * {@code /proc/cpuinfo} and the OpenBLAS core type in this process's environment (the one its kernels were
     * loaded for).
     */
    public static String machine() {
        return machine(Path.of("/proc/cpuinfo"));
    }

    static String machine(Path cpuinfo) {
        Map<String, String> fields = cpuinfoFields(cpuinfo);
        String model = fields.getOrDefault("model name", "unknown CPU");
        // a virtual machine often names every generation alike ("AMD EPYC"): the family and model tell them apart
        if (fields.containsKey("cpu family") && fields.containsKey("model")) {
            model += " (family " + fields.get("cpu family") + " model " + fields.get("model") + ")";
        }
        String set = System.getenv(VARIABLE);
        return model + ", " + Runtime.getRuntime().availableProcessors() + " cores, OpenBLAS core "
                + (set == null || set.isEmpty() ? "(its own detection)" : set);
    }

    /** Where the choice came from, for the run's log line. */
    public static String origin() {
        String set = System.getenv(VARIABLE);
        return set != null && !set.isEmpty() ? "set in the environment" : "chosen by rnnlab from the CPU's instruction sets";
    }

    /**
     * Prints {@link #forThisMachine()} (nothing when there is no choice): for scripts that start JVMs the project does
     * not start itself, such as a Spark worker's executors ({@code bin/cluster}), to put in their environment.
     */
    public static void main(String[] args) {
        String core = forThisMachine();
        System.out.println(core == null ? "" : core);
    }

    /** OpenBLAS's generic x86 kernels, which a well-chosen core type never is on a CPU with AVX2. */
    public static boolean isGeneric(String core) {
        return core == null || Arrays.asList("prescott", "core2", "katmai", "coppermine", "northwood", "banias",
                "atom", "unknown").contains(core.toLowerCase(java.util.Locale.ROOT));
    }
}
