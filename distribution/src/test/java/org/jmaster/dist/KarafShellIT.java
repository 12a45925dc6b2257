package org.jmaster.dist;

import static org.jmaster.dist.Container.await;
import static org.jmaster.dist.Container.echo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jmaster: commands in a stock Apache Karaf 4.4.10's shell (bin/client, over its ssh port),
 * with the feature installed offline and an echo service served by a real child: the table, a
 * throttle by a manager that the Service MBean shows through Karaf's JMX connector, --help, bad
 * input in one line, and the command ACL the feature ships refusing a viewer's cleanup and
 * throttle while letting it read.
 */
class KarafShellIT {
    /** This test's ports: Karaf's ssh, JMX registry and RMI server, its shutdown port, the echo service. */
    private static final int SSH = 19110;
    private static final int REGISTRY = 19111;
    private static final int RMI_SERVER = 19112;
    private static final int ECHO = 19113;
    private static final int SHUTDOWN = 19114;
    private static final String LABEL = "127.0.0.1:" + ECHO + "/inet";

    @TempDir
    Path dir;

    @Test
    void commandsInKarafsShell() throws Exception {
        Path karaf = dir.resolve("karaf");
        Container.copy(Path.of(System.getProperty("jmaster.karaf")), karaf);
        configure(karaf);
        Path libexec = Files.createDirectories(dir.resolve("libexec"));
        Path echoLauncher = libexec.resolve("echo");
        Files.writeString(echoLauncher, "#!/bin/sh\nexec " + System.getProperty("java.home") + "/bin/java -Xrs"
                + " -XX:+DisableAttachMechanism -XX:+UseSerialGC -cp " + System.getProperty("jmaster.jar.child-runtime") + ":"
                + System.getProperty("jmaster.jar.jna") + " org.jmaster.child.echo.EchoServer \"$@\"\n");
        Files.setPosixFilePermissions(echoLauncher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path log = karaf.resolve("data/log/karaf.log");

        run(karaf, "bin/start");
        List<Long> children = new ArrayList<>();
        try {
            client(karaf, "karaf", true,
                    "feature:repo-add file:" + System.getProperty("jmaster.features"),
                    "feature:install --no-auto-refresh jmaster",
                    "config:edit org.jmaster.master",
                    "config:property-set config_directory " + dir,
                    "config:property-set queue_directory " + dir.resolve("queue"),
                    "config:property-set data_directory " + dir.resolve("data"),
                    "config:property-set daemon_directory " + libexec,
                    "config:property-set inet_interfaces loopback-only",
                    "config:update",
                    "config:edit --factory --alias echo org.jmaster.service",
                    "config:property-set service 127.0.0.1:" + ECHO,
                    "config:property-set type inet",
                    "config:property-set private n",
                    "config:property-set unpriv n",
                    "config:property-set maxproc 2",
                    "config:property-set command echo",
                    "config:update");
            try {
                await("the echo service", 60_000, () -> read(log).contains("service 127.0.0.1:" + ECHO + "("));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nkaraf.log:\n" + read(log), e);
            }
            assertEquals("from karaf", echo(ECHO, "from karaf"));
            ProcessHandle.of(karafPid(karaf).orElseThrow()).ifPresent(p -> p.children().forEach(c -> children.add(c.pid())));

            String table = client(karaf, "karaf", true, "jmaster:services");
            assertTrue(table.matches("(?s).*service +type  limit  total  available  listening  throttled  stress  spawned"
                    + "  completed  bad start-ups\\s*\n.*"), table);
            assertTrue(table.matches("(?s).*\n127\\.0\\.0\\.1:" + ECHO + "  inet  +2  +1  +1  no  +no  +no  +1  +1  +0\\s*\n.*"),
                    table);

            // a manager throttles; the MBean sees it; the table shows it
            String throttle = client(karaf, "boss", true, "jmaster:throttle " + LABEL + " 300", "jmaster:services");
            assertTrue(throttle.contains(LABEL + ": throttled for 300s"), throttle);
            assertTrue(throttle.matches("(?s).*\n127\\.0\\.0\\.1:" + ECHO + "  inet .*  yes, [0-9]+s  .*"), throttle);
            JMXServiceURL url = new JMXServiceURL("service:jmx:rmi://127.0.0.1:" + RMI_SERVER + "/jndi/rmi://127.0.0.1:"
                    + REGISTRY + "/karaf-root");
            ObjectName service = JmxIT.service(LABEL);
            try (JMXConnector connector = JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS,
                    new String[] {"karaf", "karaf"}))) {
                MBeanServerConnection jmx = connector.getMBeanServerConnection();
                assertEquals(true, jmx.getAttribute(service, "Throttled"));
                assertTrue((Long) jmx.getAttribute(service, "ThrottleRemainingSeconds") > 250);

                // a viewer reads, and may neither clean up nor throttle: the command ACL hides them
                String viewer = client(karaf, "watcher", true, "jmaster:services", "jmaster:processes " + LABEL);
                assertTrue(viewer.contains("127.0.0.1:" + ECHO + "  inet"), viewer);
                assertTrue(viewer.matches("(?s).*\n *pid  generation  state  use count  age\\s*\n *[0-9]+ +1  AVAIL .*"), viewer);
                assertEquals("Command not found: jmaster:cleanup", one(karaf, "watcher", "jmaster:cleanup " + LABEL));
                assertEquals("Command not found: jmaster:unthrottle", one(karaf, "watcher", "jmaster:unthrottle " + LABEL));
                assertEquals(1, jmx.getAttribute(service, "TotalProcesses"), "the viewer's cleanup did nothing");
                assertEquals(true, jmx.getAttribute(service, "Throttled"));
                assertEquals("Command not found: jmaster:cleanup", one(karaf, "boss", "jmaster:cleanup " + LABEL),
                        "cleanup is an admin's");

                // bad input: one line, no stack trace (in the shell or in karaf.log); --help
                assertEquals("jmaster:throttle: no service nosuch (jmaster:services lists them)",
                        one(karaf, "karaf", "jmaster:throttle nosuch"));
                assertTrue(one(karaf, "karaf", "jmaster:resize " + LABEL + " -1").startsWith(
                        "jmaster:resize: ProcessLimit must be 1 or more, not -1"));
                assertEquals("jmaster:throttle: missing <service> -- usage: jmaster:throttle <service> [seconds]",
                        one(karaf, "karaf", "jmaster:throttle"));
                String help = client(karaf, "karaf", true, "jmaster:cleanup --help");
                assertTrue(help.contains("usage: jmaster:cleanup <service>\n  Terminates every child"), help);
                assertFalse(read(log).contains("CommandException"), "no stack trace in karaf.log");
                assertEquals(2, jmx.getAttribute(service, "ProcessLimit"));

                // an admin cleans up and unthrottles
                String admin = client(karaf, "karaf", true, "jmaster:cleanup " + LABEL, "jmaster:unthrottle " + LABEL);
                assertTrue(admin.contains(LABEL + ": cleaned up: every child terminated"), admin);
                assertTrue(admin.contains(LABEL + ": unthrottled"), admin);
                assertEquals(0, jmx.getAttribute(service, "TotalProcesses"));
                assertEquals(false, jmx.getAttribute(service, "Throttled"));
            }
            assertEquals("after", echo(ECHO, "after"));
            assertTrue(read(log).contains("shell: boss: jmaster:throttle " + LABEL + " 300"), "the throttle logged with its user");
        } finally {
            run(karaf, "bin/stop");
            await("Karaf stops", 60_000, () -> karafPid(karaf).isEmpty());
        }
        for (long child : children) {
            assertTrue(ProcessHandle.of(child).isEmpty(), "child " + child + " left behind");
        }
    }

    /** As KarafIT: offline, this build's bundles, this test's ports on 127.0.0.1; users of each role. */
    private void configure(Path karaf) throws IOException {
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
        replace(karaf.resolve("etc/org.apache.karaf.shell.cfg"), "sshPort = 8101", "sshPort = " + SSH);
        replace(karaf.resolve("etc/org.apache.karaf.shell.cfg"), "sshHost = 0.0.0.0", "sshHost = 127.0.0.1");
        replace(karaf.resolve("etc/org.apache.karaf.management.cfg"), "rmiRegistryPort = 1099", "rmiRegistryPort = " + REGISTRY);
        replace(karaf.resolve("etc/org.apache.karaf.management.cfg"), "rmiServerPort = 44444", "rmiServerPort = " + RMI_SERVER);
        Path config = karaf.resolve("etc/config.properties");
        Files.writeString(config, Files.readString(config) + "\nkaraf.shutdown.port=" + SHUTDOWN + "\n");
        Path users = karaf.resolve("etc/users.properties");
        replace(users, "#karaf = karaf,_g_:admingroup", "karaf = karaf,_g_:admingroup");
        replace(users, "#_g_\\:admingroup", "_g_\\:admingroup");
        Files.writeString(users, Files.readString(users) + "watcher = watcher,viewer,ssh\nboss = boss,manager,viewer,ssh\n");
    }

    private static void replace(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertTrue(text.contains(from), file + " has no " + from);
        Files.writeString(file, text.replace(from, to));
    }

    /**
     * The commands in one batch session of bin/client as this user (whose password is its name);
     * checkErrors: none may fail. Returns what the session printed.
     */
    private static String client(Path karaf, String user, boolean checkErrors, String... commands) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(karaf.resolve("bin/client").toString(), "-h", "127.0.0.1", "-a",
                Integer.toString(SSH), "-u", user, "-p", user, "-r", "60", "-d", "1", "-b").redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process client = builder.start();
        client.getOutputStream().write((String.join("\n", commands) + "\n").getBytes(StandardCharsets.UTF_8));
        client.getOutputStream().close();
        // without the colours Karaf gives its error messages
        String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .replaceAll("\u001B\\[[0-9;]*m", "").replace("\r", "");
        assertTrue(client.waitFor(180, TimeUnit.SECONDS), out);
        assertTrue(!checkErrors || !(out.contains("Error executing command") || out.contains("Command not found")), out);
        System.out.println("bin/client as " + user + ": " + String.join("; ", commands) + "\n" + out);
        return out;
    }

    /** One command that must fail, alone in its session (a batch ends at its first error): the one line it printed. */
    private static String one(Path karaf, String user, String command) throws Exception {
        String out = client(karaf, user, false, command).strip();
        assertFalse(out.contains("\n") || out.contains("Error executing command"), "one line, and no stack trace: " + out);
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
