package org.jmaster.dist;

import static org.jmaster.dist.Container.await;
import static org.jmaster.dist.Container.echo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * The jmaster: commands in a stock Apache Karaf 4.4.10's shell (bin/client, over its ssh port),
 * with the feature installed offline and an echo service served by a real child: the table, a
 * throttle by a manager that the Service MBean shows through Karaf's JMX connector, --help, bad
 * input in one line, the command ACL the feature ships refusing a viewer's cleanup and throttle
 * while letting it read, a manager's restart and reload, TAB completing a service at a
 * terminal, and the audit lines of the operations with their users and outcomes.
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
        Karaf karaf = Karaf.offline(dir, SSH, REGISTRY, RMI_SERVER).shutdownPort(SHUTDOWN)
                .users("watcher = watcher,viewer,ssh", "boss = boss,manager,viewer,ssh");
        Path libexec = Karaf.echoLauncher(dir.resolve("libexec"));
        Path log = karaf.log();

        karaf.start(Karaf.ADD_EXPORTS);
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
                await("the echo service", 60_000, () -> Karaf.read(log).contains("service 127.0.0.1:" + ECHO + "("));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nkaraf.log:\n" + Karaf.read(log), e);
            }
            assertEquals("from karaf", echo(ECHO, "from karaf"));
            ProcessHandle.of(karaf.pid().orElseThrow()).ifPresent(p -> p.children().forEach(c -> children.add(c.pid())));

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
                for (String command : List.of("cleanup " + LABEL, "unthrottle " + LABEL, "throttle " + LABEL + " 5",
                        "restart " + LABEL, "resize " + LABEL + " 1", "reload")) {
                    assertEquals("Command not found: jmaster:" + command.split(" ")[0], one(karaf, "watcher", "jmaster:" + command),
                            "a viewer's " + command);
                }
                assertEquals(1, jmx.getAttribute(service, "TotalProcesses"), "the viewer's cleanup did nothing");
                assertEquals(true, jmx.getAttribute(service, "Throttled"));
                assertEquals("Command not found: jmaster:cleanup", one(karaf, "boss", "jmaster:cleanup " + LABEL),
                        "cleanup is an admin's");
                assertEquals("Command not found: jmaster:resize", one(karaf, "boss", "jmaster:resize " + LABEL + " 1"),
                        "and so is resize");

                // bad input: one line, no stack trace (in the shell or in karaf.log); --help
                assertEquals("jmaster:throttle: no service nosuch (jmaster:services lists them)",
                        one(karaf, "karaf", "jmaster:throttle nosuch"));
                assertTrue(one(karaf, "karaf", "jmaster:resize " + LABEL + " -1").startsWith(
                        "jmaster:resize: ProcessLimit must be 1 or more, not -1"));
                assertEquals("Error executing command jmaster:throttle: argument service is required",
                        one(karaf, "karaf", "jmaster:throttle"), "Karaf's own word for it");
                assertEquals("jmaster:throttle: seconds must be a whole number, not 5x",
                        one(karaf, "karaf", "jmaster:throttle " + LABEL + " 5x"));
                // --help and help: Karaf's usage, from the command's annotations
                String help = client(karaf, "karaf", true, "jmaster:cleanup --help");
                assertTrue(help.contains("\tTerminates every child of a service"), help);
                assertTrue(help.contains("SYNTAX\n        jmaster:cleanup service"), help);
                assertTrue(help.matches("(?s).*ARGUMENTS\n        service\n +The service, as jmaster:services shows it.*"), help);
                help = client(karaf, "karaf", true, "jmaster:resize --help");
                assertTrue(help.contains("SYNTAX\n        jmaster:resize service n"), help);
                assertFalse(Karaf.read(log).contains("CommandException"), "no stack trace in karaf.log");
                assertEquals(2, jmx.getAttribute(service, "ProcessLimit"));

                // an admin cleans up and unthrottles
                String admin = client(karaf, "karaf", true, "jmaster:cleanup " + LABEL, "jmaster:unthrottle " + LABEL);
                assertTrue(admin.contains(LABEL + ": cleaned up: every child terminated"), admin);
                assertTrue(admin.contains(LABEL + ": unthrottled"), admin);
                assertEquals(0, jmx.getAttribute(service, "TotalProcesses"));
                assertEquals(false, jmx.getAttribute(service, "Throttled"));
            }
            assertEquals("after", echo(ECHO, "after"));

            // a manager restarts a service and reloads
            String manager = client(karaf, "boss", true, "jmaster:restart " + LABEL, "jmaster:reload");
            assertTrue(manager.contains(LABEL + ": restarted: each child exits after its current request"), manager);
            assertTrue(manager.matches("(?s).*\nreloaded: 1 service\\s*"), manager);
            assertEquals("restarted", echo(ECHO, "restarted"));

            // at a terminal, TAB completes a service: its label, which nobody typed, then the command runs
            try (Karaf.Terminal terminal = karaf.terminal("watcher")) {
                terminal.type("jmaster:processes \t");
                terminal.await(LABEL);
                terminal.type("\r");
                terminal.await("pid  generation  state  use count  age");
                terminal.type("help jmaster:processes\r");
                terminal.await("jmaster:processes service");
            }
            String audit = Karaf.read(log);
            assertTrue(audit.contains("shell: boss: jmaster:throttle " + LABEL + " 300\n"), "the throttle logged with its user");
            assertTrue(audit.contains("shell: boss: jmaster:throttle " + LABEL + " 300: done\n"), "and its outcome");
            assertTrue(audit.contains("shell: karaf: jmaster:resize " + LABEL + " -1: refused: ProcessLimit must be 1 or more"),
                    "and a refusal");
        } finally {
            karaf.stop();
        }
        for (long child : children) {
            assertTrue(ProcessHandle.of(child).isEmpty(), "child " + child + " left behind");
        }
    }

    /** A batch session as this user, printed for the test's output. */
    private static String client(Karaf karaf, String user, boolean checkErrors, String... commands) throws Exception {
        String out = karaf.client(user, checkErrors, commands);
        System.out.println("bin/client as " + user + ": " + String.join("; ", commands) + "\n" + out);
        return out;
    }

    /**
     * One command that must fail, alone in its session (a batch ends at its first error): the one
     * line it printed, and not Karaf's "Error executing command: " of an exception it logs with its
     * stack trace.
     */
    private static String one(Karaf karaf, String user, String command) throws Exception {
        String out = client(karaf, user, false, command).strip();
        assertFalse(out.contains("\n") || out.contains("Error executing command: "), "one line, and no stack trace: " + out);
        return out;
    }
}
