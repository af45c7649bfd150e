package rnnlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class ModulesTest {
    /** The flags the child JVM of -Drunner=spark gets are the pom's spark.opens, which the spark profile's tests get. */
    @Test
    void sparksJvmFlagsAreThePomsSparkOpens() throws Exception {
        Matcher m = Pattern.compile("<spark.opens>([^<]*)</spark.opens>").matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(m.find(), "pom.xml has a spark.opens property");
        assertEquals(List.of(m.group(1).strip().split("\\s+")), Modules.SPARK_JVM_FLAGS);
    }
}
