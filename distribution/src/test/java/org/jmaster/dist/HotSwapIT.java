package org.jmaster.dist;

import static org.jmaster.dist.Container.await;
import static org.jmaster.dist.Container.echo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy, nio, spawner and master bundles replaced by rebuilt jars (update, then refresh) in the
 * running distribution while clients keep connecting: no client is refused, none loses its
 * reply, no child is leaked, and the service serves on.
 */
class HotSwapIT {
    private static final List<String> BUNDLES = List.of("org.jmaster.policy", "org.jmaster.nio", "org.jmaster.spawner",
            "org.jmaster.master");
    @TempDir
    Path dir;

    private static String rebuilt(String bundle) {
        return "file:" + System.getProperty("jmaster.rebuilt." + bundle);
    }

    /** From JMX: Master.updateBundle and refreshBundles, each bundle in turn, under load. */
    @Test
    void swapsUnderLoadFromJmx() throws Exception {
        try (Container c = new Container(dir)) {
            int port = c.moveEcho();
            c.start("127.0.0.1:" + port);
            MBeanServerConnection jmx = c.jmx();
            ObjectName service = JmxIT.service("127.0.0.1:" + port + "/inet");
            try (Clients clients = new Clients(port, 4)) {
                await("traffic", 30_000, () -> clients.served() > 20);
                for (String bundle : BUNDLES) {
                    long before = clients.served();
                    String result = c.swap(bundle);
                    String jar = Path.of(System.getProperty("jmaster.rebuilt." + bundle)).getFileName().toString()
                            .replace(".jar", "-new.jar");
                    // the master is replaced once the call has returned: it answers before it goes
                    boolean itself = bundle.equals("org.jmaster.master");
                    assertTrue(result.startsWith(bundle + " 0.1.0.SNAPSHOT " + (itself ? "updating" : "updated") + " from "
                            + c.home.resolve("bundle").resolve(jar) + " (SHA-256 "), result);
                    assertTrue(itself || result.contains("), state ACTIVE"), result);
                    await("served after swapping " + bundle, 30_000, () -> clients.served() > before + 20);
                    assertEquals(List.of(), clients.failures(), "after swapping " + bundle);
                }
            }
            assertEquals("after", echo(port, "after"));
            // a child that has just exited is a zombie until reaped: the two agree once it is
            int[] seen = new int[2];
            await("the master counting exactly the children alive", 10_000, () -> {
                try {
                    seen[0] = (Integer) jmx.getAttribute(service, "TotalProcesses");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                seen[1] = c.children().size();
                return seen[0] == seen[1];
            });
            assertTrue(seen[0] <= 4, "children: " + seen[0]);
            assertTrue(!c.log().contains("SEVERE"), c.log());
        }
    }

    /** From the Gogo console: lb, update, refresh, lb; the service serves before and after. */
    @Test
    void swapFromTheGogoConsole() throws Exception {
        try (Container c = new Container(dir)) {
            int port = c.moveEcho();
            ProcessBuilder builder = new ProcessBuilder(c.home.resolve("bin/jmaster").toString(), "console")
                    .redirectErrorStream(true);
            builder.environment().put("JMASTER_JMX_PORT", Integer.toString(c.jmxPort));
            Process console = builder.start();
            OutputStream in = console.getOutputStream();
            BufferedReader out = new BufferedReader(new InputStreamReader(console.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            Thread reader = new Thread(() -> {
                try {
                    for (String line; (line = out.readLine()) != null;) {
                        synchronized (seen) {
                            seen.append(line).append('\n');
                        }
                    }
                } catch (java.io.IOException e) {
                    // the console ended
                }
            });
            reader.start();
            try {
                await("the echo service", 30_000, () -> text(seen).contains("service 127.0.0.1:" + port + "("));
                assertEquals("before", echo(port, "before"));
                send(in, "lb -s org.jmaster.policy");
                await("lb", 10_000, () -> text(seen).contains("|org.jmaster.policy"));
                Matcher id = Pattern.compile("(?m)^\\s*(\\d+)\\|Active\\s*\\|.*\\|org\\.jmaster\\.policy").matcher(text(seen));
                assertTrue(id.find(), text(seen));
                send(in, "update " + id.group(1) + " " + rebuilt("org.jmaster.policy"));
                send(in, "refresh");
                send(in, "lb -s org.jmaster.policy");
                await("the policy is back", 20_000, () -> text(seen).split("\\|Active\\s*\\|.*\\|org\\.jmaster\\.policy", -1).length > 2);
                assertEquals("after", echo(port, "after"));
                send(in, "stop 0");
                assertTrue(console.waitFor(30, TimeUnit.SECONDS), text(seen));
            } finally {
                console.destroy();
                reader.join(5000);
            }
        }
    }

    private static String text(StringBuilder seen) {
        synchronized (seen) {
            return seen.toString();
        }
    }

    private static void send(OutputStream in, String command) throws java.io.IOException {
        in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }
}
