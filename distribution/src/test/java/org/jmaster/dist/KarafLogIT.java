package org.jmaster.dist;

import static org.jmaster.dist.Container.await;
import static org.jmaster.dist.Container.echo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
        Path karaf = dir.resolve("karaf");
        Container.copy(Path.of(System.getProperty("jmaster.karaf")), karaf);
        int ssh = 19230;
        int port = 19233;
        configure(karaf, ssh, 19231, 19232);
        Path libexec = Files.createDirectories(dir.resolve("libexec"));
        Path echoLauncher = libexec.resolve("echo");
        Files.writeString(echoLauncher, "#!/bin/sh\nexec " + System.getProperty("java.home") + "/bin/java -Xrs"
                + " -XX:+UseSerialGC -cp " + System.getProperty("jmaster.jar.child-runtime") + ":"
                + System.getProperty("jmaster.jar.jna") + " org.jmaster.child.echo.EchoServer \"$@\"\n");
        Files.setPosixFilePermissions(echoLauncher, PosixFilePermissions.fromString("rwxr-xr-x"));
        run(karaf, "bin/start");
        try {
            client(karaf, ssh,
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
            Path log = karaf.resolve("data/log/karaf.log");
            String started = "service 127.0.0.1:" + port + "(";
            await("the echo service", 60_000, () -> read(log).contains(started));
            assertEquals("logged", echo(port, "logged"));
            String line = read(log).lines().filter(l -> l.contains(started)).findFirst().orElseThrow();
            assertTrue(line.matches(".*\\| \\d+ - org\\.jmaster\\.master - [0-9.]+SNAPSHOT \\| " + Pattern.quote(started)
                    + ".*"), "karaf.log names the bundle: " + line);

            // without its colours (the shell resets them at the start of each line)
            String display = client(karaf, ssh, "log:display -p '%X{bundle.name} | %m%n'")
                    .replaceAll("\u001b\\[[0-9;]*m", "");
            assertTrue(display.lines().anyMatch(l -> l.startsWith("org.jmaster.master | " + started)),
                    "log:display with the bundle in its pattern:\n" + display);
        } finally {
            run(karaf, "bin/stop");
            await("Karaf stops", 60_000, () -> karafPid(karaf).isEmpty());
        }
    }

    /** KarafIT's: offline, the local Maven repository and this build's bundles, these ports, the karaf user. */
    private void configure(Path karaf, int ssh, int registry, int rmiServer) throws IOException {
        Path repository = dir.resolve("repository");
        String version = System.getProperty("jmaster.version");
        for (String artifact : List.of("api-bundle", "policy-bundle", "nio-bundle", "spawner-bundle", "master-bundle",
                "child-runtime")) {
            Path target = repository.resolve("org/jmaster/" + artifact + "/" + version + "/" + artifact + "-" + version + ".jar");
            Files.createDirectories(target.getParent());
            Files.copy(Path.of(System.getProperty("jmaster.jar." + artifact)), target);
        }
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
        replace(karaf.resolve("etc/org.apache.karaf.management.cfg"), "rmiRegistryPort = 1099", "rmiRegistryPort = " + registry);
        replace(karaf.resolve("etc/org.apache.karaf.management.cfg"), "rmiServerPort = 44444", "rmiServerPort = " + rmiServer);
        Path users = karaf.resolve("etc/users.properties");
        replace(users, "#karaf = karaf,_g_:admingroup", "karaf = karaf,_g_:admingroup");
        replace(users, "#_g_\\:admingroup", "_g_\\:admingroup");
    }

    private static void replace(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertTrue(text.contains(from), file + " has no " + from);
        Files.writeString(file, text.replace(from, to));
    }

    /** One batch session of bin/client as karaf; every command must succeed. */
    private static String client(Path karaf, int ssh, String... commands) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(karaf.resolve("bin/client").toString(), "-h", "127.0.0.1", "-a", Integer.toString(ssh),
                "-u", "karaf", "-p", "karaf", "-r", "60", "-d", "1", "-b").redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process client = builder.start();
        client.getOutputStream().write((String.join("\n", commands) + "\n").getBytes(StandardCharsets.UTF_8));
        client.getOutputStream().close();
        String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(client.waitFor(180, TimeUnit.SECONDS), out);
        assertTrue(!out.contains("Error executing command"), out);
        return out;
    }

    private static void run(Path karaf, String script) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(karaf.resolve(script).toString()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("EXTRA_JAVA_OPTS", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED");
        Process process = builder.start();
        process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
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
