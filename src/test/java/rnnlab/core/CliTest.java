package rnnlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class CliTest {
    @Test
    void readsTheUsersKeysFromMavensCommandLine() {
        Properties p = new Properties();
        p.setProperty("exp", "DigitSumSrn");
        p.setProperty("profile", "quick");
        p.setProperty("lengths", "10,35");
        p.setProperty("prefix", "time traveller");
        p.setProperty("maven.repo.local", "/x");
        p.setProperty("java.version", "17");
        p.setProperty("threads", "1");
        Cli cli = Cli.parse(p, " -q exec:java -Dexp=DigitSumSrn -Dprofile=quick -Dlengths=10,35 -Dprefix=time traveller"
                + " -Dmaven.repo.local=/x -Dthreads=1 -DskipTests");
        assertEquals("DigitSumSrn", cli.exp());
        assertEquals("quick", cli.profile());
        assertNull(cli.out());
        assertEquals(Map.of("lengths", "10,35", "prefix", "time traveller"), cli.overrides());
    }

    @Test
    void withoutMavenEveryNonForeignPropertyCounts() {
        Properties p = new Properties();
        p.setProperty("exp", "list");
        p.setProperty("epochs", "3");
        p.setProperty("user.home", "/root");
        Cli cli = Cli.parse(p, null);
        assertEquals("full", cli.profile());
        assertEquals(Map.of("epochs", "3"), cli.overrides());
    }
}
