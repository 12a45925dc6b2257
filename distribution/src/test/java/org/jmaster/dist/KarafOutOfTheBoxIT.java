package org.jmaster.dist;

import static org.jmaster.dist.Container.await;
import static org.jmaster.dist.Container.echo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
        Path karaf = karaf(19320);
        Path setenv = karaf.resolve("bin/setenv");
        Files.writeString(setenv, Files.readString(setenv) + "\n" + readme.setenv + "\n");
        int port = 19323;
        start(karaf);
        List<Long> children = new ArrayList<>();
        try {
            String out = client(karaf, 19320, readme.commands(port));
            Path log = karaf.resolve("data/log/karaf.log");
            awaitLogged(log, "service 127.0.0.1:" + port + "(", out);
            assertEquals("out of the box", echo(port, "out of the box"), out + read(log));
            long karafPid = karafPid(karaf).orElseThrow();
            List<ProcessHandle> live = ProcessHandle.of(karafPid).orElseThrow().children().collect(Collectors.toList());
            live.forEach(child -> children.add(child.pid()));
            assertEquals(1, live.size(), "one echo child: " + live);
            String cmdline = Files.readString(Path.of("/proc/" + live.get(0).pid() + "/cmdline")).replace('\0', ' ');
            Path shipped = karaf.resolve("data/jmaster").toRealPath();
            assertTrue(cmdline.startsWith(Path.of(System.getProperty("java.home"), "bin/java") + " "),
                    "the child runs on Karaf's own JVM: " + cmdline);
            assertTrue(cmdline.contains(shipped.resolve("lib/child-runtime.jar").toString()), cmdline);
            assertTrue(cmdline.contains("org.jmaster.child.echo.EchoServer"), cmdline);
            assertFalse(cmdline.contains(System.getProperty("jmaster.distribution")), "nothing of the Felix distribution");
            assertTrue(Files.isExecutable(shipped.resolve("libexec/jmaster-echo")));
            assertFalse(read(log).contains("sun.nio.ch"), read(log));
        } finally {
            stop(karaf);
        }
        for (long child : children) {
            assertTrue(ProcessHandle.of(child).isEmpty(), "child " + child + " left behind");
        }
    }

    @Test
    void withoutTheSetenvLineOneLineSaysWhatToPutThere() throws Exception {
        Readme readme = readme();
        Path karaf = karaf(19330);
        int port = 19333;
        start(karaf);
        try {
            String out = client(karaf, 19330, readme.commands(port));
            Path log = karaf.resolve("data/log/karaf.log");
            awaitLogged(log, "service not started", out);
            List<String> lines = read(log).lines().filter(l -> l.contains("sun.nio.ch")).collect(Collectors.toList());
            assertEquals(1, lines.size(), "one line: " + read(log));
            String line = lines.get(0);
            assertTrue(line.contains("service 127.0.0.1:" + port) && line.contains("-- service not started"), line);
            assertTrue(line.contains("put " + readme.setenv + " in " + karaf.resolve("bin/setenv").toRealPath()
                    + " and restart Karaf"), "the README's line, and where it goes: " + line);
            String log0 = read(log);
            assertFalse(log0.contains("IllegalAccessException") || log0.contains("IllegalStateException")
                    || Pattern.compile("(?m)^\\s+at org\\.jmaster").matcher(log0).find(), "no stack trace: " + log0);
            assertTrue(refused(port), "nothing listens on " + port);
        } finally {
            stop(karaf);
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

    /**
     * A stock Karaf of its own, offline: the local Maven repository, and one holding this build's
     * bundles and feature repository at their coordinates (mvn:org.jmaster/distribution/VERSION/
     * xml/features), as mvn install leaves them; its ssh port and the JMX ports after it; user karaf.
     */
    private Path karaf(int ssh) throws IOException {
        Path karaf = dir.resolve("karaf");
        Container.copy(Path.of(System.getProperty("jmaster.karaf")), karaf);
        Path repository = dir.resolve("repository");
        String version = System.getProperty("jmaster.version");
        for (String artifact : List.of("api-bundle", "policy-bundle", "nio-bundle", "spawner-bundle", "master-bundle",
                "child-runtime")) {
            Path target = repository.resolve("org/jmaster/" + artifact + "/" + version + "/" + artifact + "-" + version + ".jar");
            Files.createDirectories(target.getParent());
            Files.copy(Path.of(System.getProperty("jmaster.jar." + artifact)), target);
        }
        Path features = repository.resolve("org/jmaster/distribution/" + version + "/distribution-" + version
                + "-features.xml");
        Files.createDirectories(features.getParent());
        Files.copy(Path.of(System.getProperty("jmaster.features")), features);
        String karafVersion = System.getProperty("jmaster.karaf.version");
        for (String artifact : List.of("org.apache.karaf.scr.management", "org.apache.karaf.scr.state")) {
            Path target = repository.resolve("org/apache/karaf/scr/" + artifact + "/" + karafVersion + "/" + artifact + "-"
                    + karafVersion + ".jar");
            Files.createDirectories(target.getParent());
            Files.copy(Path.of(System.getProperty("jmaster.karaf.offline"), artifact + "-" + karafVersion + ".jar"), target);
        }
        Path mvn = karaf.resolve("etc/org.ops4j.pax.url.mvn.cfg");
        String text = Files.readString(mvn);
        text = text.replaceAll("(?m)^org\\.ops4j\\.pax\\.url\\.mvn\\.repositories=(.*\\\\\\n)*.*$",
                "org.ops4j.pax.url.mvn.repositories=");
        text = text.replace("${karaf.base.uri}${karaf.default.repository}@id=child.system.repository@snapshots",
                "${karaf.base.uri}${karaf.default.repository}@id=child.system.repository@snapshots, \\\n    "
                        + repository.toUri() + "@id=jmaster@snapshots");
        text += "\norg.ops4j.pax.url.mvn.localRepository=" + System.getProperty("maven.repo.local")
                + "\norg.ops4j.pax.url.mvn.offline=true\n";
        Files.writeString(mvn, text);
        replace(karaf.resolve("etc/org.apache.karaf.shell.cfg"), "sshPort = 8101", "sshPort = " + ssh);
        // the karaf user is an admin while the test runs, as root: its ssh port on loopback only
        replace(karaf.resolve("etc/org.apache.karaf.shell.cfg"), "sshHost = 0.0.0.0", "sshHost = 127.0.0.1");
        replace(karaf.resolve("etc/org.apache.karaf.management.cfg"), "rmiRegistryPort = 1099",
                "rmiRegistryPort = " + (ssh + 1));
        replace(karaf.resolve("etc/org.apache.karaf.management.cfg"), "rmiServerPort = 44444",
                "rmiServerPort = " + (ssh + 2));
        Path users = karaf.resolve("etc/users.properties");
        replace(users, "#karaf = karaf,_g_:admingroup", "karaf = karaf,_g_:admingroup");
        replace(users, "#_g_\\:admingroup", "_g_\\:admingroup");
        return karaf;
    }

    private static void replace(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertTrue(text.contains(from), file + " has no " + from);
        Files.writeString(file, text.replace(from, to));
    }

    /** Runs the commands in one batch session of bin/client as karaf; every one must succeed. */
    private static String client(Path karaf, int ssh, String... commands) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(karaf.resolve("bin/client").toString(), "-h", "127.0.0.1", "-a", Integer.toString(ssh),
                "-u", "karaf", "-p", "karaf", "-r", "60", "-d", "1", "-b").redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process client = builder.start();
        client.getOutputStream().write((String.join("\n", commands) + "\n").getBytes(StandardCharsets.UTF_8));
        client.getOutputStream().close();
        String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(client.waitFor(180, TimeUnit.SECONDS), out);
        assertFalse(out.contains("Error executing command"), out);
        return out;
    }

    /** bin/start as a user starts it: what the JVM gets comes from bin/setenv alone. */
    private static void start(Path karaf) throws Exception {
        run(karaf, "bin/start");
    }

    private static void stop(Path karaf) throws Exception {
        run(karaf, "bin/stop");
        await("Karaf stops", 60_000, () -> karafPid(karaf).isEmpty());
    }

    private static void run(Path karaf, String script) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(karaf.resolve(script).toString()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("EXTRA_JAVA_OPTS");
        builder.environment().remove("JAVA_OPTS");
        Process process = builder.start();
        process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    }

    private static void awaitLogged(Path log, String text, String client) throws InterruptedException {
        try {
            await(text + " in karaf.log", 60_000, () -> read(log).contains(text));
        } catch (AssertionError e) {
            System.out.println("bin/client:\n" + client + "\nkaraf.log:\n" + read(log));
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

    private static Optional<Long> karafPid(Path karaf) {
        String marker = "-Dkaraf.base=" + karaf;
        return ProcessHandle.allProcesses().filter(p -> p.info().arguments()
                .map(a -> Stream.of(a).anyMatch(marker::equals)).orElse(false)).map(ProcessHandle::pid).findFirst();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
