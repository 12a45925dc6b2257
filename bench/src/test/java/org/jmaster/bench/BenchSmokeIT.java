package org.jmaster.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's smoke run, so that it cannot rot: a few seconds against both masters (Postfix's
 * own and the built distribution), asserting only that every connection was served.
 */
class BenchSmokeIT {

    @Test
    void bothMastersServeEveryConnection() throws Exception {
        assertTrue(Files.isExecutable(Instances.DAEMONS.resolve("master")), "Debian's postfix package (.ci/run installs it)");
        assertEquals("root", System.getProperty("user.name"), "spawn(8) is a privileged daemon: run as root");
        List<String> failures = Bench.smoke(Path.of(System.getProperty("jmaster.distribution")));
        assertEquals(List.of(), failures);
    }
}
