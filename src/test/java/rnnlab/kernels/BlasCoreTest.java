package rnnlab.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rnnlab.jobs.ChildJvm;

class BlasCoreTest {
    private static Set<String> flags(String s) {
        return new HashSet<>(List.of(s.split(" ")));
    }

    @Test
    void choosesByInstructionSets() {
        String avx512 = "sse2 avx avx2 fma avx512f avx512dq avx512bw avx512vl avx512cd";
        assertEquals("SkylakeX", BlasCore.choose(flags(avx512 + " amx_tile"), "GenuineIntel"));
        assertEquals("SkylakeX", BlasCore.choose(flags(avx512 + " avx512_bf16"), "AuthenticAMD"));
        // AVX-512 F alone (Knights Landing) is not the SkylakeX set
        assertEquals("Haswell", BlasCore.choose(flags("avx avx2 fma avx512f"), "GenuineIntel"));
        assertEquals("Zen", BlasCore.choose(flags("avx avx2 fma"), "AuthenticAMD"));
        assertEquals("Sandybridge", BlasCore.choose(flags("sse4_2 avx"), "GenuineIntel"));
        assertNull(BlasCore.choose(flags("sse2 sse3"), "GenuineIntel"));
    }

    @Test
    void readsCpuinfo(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("cpuinfo");
        Files.writeString(f, "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu avx avx2 fma\n\n"
                + "processor\t: 1\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu avx avx2 fma\n");
        assertEquals("Zen", BlasCore.chooseFromCpuinfo(f));
        assertNull(BlasCore.chooseFromCpuinfo(dir.resolve("missing")));
    }

    @Test
    void namesTheMachineWithItsCpuFamilyAndModel(@TempDir Path dir) throws IOException {
        // a virtual machine names Zen 1 and Zen 3 alike "AMD EPYC"; the family and model numbers tell them apart
        Path f = dir.resolve("cpuinfo");
        Files.writeString(f, "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 1\n"
                + "model name\t: AMD EPYC\n\nprocessor\t: 1\ncpu family\t: 23\nmodel\t\t: 49\nmodel name\t: other\n");
        String cores = ", " + Runtime.getRuntime().availableProcessors() + " cores, OpenBLAS core ";
        assertTrue(BlasCore.machine(f).startsWith("AMD EPYC (family 25 model 1)" + cores), BlasCore.machine(f));
        assertTrue(BlasCore.machine(dir.resolve("missing")).startsWith("unknown CPU" + cores));
    }

    /**
     * A child JVM started the way every run starts its work loads OpenBLAS with kernels for this CPU, never the
     * generic ones where the CPU has AVX2.
     */
    @Test
    void childJvmRunsTheChosenKernels() throws Exception {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        Assumptions.assumeTrue(Files.isReadable(cpuinfo), "no /proc/cpuinfo: cannot tell this CPU's instruction sets");
        String text = Files.readString(cpuinfo);
        Assumptions.assumeTrue(text.matches("(?s).*\\bflags\\s*:[^\n]*\\bavx2\\b.*"),
                "this CPU has no AVX2: OpenBLAS's own detection is all there is");
        ProcessBuilder pb = ChildJvm.builder(BlasProbe.class.getName(), Map.of(), List.of("-Xmx512m"));
        pb.environment().put("OPENBLAS_VERBOSE", "2");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("product sum 262144"), out);
        Matcher m = Pattern.compile("(?m)^Core: (\\S+)").matcher(out);
        assertTrue(m.find(), "OpenBLAS named no kernels: " + out);
        String core = m.group(1);
        assertFalse(BlasCore.isGeneric(core), "generic kernels " + core + " on a CPU with AVX2");
        String expected = pb.environment().get(BlasCore.VARIABLE);
        assertNotNull(expected);
        assertTrue(core.equalsIgnoreCase(expected), "asked for " + expected + ", OpenBLAS loaded " + core);
    }
}
