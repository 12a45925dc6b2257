package org.jmaster.dist;

import static org.jmaster.dist.Container.await;
import static org.jmaster.dist.Container.echo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jmaster's java.util.logging lines under a stock Karaf 4.4.10 (KarafIT's set-up, offline):
 * pax-logging takes them from the root JUL logger and finds the bundle that logged each on the
 * call stack, so karaf.log names org.jmaster.master in its bundle columns, and log:display
 * (log:tail's source) has the bundle with a pattern that asks for it, as the README shows.
 * Ports 19230-19239.
 */
class KarafLogIT {
    @TempDir
    Path dir;

    @Test
    void jmastersLinesNameTheirBundleInKarafsLog() throws Exception {
        int port = 19233;
        Karaf karaf = Karaf.offline(dir, 19230, 19231, 19232);
        Path libexec = Karaf.echoLauncher(dir.resolve("libexec"));
        karaf.start(Karaf.ADD_EXPORTS);
        try {
            karaf.client(
                    "feature:repo-add file:" + System.getProperty("jmaster.features"),
                    "feature:install --no-auto-refresh jmaster",
                    "config:edit org.jmaster.master",
                    "config:property-set config_directory " + dir,
                    "config:property-set queue_directory " + dir.resolve("queue"),
                    "config:property-set data_directory " + dir.resolve("data"),
                    "config:property-set daemon_directory " + libexec,
                    "config:update",
                    "config:edit --factory --alias echo org.jmaster.service",
                    "config:property-set service 127.0.0.1:" + port,
                    "config:property-set type inet",
                    "config:property-set private n",
                    "config:property-set unpriv n",
                    "config:property-set maxproc 1",
                    "config:property-set command echo",
                    "config:update");
            Path log = karaf.log();
            String started = "service 127.0.0.1:" + port + "(";
            await("the echo service", 60_000, () -> Karaf.read(log).contains(started));
            assertEquals("logged", echo(port, "logged"));
            String line = Karaf.read(log).lines().filter(l -> l.contains(started)).findFirst().orElseThrow();
            assertTrue(line.matches(".*\\| \\d+ - org\\.jmaster\\.master - [0-9.]+SNAPSHOT \\| " + Pattern.quote(started)
                    + ".*"), "karaf.log names the bundle: " + line);

            String display = karaf.client("log:display -p '%X{bundle.name} | %m%n'");
            assertTrue(display.lines().anyMatch(l -> l.startsWith("org.jmaster.master | " + started)),
                    "log:display with the bundle in its pattern:\n" + display);
        } finally {
            karaf.stop();
        }
    }
}
