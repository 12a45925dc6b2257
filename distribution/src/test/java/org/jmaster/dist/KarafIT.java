package org.jmaster.dist;

import static org.jmaster.dist.Container.await;
import static org.jmaster.dist.Container.echo;
import static org.jmaster.dist.Container.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
 * The jmaster feature in a stock Apache Karaf 4.4.10, offline, driven as an administrator drives
 * it: feature:repo-add and feature:install through bin/client, a service configured with
 * config:edit, an echo through a real child, and the service MBean read through Karaf's JMX
 * connector with Karaf's credentials, its ACL refusing a viewer's throttle, and Karaf's config and
 * bundle ACLs refusing a manager what would change the commands jmaster runs.
 */
class KarafIT {
    @TempDir
    Path dir;

    @Test
    void featureInstallsConfiguresServesAndIsManaged() throws Exception {
        Path karaf = dir.resolve("karaf");
        Container.copy(Path.of(System.getProperty("jmaster.karaf")), karaf);
        int ssh = freePort();
        int registry = freePort();
        int rmiServer = freePort();
        int port = freePort();
        configure(karaf, ssh, registry, rmiServer);
        Path libexec = Files.createDirectories(dir.resolve("libexec"));
        Path echoLauncher = libexec.resolve("echo");
        Files.writeString(echoLauncher, "#!/bin/sh\nexec " + System.getProperty("java.home") + "/bin/java -Xrs"
                + " -XX:+DisableAttachMechanism -XX:+UseSerialGC -cp " + System.getProperty("jmaster.jar.child-runtime") + ":"
                + System.getProperty("jmaster.jar.jna") + " org.jmaster.child.echo.EchoServer \"$@\"\n");
        Files.setPosixFilePermissions(echoLauncher, PosixFilePermissions.fromString("rwxr-xr-x"));

        run(karaf, "bin/start");
        List<Long> children = new ArrayList<>();
        try {
            String out = client(karaf, ssh,
                    "feature:repo-add file:" + System.getProperty("jmaster.features"),
                    "feature:install --no-auto-refresh jmaster",
                    "config:edit org.jmaster.master",
                    // not /etc/postfix: with Postfix installed, its main.cf would decide the directories
                    "config:property-set config_directory " + dir,
                    "config:property-set queue_directory " + dir.resolve("queue"),
                    "config:property-set data_directory " + dir.resolve("data"),
                    "config:property-set daemon_directory " + libexec,
                    "config:property-set inet_interfaces loopback-only",
                    "config:update",
                    "config:edit --factory --alias echo org.jmaster.service",
                    "config:property-set service 127.0.0.1:" + port,
                    "config:property-set type inet",
                    "config:property-set private n",
                    "config:property-set unpriv n",
                    "config:property-set maxproc 2",
                    "config:property-set command echo",
                    "config:update",
                    "bundle:list -s -t 0");
            assertTrue(out.contains("org.jmaster.master"), out);
            Path log = karaf.resolve("data/log/karaf.log");
            System.out.println("bin/client:\n" + out);
            try {
                await("the echo service", 60_000, () -> read(log).contains("service 127.0.0.1:" + port + "("));
            } catch (AssertionError e) {
                System.out.println("karaf.log:\n" + read(log));
                throw e;
            }
            assertEquals("from karaf", echo(port, "from karaf"), out + read(log));
            long karafPid = karafPid(karaf).orElseThrow();
            ProcessHandle.of(karafPid).ifPresent(p -> p.children().forEach(c -> children.add(c.pid())));

            JMXServiceURL url = new JMXServiceURL("service:jmx:rmi://127.0.0.1:" + rmiServer + "/jndi/rmi://127.0.0.1:"
                    + registry + "/karaf-root");
            ObjectName service = JmxIT.service("127.0.0.1:" + port + "/inet");
            try (JMXConnector admin = JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS,
                    new String[] {"karaf", "karaf"}))) {
                MBeanServerConnection jmx = admin.getMBeanServerConnection();
                assertEquals(1L, jmx.getAttribute(service, "RequestsCompleted"));
                assertEquals(2, jmx.getAttribute(service, "ProcessLimit"));
                jmx.invoke(service, "throttle", new Object[] {1}, new String[] {"int"});
            }
            try (JMXConnector viewer = JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS,
                    new String[] {"watcher", "watcher"}))) {
                MBeanServerConnection jmx = viewer.getMBeanServerConnection();
                assertEquals(1, jmx.getAttribute(service, "TotalProcesses"));
                SecurityException refused = assertThrows(SecurityException.class,
                        () -> jmx.invoke(service, "cleanup", null, null));
                assertTrue(refused.getMessage().contains("Insufficient roles"), refused.getMessage());
            }
            managerCannotChangeWhatRuns(url, service, karaf, ssh);
        } finally {
            run(karaf, "bin/stop");
            await("Karaf stops", 60_000, () -> karafPid(karaf).isEmpty());
        }
        for (long child : children) {
            assertTrue(ProcessHandle.of(child).isEmpty(), "child " + child + " left behind");
        }
    }

    /**
     * A manager may throttle, but may not change what runs as Karaf's user: neither a service's
     * command (Karaf's config MBean and config shell), nor a jmaster bundle (the bundle MBean).
     */
    private void managerCannotChangeWhatRuns(JMXServiceURL url, ObjectName service, Path karaf, int ssh)
            throws Exception {
        ObjectName config = new ObjectName("org.apache.karaf:type=config,name=root");
        ObjectName bundles = new ObjectName("org.apache.karaf:type=bundle,name=root");
        try (JMXConnector manager = JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS,
                new String[] {"boss", "boss"}))) {
            MBeanServerConnection jmx = manager.getMBeanServerConnection();
            jmx.invoke(service, "unthrottle", null, null);
            @SuppressWarnings("unchecked")
            List<String> pids = (List<String>) jmx.getAttribute(config, "Configs");
            String pid = pids.stream().filter(p -> p.startsWith("org.jmaster.service")).findFirst().orElseThrow();
            String[] signature = {String.class.getName(), String.class.getName(), String.class.getName()};
            SecurityException command = assertThrows(SecurityException.class,
                    () -> jmx.invoke(config, "setProperty", new Object[] {pid, "command", "/bin/sh"}, signature));
            assertTrue(command.getMessage().contains("Insufficient roles"), command.getMessage());
            SecurityException master = assertThrows(SecurityException.class, () -> jmx.invoke(config, "setProperty",
                    new Object[] {"org.jmaster.master", "daemon_directory", "/evil"}, signature));
            assertTrue(master.getMessage().contains("Insufficient roles"), master.getMessage());
            SecurityException update = assertThrows(SecurityException.class, () -> jmx.invoke(bundles, "update",
                    new Object[] {"org.jmaster.master"}, new String[] {String.class.getName()}));
            assertTrue(update.getMessage().contains("Insufficient roles"), update.getMessage());
        }
        String shell = client(karaf, ssh, "boss", false, "config:edit org.jmaster.master",
                "config:property-set daemon_directory /evil", "config:update");
        assertRefused(shell);
        String after = client(karaf, ssh, "config:property-list -p org.jmaster.master");
        assertTrue(!after.contains("/evil") && after.contains("daemon_directory"), "the manager's edit took no effect: "
                + after);
        // Two side doors into etc/: copying a file there, and a configuration of another PID that
        // Karaf would write to the file its felix.fileinstall.filename names.
        Path evil = Files.writeString(dir.resolve("evil.cfg"), "service = 127.0.0.1:1\ntype = inet\ncommand = /bin/sh\n");
        String install = client(karaf, ssh, "boss", false, "config:install " + evil.toUri() + " org.jmaster.service-evil.cfg");
        assertRefused(install);
        String exists = client(karaf, ssh, "config:install --help");
        assertTrue(exists.contains("config:install") && !exists.contains("Command not found"), "an admin has it: " + exists);
        Path target = karaf.resolve("etc/org.jmaster.service-evil2.cfg");
        String redirect = client(karaf, ssh, "boss", false, "config:edit some.pid",
                "config:property-set felix.fileinstall.filename " + target.toUri(), "config:property-set command /bin/sh",
                "config:update");
        assertRefused(redirect);
        assertFalse(Files.exists(karaf.resolve("etc/org.jmaster.service-evil.cfg")), install);
        assertFalse(Files.exists(target), redirect);
    }

    private static void assertRefused(String shell) {
        // Karaf's ACL answers: a command the user may not run at all is hidden, one of a forbidden
        // argument refused; any other failure is not a refusal
        assertTrue(shell.contains("Insufficient credentials") || shell.contains("Command not found"), shell);
    }

    /** Offline: the local Maven repository, and one holding this build's bundles; free ports; users. */
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
        Files.writeString(users, Files.readString(users) + "watcher = watcher,viewer\nboss = boss,manager,viewer,ssh\n");
    }

    private static void replace(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertTrue(text.contains(from), file + " has no " + from);
        Files.writeString(file, text.replace(from, to));
    }

    /**
     * Runs the commands in one batch session of bin/client: it reads them all, runs them in order,
     * and returns when they are done. (feature:install needs --no-auto-refresh here: the refresh
     * that installing scr triggers restarts Karaf's shell bundles and ends the session.)
     */
    private static String client(Path karaf, int ssh, String... commands) throws Exception {
        return client(karaf, ssh, "karaf", true, commands);
    }

    /** The same, as this user (whose password is its name); checkErrors: every command must succeed. */
    private static String client(Path karaf, int ssh, String user, boolean checkErrors, String... commands)
            throws Exception {
        ProcessBuilder builder = new ProcessBuilder(karaf.resolve("bin/client").toString(), "-h", "127.0.0.1", "-a", Integer.toString(ssh),
                "-u", user, "-p", user, "-r", "60", "-d", "1", "-b").redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process client = builder.start();
        client.getOutputStream().write((String.join("\n", commands) + "\n").getBytes(StandardCharsets.UTF_8));
        client.getOutputStream().close();
        String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(client.waitFor(180, TimeUnit.SECONDS), out);
        assertTrue(!checkErrors || !out.contains("Error executing command"), out);
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
