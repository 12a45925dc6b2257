package org.jmaster.dist;

import static org.jmaster.dist.Container.await;
import static org.jmaster.dist.Container.echo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jmaster: commands in the distribution's Gogo console (bin/jmaster console, fed on its
 * standard input as an operator types), against the echo service served by real children: the
 * table, a throttle that the Service MBean sees and notifies, the children, restart, cleanup, resize,
 * reload, --help, bad input answered with one line and no stack trace, the audit lines before and
 * after an operation, and no wire from the master bundle to the Gogo runtime.
 */
class ShellIT {
    /** This test's ports: the echo service and JMX. */
    private static final int ECHO = 19120;
    private static final int JMX = 19121;
    private static final String LABEL = "127.0.0.1:" + ECHO + "/inet";

    @TempDir
    Path dir;

    @Test
    void commandsInTheConsole() throws Exception {
        try (Container c = new Container(dir)) {
            Path cfg = c.home.resolve("etc/org.jmaster.service-echo.cfg");
            Files.writeString(cfg, Files.readString(cfg).replace("127.0.0.1:10007", "127.0.0.1:" + ECHO));
            ProcessBuilder builder = new ProcessBuilder(c.home.resolve("bin/jmaster").toString(), "console")
                    .redirectErrorStream(true);
            builder.environment().put("JMASTER_JMX_PORT", Integer.toString(JMX));
            builder.environment().put("JAVA_HOME", System.getProperty("java.home")); // the tests' JDK, whatever failsafe's
            Process process = builder.start();
            Console console = new Console(process);
            try {
                console.await("the echo service", "service 127.0.0.1:" + ECHO + "(");
                console.await("every service listening", "daemon started");
                assertEquals("hi", echo(ECHO, "hi"));
                try (JMXConnector connector = connect(c)) {
                    MBeanServerConnection jmx = connector.getMBeanServerConnection();
                    ObjectName service = JmxIT.service(LABEL);
                    await("the request counted", 10_000, () -> attribute(jmx, service, "RequestsCompleted").equals(1L));

                    String row = console.row("jmaster:services");
                    assertTrue(row.matches("127\\.0\\.0\\.1:" + ECHO + "  inet  +4  +1  +1  no  +no  +no  +1  +1  +0"), row);
                    String header = console.output().lines().filter(l -> l.contains("bad start-ups")).findFirst().orElseThrow();
                    assertTrue(header.matches("(g! )?service +type  limit  total  available  listening  throttled  stress"
                            + "  spawned  completed  bad start-ups"), header);

                    List<String> notified = new CopyOnWriteArrayList<>();
                    jmx.addNotificationListener(service, (notification, handback) -> notified.add(notification.getType()),
                            null, null);
                    console.command("jmaster:throttle 127.0.0.1:" + ECHO + " 120", LABEL + ": throttled for 120s");
                    await("the MBean's notification", 10_000, () -> notified.contains("org.jmaster.service.throttled"));
                    assertEquals(true, attribute(jmx, service, "Throttled"));
                    long remaining = (Long) attribute(jmx, service, "ThrottleRemainingSeconds");
                    assertTrue(remaining > 100 && remaining <= 120, "remaining " + remaining);
                    assertEquals(1L, attribute(jmx, service, "ThrottleCount"));
                    row = console.row("jmaster:services");
                    assertTrue(row.matches(".*  no  +yes, 1[0-2][0-9]s  +no  .*"), row);
                    console.command("jmaster:unthrottle " + LABEL, LABEL + ": unthrottled");
                    assertEquals(false, attribute(jmx, service, "Throttled"));

                    // the children, as the MBean has them
                    CompositeData[] processes = (CompositeData[]) attribute(jmx, service, "Processes");
                    assertEquals(1, processes.length);
                    console.send("jmaster:processes " + LABEL);
                    console.await("the process row", "\n" + processes[0].get("pid") + "  ");
                    assertTrue(console.output().matches("(?s).*\n" + processes[0].get("pid") + " +"
                            + processes[0].get("generation") + "  AVAIL  +1  +[0-9]+[smh][0-9sm]*\n.*"), console.output());

                    console.command("jmaster:resize " + LABEL + " 2", LABEL + ": process limit 2, was 4");
                    assertEquals(2, attribute(jmx, service, "ProcessLimit"));
                    console.command("jmaster:restart " + LABEL, LABEL + ": restarted");
                    assertEquals("after restart", echo(ECHO, "after restart"));
                    console.command("jmaster:cleanup " + LABEL, LABEL + ": cleaned up: every child terminated");
                    assertEquals(0, attribute(jmx, service, "TotalProcesses"));
                    console.command("jmaster:reload", "reloaded: 1 service");
                    assertEquals(4, attribute(jmx, service, "ProcessLimit"), "the reload put maxproc back");
                    assertEquals("after reload", echo(ECHO, "after reload"));

                    console.command("jmaster:throttle --help", "usage: jmaster:throttle <service> [seconds]");
                    console.command("jmaster:throttle nosuch",
                            "gogo: CommandException: jmaster:throttle: no service nosuch (jmaster:services lists them)");
                    console.command("jmaster:throttle " + LABEL + " -5",
                            "gogo: CommandException: jmaster:throttle: seconds must be from 1 to 86400 (a day), not -5");
                    console.command("jmaster:resize " + LABEL, "gogo: CommandException: jmaster:resize: missing <n> --"
                            + " usage: jmaster:resize <service> <n>");
                    assertEquals(false, attribute(jmx, service, "Throttled"));
                    assertFalse(console.output().contains("\tat "), "no stack trace:\n" + console.output());
                }
                String log = console.output();
                String audit = "INFO org.jmaster.jmx: shell: " + System.getProperty("user.name") + ": jmaster:throttle ";
                // the service as its label, though the command named it without its type
                assertTrue(log.contains(audit + LABEL + " 120\n"), "audited before it runs:\n" + log);
                assertTrue(log.contains(audit + LABEL + " 120: done\n"), "and after:\n" + log);
                assertTrue(log.contains("WARNING org.jmaster.jmx: shell: " + System.getProperty("user.name")
                        + ": jmaster:throttle " + LABEL + " -5: refused: seconds must be from 1 to 86400"), log);

                // the master depends on no shell: no wire to Gogo's package, which the shell bundle imports
                int from = log.length();
                console.send("inspect requirement osgi.wiring.package org.jmaster.master");
                console.send("inspect requirement osgi.wiring.package org.jmaster.shell");
                await("the wires of both bundles", 30_000, () -> {
                    String wires = console.output().substring(from);
                    int shell = wires.indexOf("org.jmaster.shell [");
                    return shell >= 0 && wires.indexOf("from org.apache.felix.gogo.runtime [", shell) > 0;
                });
                String wires = console.output().substring(from);
                String master = wires.substring(wires.indexOf("org.jmaster.master ["), wires.indexOf("org.jmaster.shell ["));
                assertTrue(master.contains("org.jmaster.api.jmx 1.1.0 from org.jmaster.api ["), master);
                assertFalse(master.contains("org.apache.felix.service.command") || master.contains("gogo"),
                        "the master is wired to a shell:\n" + master);
                assertFalse(log.contains("SEVERE"), log);
                console.send("stop 0");
                assertTrue(process.waitFor(30, TimeUnit.SECONDS), console.output());
            } catch (Exception e) {
                throw new AssertionError(e + "\nthe console:\n" + console.output(), e);
            } finally {
                process.destroy();
                console.close();
            }
        }
    }

    private static Object attribute(MBeanServerConnection jmx, ObjectName name, String attribute) {
        try {
            return jmx.getAttribute(name, attribute);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** As admin, with the password the console's jmaster wrote at its first start. */
    private static JMXConnector connect(Container c) throws IOException {
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + JMX + "/jmxrmi");
        return JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS, c.credentials("admin")));
    }

    /** bin/jmaster console: what it prints, and lines sent to it. */
    private static final class Console implements AutoCloseable {
        private final StringBuilder seen = new StringBuilder();
        private final OutputStream in;
        private final Thread reader;

        Console(Process process) {
            in = process.getOutputStream();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            reader = new Thread(() -> {
                try {
                    for (String line; (line = out.readLine()) != null;) {
                        synchronized (seen) {
                            seen.append(line).append('\n');
                        }
                    }
                } catch (IOException e) {
                    // the console ended
                }
            });
            reader.start();
        }

        String output() {
            synchronized (seen) {
                return seen.toString();
            }
        }

        void send(String line) throws IOException {
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        void await(String what, String text) throws InterruptedException {
            try {
                Container.await(what, 30_000, () -> output().contains(text));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nthe console:\n" + output(), e);
            }
        }

        /** Sends a command and waits for this text in what it prints next. */
        void command(String line, String expected) throws Exception {
            int from = output().length();
            send(line);
            try {
                Container.await(line, 30_000, () -> output().indexOf(expected, from) >= 0);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + ": " + expected + "\nthe console:\n" + output().substring(from), e);
            }
        }

        /** Sends jmaster:services and returns the echo service's row. */
        String row(String line) throws Exception {
            int from = output().length();
            send(line);
            Pattern row = Pattern.compile("(?m)^(?:g! )?(127\\.0\\.0\\.1:" + ECHO + "  inet .*)$");
            String[] found = new String[1];
            Container.await(line, 30_000, () -> {
                Matcher matcher = row.matcher(output().substring(from));
                if (matcher.find()) {
                    found[0] = matcher.group(1);
                }
                return found[0] != null;
            });
            return found[0];
        }

        @Override
        public void close() throws InterruptedException {
            reader.join(5000);
        }
    }
}
