package org.jmaster.dist;

import static org.jmaster.dist.Container.await;
import static org.jmaster.dist.Container.echo;
import static org.jmaster.dist.Container.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        int ssh = freePort();
        int registry = freePort();
        int rmiServer = freePort();
        int port = freePort();
        Karaf karaf = Karaf.offline(dir, ssh, registry, rmiServer)
                .users("watcher = watcher,viewer", "boss = boss,manager,viewer,ssh");
        Path libexec = Karaf.echoLauncher(dir.resolve("libexec"));

        karaf.start(Karaf.ADD_EXPORTS);
        List<Long> children = new ArrayList<>();
        try {
            String out = karaf.client(
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
            Path log = karaf.log();
            System.out.println("bin/client:\n" + out);
            try {
                await("the echo service", 60_000, () -> Karaf.read(log).contains("service 127.0.0.1:" + port + "("));
            } catch (AssertionError e) {
                System.out.println("karaf.log:\n" + Karaf.read(log));
                throw e;
            }
            assertEquals("from karaf", echo(port, "from karaf"), out + Karaf.read(log));
            long karafPid = karaf.pid().orElseThrow();
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
            managerCannotChangeWhatRuns(url, service, karaf);
        } finally {
            karaf.stop();
        }
        for (long child : children) {
            assertTrue(ProcessHandle.of(child).isEmpty(), "child " + child + " left behind");
        }
    }

    /**
     * A manager may throttle, but may not change what runs as Karaf's user: neither a service's
     * command (Karaf's config MBean and config shell), nor a jmaster bundle (the bundle MBean).
     */
    private void managerCannotChangeWhatRuns(JMXServiceURL url, ObjectName service, Karaf karaf)
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
        String shell = karaf.client("boss", false, "config:edit org.jmaster.master",
                "config:property-set daemon_directory /evil", "config:update");
        assertRefused(shell);
        String after = karaf.client("config:property-list -p org.jmaster.master");
        assertTrue(!after.contains("/evil") && after.contains("daemon_directory"), "the manager's edit took no effect: "
                + after);
        // Two side doors into etc/: copying a file there, and a configuration of another PID that
        // Karaf would write to the file its felix.fileinstall.filename names.
        Path evil = Files.writeString(dir.resolve("evil.cfg"), "service = 127.0.0.1:1\ntype = inet\ncommand = /bin/sh\n");
        String install = karaf.client("boss", false, "config:install " + evil.toUri() + " org.jmaster.service-evil.cfg");
        assertRefused(install);
        String exists = karaf.client("config:install --help");
        assertTrue(exists.contains("config:install") && !exists.contains("Command not found"), "an admin has it: " + exists);
        Path target = karaf.home().resolve("etc/org.jmaster.service-evil2.cfg");
        String redirect = karaf.client("boss", false, "config:edit some.pid",
                "config:property-set felix.fileinstall.filename " + target.toUri(), "config:property-set command /bin/sh",
                "config:update");
        assertRefused(redirect);
        assertFalse(Files.exists(karaf.home().resolve("etc/org.jmaster.service-evil.cfg")), install);
        assertFalse(Files.exists(target), redirect);
    }

    private static void assertRefused(String shell) {
        // Karaf's ACL answers: a command the user may not run at all is hidden, one of a forbidden
        // argument refused; any other failure is not a refusal
        assertTrue(shell.contains("Insufficient credentials") || shell.contains("Command not found"), shell);
    }
}
