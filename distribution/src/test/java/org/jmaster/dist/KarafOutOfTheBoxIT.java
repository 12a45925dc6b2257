package org.jmaster.dist;

import static org.jmaster.dist.Container.await;
import static org.jmaster.dist.Container.echo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Karaf section followed as a new user follows it, in a stock Apache Karaf 4.4.10
 * with the jmaster feature alone (nothing of the Felix distribution): its bin/setenv line, then
 * its console commands, verbatim (in bin/client's batch mode; only the echo port is moved into
 * this test's range), serve a client through the echo child the feature ships. And the same
 * without the bin/setenv line: the service is refused with one line that says what to put there.
 */
class KarafOutOfTheBoxIT {
    /** The README's example port, and this test's instead (ports 19300-19399 are this class's). */
    private static final String README_ENDPOINT = "127.0.0.1:10007";
    @TempDir
    Path dir;

    @Test
    void theReadmeServesTheShippedEchoChild() throws Exception {
        Readme readme = readme();
        Karaf karaf = Karaf.offline(dir, 19320, 19321, 19322);
        Path setenv = karaf.home().resolve("bin/setenv");
        Files.writeString(setenv, Files.readString(setenv) + "\n" + readme.setenv + "\n");
        int port = 19323;
        karaf.start(null); // what the JVM gets comes from bin/setenv alone
        List<Long> children = new ArrayList<>();
        try {
            String out = karaf.client(readme.commands(port));
            Path log = karaf.log();
            awaitLogged(log, "service 127.0.0.1:" + port + "(", out);
            assertEquals("out of the box", echo(port, "out of the box"), out + Karaf.read(log));
            long karafPid = karaf.pid().orElseThrow();
            List<ProcessHandle> live = ProcessHandle.of(karafPid).orElseThrow().children().collect(Collectors.toList());
            live.forEach(child -> children.add(child.pid()));
            assertEquals(1, live.size(), "one echo child: " + live);
            String cmdline = Files.readString(Path.of("/proc/" + live.get(0).pid() + "/cmdline")).replace('\0', ' ');
            Path shipped = karaf.home().resolve("data/jmaster").toRealPath();
            assertTrue(cmdline.startsWith(Path.of(System.getProperty("java.home"), "bin/java") + " "),
                    "the child runs on Karaf's own JVM: " + cmdline);
            assertTrue(cmdline.contains(shipped.resolve("lib/child-runtime.jar").toString()), cmdline);
            assertTrue(cmdline.contains("org.jmaster.child.echo.EchoServer"), cmdline);
            assertFalse(cmdline.contains(System.getProperty("jmaster.distribution")), "nothing of the Felix distribution");
            assertTrue(Files.isExecutable(shipped.resolve("libexec/jmaster-echo")));
            assertFalse(Karaf.read(log).contains("sun.nio.ch"), Karaf.read(log));
        } finally {
            karaf.stop();
        }
        for (long child : children) {
            assertTrue(ProcessHandle.of(child).isEmpty(), "child " + child + " left behind");
        }
    }

    @Test
    void withoutTheSetenvLineOneLineSaysWhatToPutThere() throws Exception {
        Readme readme = readme();
        Karaf karaf = Karaf.offline(dir, 19330, 19331, 19332);
        int port = 19333;
        karaf.start(null); // what the JVM gets comes from bin/setenv alone
        try {
            String out = karaf.client(readme.commands(port));
            Path log = karaf.log();
            awaitLogged(log, "service not started", out);
            List<String> lines = Karaf.read(log).lines().filter(l -> l.contains("sun.nio.ch")).collect(Collectors.toList());
            assertEquals(1, lines.size(), "one line: " + Karaf.read(log));
            String line = lines.get(0);
            assertTrue(line.contains("service 127.0.0.1:" + port) && line.contains("-- service not started"), line);
            assertTrue(line.contains("put " + readme.setenv + " in " + karaf.home().resolve("bin/setenv").toRealPath()
                    + " and restart Karaf"), "the README's line, and where it goes: " + line);
            String log0 = Karaf.read(log);
            assertFalse(log0.contains("IllegalAccessException") || log0.contains("IllegalStateException")
                    || Pattern.compile("(?m)^\\s+at org\\.jmaster").matcher(log0).find(), "no stack trace: " + log0);
            assertTrue(refused(port), "nothing listens on " + port);
        } finally {
            karaf.stop();
        }
    }

    /** The first code block of the README's Karaf section: its bin/setenv line and its console commands. */
    private record Readme(String setenv, List<String> commands) {
        String[] commands(int port) {
            return commands.stream().map(c -> c.replace(README_ENDPOINT, "127.0.0.1:" + port)).toArray(String[]::new);
        }
    }

    private static Readme readme() throws IOException {
        Path file = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).resolve("../README.md");
        String text = Files.readString(file);
        Matcher section = Pattern.compile("(?ms)^### Karaf\\n(.*?)^#").matcher(text);
        assertTrue(section.find(), "a Karaf section in " + file);
        Matcher block = Pattern.compile("(?m)(^    .*\\n(?:^    .*\\n|^\\n)*)").matcher(section.group(1));
        assertTrue(block.find(), "a code block in the Karaf section");
        String setenv = null;
        List<String> commands = new ArrayList<>();
        for (String line : block.group(1).lines().map(String::strip).collect(Collectors.toList())) {
            if (line.startsWith("export EXTRA_JAVA_OPTS=")) {
                setenv = line;
            } else if (line.startsWith("karaf@root()> ")) {
                commands.add(line.substring("karaf@root()> ".length()));
            }
        }
        assertTrue(setenv != null && commands.size() > 3, block.group(1));
        assertFalse(commands.stream().anyMatch(c -> c.contains("...")), "every key shown: " + commands);
        assertTrue(commands.stream().anyMatch(c -> c.contains(README_ENDPOINT)), "the example endpoint: " + commands);
        return new Readme(setenv, commands);
    }

    private static void awaitLogged(Path log, String text, String client) throws InterruptedException {
        try {
            await(text + " in karaf.log", 60_000, () -> Karaf.read(log).contains(text));
        } catch (AssertionError e) {
            System.out.println("bin/client:\n" + client + "\nkaraf.log:\n" + Karaf.read(log));
            throw e;
        }
    }

    private static boolean refused(int port) throws IOException {
        try {
            echo(port, "nobody");
            return false;
        } catch (ConnectException e) {
            return true;
        }
    }
}
