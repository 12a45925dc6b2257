package org.jmaster.dist;

import static org.jmaster.dist.Container.await;
import static org.jmaster.dist.Container.echo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.management.Attribute;
import javax.management.AttributeChangeNotification;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanException;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.MBeanServerConnection;
import javax.management.Notification;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JMX face over a real remote connection (RMI, 127.0.0.1) to the running distribution, with
 * no jmaster class on this side: what JConsole and scripts see and can do.
 */
class JmxIT {
    private static final ObjectName MASTER = name("org.jmaster:type=Master");
    @TempDir
    Path dir;

    static ObjectName name(String text) {
        try {
            return new ObjectName(text);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ObjectName service(String label) {
        return name("org.jmaster:type=Service,name=" + ObjectName.quote(label));
    }

    private static CompositeData[] processes(MBeanServerConnection jmx, ObjectName service) throws Exception {
        return (CompositeData[]) jmx.getAttribute(service, "Processes");
    }

    /** Out of the box: echo on 127.0.0.1:10007, and the org.jmaster tree with everything described. */
    @Test
    void outOfTheBoxEchoAndADescribedTree() throws Exception {
        try (Container c = new Container(dir).start("127.0.0.1:10007")) {
            assertEquals("hi", echo(10007, "hi"));
            MBeanServerConnection jmx = c.jmx();
            ObjectName echo = service("127.0.0.1:10007/inet");
            assertEquals(Set.of(MASTER, echo), jmx.queryNames(name("org.jmaster:*"), null));
            MBeanInfo info = jmx.getMBeanInfo(echo);
            assertTrue(info.getDescription().startsWith("A supervised service"));
            for (MBeanAttributeInfo attribute : info.getAttributes()) {
                assertNotEquals(attribute.getName(), attribute.getDescription(), "described: " + attribute.getName());
            }
            for (MBeanOperationInfo operation : info.getOperations()) {
                assertEquals(MBeanOperationInfo.ACTION, operation.getImpact(), operation.getName());
                assertFalse(operation.getDescription().equals(operation.getName()), operation.getName());
                for (MBeanParameterInfo parameter : operation.getSignature()) {
                    assertEquals("seconds", parameter.getName());
                    assertTrue(parameter.getDescription().startsWith("How long"));
                }
            }
            assertEquals(2, info.getNotifications().length);
            assertTrue(Arrays.asList(info.getNotifications()[0].getNotifTypes()).containsAll(List.of(
                    "org.jmaster.service.throttled", "org.jmaster.service.unthrottled", "org.jmaster.service.limit.reached",
                    "org.jmaster.service.stress.started", "org.jmaster.service.restarted", "org.jmaster.service.cleanup",
                    "org.jmaster.process.bad.startup")));
            assertEquals("jmx.attribute.change", info.getNotifications()[1].getNotifTypes()[0]);
            assertTrue(jmx.getMBeanInfo(MASTER).getDescription().startsWith("The jmaster supervisor"));
        }
    }

    /** As a normal user the distribution serves too: nothing in it needs root. */
    @Test
    void runsAsANormalUser() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "only root can switch to another user; as a normal user every other test shows it");
        try (Container c = new Container(dir)) {
            int port = c.moveEcho();
            c.runAs("nobody");
            c.start("127.0.0.1:" + port);
            assertEquals("unprivileged", echo(port, "unprivileged"));
            String uid = Files.readAllLines(Path.of("/proc/" + c.pid() + "/status")).stream()
                    .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
            assertEquals("65534", uid.split("\\s+")[1]);
            assertEquals(uid, Files.readAllLines(Path.of("/proc/" + c.children().get(0).pid() + "/status")).stream()
                    .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow(), "the child runs as the master does");
        }
    }

    /** Every attribute reads; every operation acts on the real children. */
    @Test
    void attributesAndOperationsActOnRealChildren() throws Exception {
        try (Container c = new Container(dir)) {
            int port = c.moveEcho();
            c.start("127.0.0.1:" + port);
            MBeanServerConnection jmx = c.jmx();
            ObjectName s = service("127.0.0.1:" + port + "/inet");
            assertEquals("x", echo(port, "x"));
            for (MBeanAttributeInfo attribute : jmx.getMBeanInfo(s).getAttributes()) {
                jmx.getAttribute(s, attribute.getName());
            }
            assertEquals("127.0.0.1:" + port, jmx.getAttribute(s, "Name"));
            assertEquals("inet", jmx.getAttribute(s, "Type"));
            assertArrayEquals(new String[] {"127.0.0.1:" + port}, (String[]) jmx.getAttribute(s, "Endpoints"));
            assertArrayEquals(new String[] {"jmaster-echo"}, (String[]) jmx.getAttribute(s, "Command"));
            assertEquals(4, jmx.getAttribute(s, "ProcessLimit"));
            assertEquals(1, jmx.getAttribute(s, "TotalProcesses"));
            assertEquals(1, jmx.getAttribute(s, "AvailableProcesses"));
            assertEquals(false, jmx.getAttribute(s, "Listening"), "an idle child watches the socket");
            assertEquals(1L, jmx.getAttribute(s, "RequestsCompleted"));
            assertEquals(1L, jmx.getAttribute(s, "ProcessesSpawned"));
            assertEquals(false, jmx.getAttribute(s, "Throttled"));
            assertEquals(false, jmx.getAttribute(s, "StressMode"));
            CompositeData row = processes(jmx, s)[0];
            assertEquals("AVAIL", row.get("state"));
            assertEquals(1, row.get("useCount"));
            assertTrue(row.get("startTime") instanceof Date);
            int pid = (Integer) row.get("pid");
            long generation = (Long) row.get("generation");
            assertTrue(((String[]) jmx.getAttribute(MASTER, "Services")).length >= 1);
            assertTrue(Arrays.asList((String[]) jmx.getAttribute(MASTER, "Services")).contains("127.0.0.1:" + port + "/inet"));
            assertTrue((Long) jmx.getAttribute(MASTER, "ProcessGeneration") >= generation);
            assertEquals("0.1.0.SNAPSHOT", jmx.getAttribute(MASTER, "Version"));

            jmx.invoke(s, "restart", null, null);
            await("the restarted child exits", 5000, () -> ProcessHandle.of(pid).isEmpty());
            assertEquals("y", echo(port, "y"));
            assertTrue((Long) processes(jmx, s)[0].get("generation") > generation, "a new generation after restart()");

            int before = (Integer) processes(jmx, s)[0].get("pid");
            jmx.invoke(s, "cleanup", null, null);
            assertFalse(Files.exists(Path.of("/proc/" + before)), "cleanup() leaves no child alive");
            assertEquals(0, jmx.getAttribute(s, "TotalProcesses"));
            assertEquals("z", echo(port, "z"));

            jmx.invoke(s, "cleanup", null, null);
            long spawned = (Long) jmx.getAttribute(s, "ProcessesSpawned");
            jmx.invoke(s, "throttle", new Object[] {3}, new String[] {"int"});
            assertEquals(true, jmx.getAttribute(s, "Throttled"));
            long remaining = (Long) jmx.getAttribute(s, "ThrottleRemainingSeconds");
            assertTrue(remaining >= 2 && remaining <= 3, "remaining " + remaining);
            long throttledAt = System.currentTimeMillis();
            assertEquals("waited", echo(port, "waited"), "the client waits in the listen queue");
            long waited = System.currentTimeMillis() - throttledAt;
            assertTrue(waited >= 2000, "no child before the throttle ended: " + waited + " ms");
            assertEquals(spawned + 1, jmx.getAttribute(s, "ProcessesSpawned"));

            jmx.invoke(s, "throttle", null, null);
            assertTrue((Long) jmx.getAttribute(s, "ThrottleRemainingSeconds") > 55, "service_throttle_time is 60s");
            jmx.invoke(s, "unthrottle", null, null);
            assertEquals(false, jmx.getAttribute(s, "Throttled"));

            jmx.setAttribute(s, new Attribute("ProcessLimit", 2));
            assertEquals(2, jmx.getAttribute(s, "ProcessLimit"));
            jmx.invoke(MASTER, "reload", null, null);
            assertEquals(4, jmx.getAttribute(s, "ProcessLimit"), "a reload restores the configured limit");

            MBeanException bad = assertThrows(MBeanException.class,
                    () -> jmx.invoke(s, "throttle", new Object[] {0}, new String[] {"int"}));
            assertTrue(bad.getMessage().contains("seconds must be from 1 to 86400 (a day), not 0"), bad.getMessage());
            MBeanException year = assertThrows(MBeanException.class,
                    () -> jmx.invoke(s, "throttle", new Object[] {86_401}, new String[] {"int"}));
            assertTrue(year.getMessage().contains("not 86401"), year.getMessage());
            MBeanException negative = assertThrows(MBeanException.class,
                    () -> jmx.setAttribute(s, new Attribute("ProcessLimit", -1)));
            assertTrue(String.valueOf(negative.getMessage()).contains("ProcessLimit must be 1 or more, not -1"),
                    String.valueOf(negative.getMessage()));
            MBeanException unlimited = assertThrows(MBeanException.class,
                    () -> jmx.setAttribute(s, new Attribute("ProcessLimit", 0)));
            assertTrue(String.valueOf(unlimited.getMessage()).contains("ProcessLimit must be 1 or more, not 0"),
                    String.valueOf(unlimited.getMessage()));
        }
    }

    /** Each notification type arrives, with a CompositeData that names the service. */
    @Test
    void everyNotificationTypeArrives() throws Exception {
        try (Container c = new Container(dir)) {
            int port = c.moveEcho();
            int solo = Container.freePort();
            int broken = Container.freePort();
            c.masterCf("127.0.0.1:" + solo + " inet n n n - 1 jmaster-echo",
                    "127.0.0.1:" + broken + " inet n n n - 2 /bin/false",
                    "relay pass n n n - 2 jmaster-echo");
            c.start("127.0.0.1:" + port, "127.0.0.1:" + solo, "127.0.0.1:" + broken, "relay");
            MBeanServerConnection jmx = c.jmx();
            Set<String> types = ConcurrentHashMap.newKeySet();
            List<Notification> received = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (ObjectName s : jmx.queryNames(name("org.jmaster:type=Service,*"), null)) {
                jmx.addNotificationListener(s, (n, handback) -> {
                    types.add(n.getType());
                    received.add(n);
                }, null, null);
            }
            ObjectName echo = service("127.0.0.1:" + port + "/inet");
            jmx.invoke(echo, "throttle", new Object[] {1}, new String[] {"int"});
            jmx.invoke(echo, "unthrottle", null, null);
            assertEquals("r", echo(port, "r"));
            jmx.invoke(echo, "restart", null, null);
            jmx.invoke(echo, "cleanup", null, null);
            jmx.setAttribute(echo, new Attribute("ProcessLimit", 3));
            try (Socket held = new Socket()) {
                held.connect(new InetSocketAddress("127.0.0.1", solo), 5000);
                await("limit.reached", 20_000, () -> types.contains("org.jmaster.service.limit.reached"));
            }
            try (Socket client = new Socket()) {
                client.connect(new InetSocketAddress("127.0.0.1", broken), 5000);
                await("bad.startup", 20_000, () -> types.contains("org.jmaster.process.bad.startup"));
            }
            Path relay = c.home.resolve("queue/public/relay");
            try (SocketChannel first = SocketChannel.open(UnixDomainSocketAddress.of(relay))) {
                await("a relay child", 20_000, () -> c.children().stream().anyMatch(p -> p.info().arguments()
                        .map(a -> Arrays.asList(a).contains("relay")).orElse(false)));
                Thread.sleep(1500); // it accepts and reports TAKEN once its JVM is up
                try (SocketChannel second = SocketChannel.open(UnixDomainSocketAddress.of(relay))) {
                    await("stress.started", 20_000, () -> types.contains("org.jmaster.service.stress.started"));
                }
            }
            await("every type", 20_000, () -> types.containsAll(List.of("org.jmaster.service.throttled",
                    "org.jmaster.service.unthrottled", "org.jmaster.service.restarted", "org.jmaster.service.cleanup",
                    AttributeChangeNotification.ATTRIBUTE_CHANGE)));
            for (Notification n : received) {
                CompositeData data = (CompositeData) n.getUserData();
                assertTrue(((String) data.get("service")).endsWith("/inet") || ((String) data.get("service")).endsWith("/pass"));
                assertTrue(data.get("time") instanceof Date);
                assertEquals(n.getType(), data.get("event"));
            }
        }
    }

    /** jmxterm, an independent client, lists, reads, and runs operations. */
    @Test
    void jmxtermDrivesTheContainer() throws Exception {
        try (Container c = new Container(dir)) {
            int port = c.moveEcho();
            c.start("127.0.0.1:" + port);
            assertEquals("t", echo(port, "t"));
            String bean = "org.jmaster:type=Service,name=\"127.0.0.1:" + port + "/inet\"";
            String[] admin = c.credentials("admin");
            String script = String.join("\n", "open 127.0.0.1:" + c.jmxPort + " -u " + admin[0] + " -p " + admin[1],
                    "beans -d org.jmaster",
                    "get -b " + bean + " TotalProcesses RequestsCompleted", "run -b " + bean + " throttle 30",
                    "get -b " + bean + " Throttled", "run -b " + bean + " unthrottle", "get -b " + bean + " Throttled",
                    "run -b " + bean + " restart", "get -b org.jmaster:type=Master Services", "close", "");
            Process jmxterm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                    System.getProperty("jmaster.jmxterm"), "-n", "-v", "silent").redirectErrorStream(true).start();
            jmxterm.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
            jmxterm.getOutputStream().close();
            String out = new String(jmxterm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(jmxterm.waitFor(60, TimeUnit.SECONDS));
            assertTrue(out.contains("org.jmaster:type=Master"), out);
            assertTrue(out.contains("TotalProcesses = 1;"), out);
            assertTrue(out.contains("RequestsCompleted = 1;"), out);
            int throttled = out.indexOf("Throttled = true;");
            assertTrue(throttled >= 0 && out.indexOf("Throttled = false;", throttled) > throttled, out);
            assertTrue(out.contains("127.0.0.1:" + port + "/inet"), out);
            assertEquals(false, c.jmx().getAttribute(service("127.0.0.1:" + port + "/inet"), "Throttled"));
        }
    }

    /**
     * With a password file: a read-only user reads but may neither throttle nor clean up (its
     * children stay); a wrong password is refused.
     */
    @Test
    void passwordRolesAreEnforced() throws Exception {
        try (Container c = new Container(dir)) {
            int port = c.moveEcho();
            Path passwords = c.home.resolve("etc/jmxremote.password");
            Files.writeString(passwords, "monitor watch-only\nadmin run-it\n");
            Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-------"));
            c.environment("JMASTER_JMX_PASSWORD_FILE", passwords.toString());
            c.start("127.0.0.1:" + port);
            ObjectName s = service("127.0.0.1:" + port + "/inet");
            assertThrows(SecurityException.class, () -> c.connect(null));
            assertThrows(SecurityException.class, () -> c.connect(new String[] {"monitor", "wrong"}));
            assertEquals("served", echo(port, "served"));
            List<ProcessHandle> children = c.children();
            assertEquals(1, children.size());
            try (JMXConnector monitor = c.connect(new String[] {"monitor", "watch-only"})) {
                assertEquals(4, monitor.getMBeanServerConnection().getAttribute(s, "ProcessLimit"));
                for (String operation : List.of("throttle", "cleanup")) {
                    SecurityException refused = assertThrows(SecurityException.class,
                            () -> monitor.getMBeanServerConnection().invoke(s, operation, null, null));
                    assertTrue(refused.getMessage().contains("Access denied"), refused.getMessage());
                }
            }
            assertTrue(children.get(0).isAlive(), "a refused cleanup() leaves the children alone");
            try (JMXConnector admin = c.connect(new String[] {"admin", "run-it"})) {
                admin.getMBeanServerConnection().invoke(s, "throttle", null, null);
                assertEquals(true, admin.getMBeanServerConnection().getAttribute(s, "Throttled"));
            }
        }
    }

    /** The JMX port listens on 127.0.0.1 only (an IPv6 socket bound to ::ffff:127.0.0.1 counts as that). */
    @Test
    void jmxListensOnLoopbackOnly() throws Exception {
        try (Container c = new Container(dir)) {
            c.moveEcho();
            c.start();
            String port = String.format(":%04X", c.jmxPort);
            List<String> listening = new java.util.ArrayList<>();
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                Files.readAllLines(Path.of(table)).stream().skip(1).map(l -> l.trim().split("\\s+"))
                        .filter(f -> f[3].equals("0A") && f[1].endsWith(port)).forEach(f -> listening.add(f[1]));
            }
            assertFalse(listening.isEmpty());
            for (String address : listening) {
                String host = address.substring(0, address.indexOf(':'));
                assertTrue(host.equals("0100007F") || host.equals("0000000000000000FFFF00000100007F"),
                        "JMX listens on " + address);
            }
        }
    }
}
