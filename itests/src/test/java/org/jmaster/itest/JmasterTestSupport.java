package org.jmaster.itest;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import javax.inject.Inject;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.ServiceSnapshot;
import org.jmaster.api.postfix.MasterCfSyntax;
import org.junit.After;
import org.junit.Before;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A real Felix with SCR, ConfigAdmin, JNA and the jmaster bundles; a private queue and daemon
 * directory with launchers for the Java children; helpers to configure services, be a client,
 * find children in /proc and read what the master logged.
 *
 * <p>Each test starts the master bundle after writing its configuration, and ends by deleting the
 * services and checking that no child of this JVM is left.
 */
public abstract class JmasterTestSupport {
    protected static final String ECHO_MAIN = "org.jmaster.child.echo.EchoServer";
    protected static final String TEST_CHILD_MAIN = "org.jmaster.itest.child.TestChild";

    @Inject
    protected BundleContext context;
    @Inject
    protected ConfigurationAdmin configAdmin;

    protected Path dir;
    protected Path queue;
    protected Path daemons;
    protected final LogCapture logs = new LogCapture();
    /** Held so that the logger, and the capture on it, is not collected. */
    private final Logger jmasterLogger = Logger.getLogger("org.jmaster");
    private final java.util.Map<String, org.osgi.service.cm.Configuration> services = new java.util.LinkedHashMap<>();

    @Configuration
    public Option[] config() {
        return options(
                systemProperty("org.ops4j.pax.url.mvn.localRepository").value(System.getProperty("maven.repo.local")),
                systemProperty("org.ops4j.pax.url.mvn.repositories").value(""),
                systemProperty("org.ops4j.pax.url.mvn.offline").value("true"),
                systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"),
                mavenBundle("org.osgi", "org.osgi.util.function", "1.2.0"),
                mavenBundle("org.osgi", "org.osgi.util.promise", "1.3.0"),
                mavenBundle("org.osgi", "org.osgi.service.component", "1.5.1"),
                mavenBundle("org.apache.felix", "org.apache.felix.scr", "2.2.12"),
                mavenBundle("org.apache.felix", "org.apache.felix.configadmin", "1.9.26"),
                bundle("file:" + System.getProperty("jmaster.jna.jar")),
                bundle("file:" + System.getProperty("jmaster.bundle.api")),
                bundle("file:" + System.getProperty("jmaster.bundle.policy")),
                bundle("file:" + System.getProperty("jmaster.bundle.nio")),
                bundle("file:" + System.getProperty("jmaster.bundle.spawner")),
                bundle("file:" + System.getProperty("jmaster.child.jar")),
                bundle("file:" + System.getProperty("jmaster.bundle.master")).start(false),
                junitBundles());
    }

    /** What the master config of a test adds to the defaults of {@link #setUp}. */
    protected Hashtable<String, Object> masterConfig() {
        return new Hashtable<>();
    }

    @Before
    public void setUp() throws Exception {
        jmasterLogger.setLevel(java.util.logging.Level.INFO);
        jmasterLogger.addHandler(logs);
        dir = Files.createTempDirectory("jmaster-it-");
        // a queue directory mail_owner can reach, as /var/spool/postfix (the master makes sockets as mail_owner)
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        // 0755 as /var/spool/postfix, whatever the umask (the spawner makes the JVM's 077, as Postfix's master)
        queue = Files.createDirectories(dir.resolve("queue"));
        Files.setPosixFilePermissions(queue, PosixFilePermissions.fromString("rwxr-xr-x"));
        daemons = Files.createDirectories(dir.resolve("libexec"));
        launcher("echo", ECHO_MAIN);
        launcher("testchild", TEST_CHILD_MAIN);
        Hashtable<String, Object> master = new Hashtable<>();
        master.put("queue_directory", queue.toString());
        master.put("daemon_directory", daemons.toString());
        master.put("config_directory", dir.resolve("etc").toString());
        master.put("service_throttle_time", "2s");
        master.put("stop_timeout", "2s");
        master.put("inet_interfaces", "loopback-only");
        master.put("inet_protocols", "ipv4");
        master.putAll(masterConfig());
        configAdmin.getConfiguration("org.jmaster.master", null).update(master);
        masterBundle().start();
        // the master loads master.cf on its loop after activation, which ConfigAdmin delivers when
        // it likes: a test that writes master.cf (for Postfix's own master, say) must not race it
        await("the master's first load of master.cf", 20_000,
                () -> logs.count("daemon started -- version ") + logs.count("the master goes on with what it could start") > 0);
    }

    @After
    public void tearDown() throws Exception {
        for (org.osgi.service.cm.Configuration service : services.values()) {
            try {
                service.delete();
            } catch (IllegalStateException alreadyDeletedByTheTest) {
                // fine
            }
        }
        masterBundle().stop();
        List<ProcessHandle> left = ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .collect(Collectors.toList());
        left.forEach(ProcessHandle::destroyForcibly);
        jmasterLogger.removeHandler(logs);
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertTrue("children left after the master stopped: " + left, left.isEmpty());
    }

    /** The running master's OSGi service. */
    protected org.jmaster.api.Master master() {
        org.osgi.framework.ServiceReference<org.jmaster.api.Master> reference =
                context.getServiceReference(org.jmaster.api.Master.class);
        if (reference == null) {
            throw new AssertionError("no Master service");
        }
        return context.getService(reference);
    }

    /** A snapshot of the service with this name (column 1) now, waiting up to 10 s for it to exist. */
    protected ServiceSnapshot snapshot(String name) throws InterruptedException {
        await("service " + name, 10_000, () -> master().services().stream().anyMatch(s -> s.name().equals(name)));
        return master().services().stream().filter(s -> s.name().equals(name)).findFirst().get();
    }

    /** The same, for conditions polled in a loop: no wait; null while there is no such service. */
    protected ServiceSnapshot now(String name) {
        return master().services().stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    protected Bundle masterBundle() {
        return installedBundle("org.jmaster.master");
    }

    protected Bundle installedBundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName().equals(symbolicName)) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    /** A launcher in daemon_directory that runs a Java child on the child runtime. */
    protected Path launcher(String name, String mainClass) throws IOException {
        return launcher(name, mainClass, "");
    }

    /** A launcher that runs a shell command (such as a sleep) before the Java child. */
    protected Path launcher(String name, String mainClass, String before) throws IOException {
        String classpath = System.getProperty("jmaster.child.jar") + ":" + System.getProperty("jmaster.jna.jar") + ":"
                + System.getProperty("jmaster.test.classes");
        Path file = daemons.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + before + "\nexec " + System.getProperty("java.home") + "/bin/java"
                + " -Xrs -XX:+DisableAttachMechanism -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Djna.tmpdir=" + dir.resolve("jna")
                + " -cp " + classpath + " " + mainClass + " \"$@\"\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /** Configures a service from a master.cf line, as an operator's .cfg file would. */
    protected org.osgi.service.cm.Configuration service(String name, String masterCfLine) throws IOException {
        org.osgi.service.cm.Configuration config = configAdmin.getFactoryConfiguration("org.jmaster.service", name, null);
        config.update(columns(masterCfLine));
        services.put(name, config);
        return config;
    }

    protected static Dictionary<String, Object> columns(String masterCfLine) {
        ServiceDefinition.parse(masterCfLine, 100); // the test's own line must be valid
        List<String> values = MasterCfSyntax.columns(masterCfLine);
        Hashtable<String, Object> columns = new Hashtable<>();
        for (int i = 0; i < values.size(); i++) {
            columns.put(MasterCfSyntax.COLUMNS.get(i), values.get(i));
        }
        return columns;
    }

    /** Waits for the master to say the service started. */
    protected void awaitStarted(String serviceName) {
        logs.await("service " + serviceName + "(", " started");
    }

    protected static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** One echo request: connect, send a line, read the line back. */
    protected static String echo(int port, String line) throws IOException {
        try (Socket socket = connect(port)) {
            return exchange(socket, line);
        }
    }

    protected static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(20_000);
        return socket;
    }

    protected static void send(Socket socket, String line) throws IOException {
        socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    /** Reads a line within the time, or returns null if none came; -1 read means the peer closed: "EOF". */
    protected static String receive(Socket socket, int millis) throws IOException {
        socket.setSoTimeout(millis);
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        try {
            int b;
            while ((b = socket.getInputStream().read()) >= 0 && b != '\n') {
                line.write(b);
            }
            if (b < 0 && line.size() == 0) {
                return "EOF";
            }
        } catch (java.net.SocketTimeoutException e) {
            return null;
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    protected static String exchange(Socket socket, String line) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }

    /** The live children of this JVM started for the named service (its -n argument). */
    protected static List<ProcessHandle> children(String serviceName) {
        return ProcessHandle.current().children().filter(p -> {
            List<String> args = arguments(p);
            int n = args.indexOf("-n");
            return p.isAlive() && n >= 0 && n + 1 < args.size() && args.get(n + 1).equals(serviceName);
        }).collect(Collectors.toList());
    }

    /** The one live child of the service, waiting up to 10 s for it. */
    protected ProcessHandle onlyChild(String serviceName) throws InterruptedException {
        try {
            await("one child of " + serviceName, 10_000, () -> children(serviceName).size() == 1);
        } catch (AssertionError e) {
            throw described(e, serviceName);
        }
        return children(serviceName).get(0);
    }

    /** A timeout with the service's children and the log: no cause, the report would show only its message. */
    private AssertionError described(AssertionError timeout, String serviceName) {
        return new AssertionError(timeout.getMessage() + "; children " + children(serviceName).stream()
                .map(p -> p.pid() + " " + arguments(p)).collect(Collectors.toList()) + "; log " + logs.messages());
    }

    /**
     * Waits until the master has read the AVAIL that ends the service's {@code requests}th request
     * and every child is available. A child closes its client's connection before it writes AVAIL
     * (as Postfix's skeletons do), so a client that arrives in between, while the master counts
     * the child busy, finds nobody idle and gets a new child, under Postfix's master too. The
     * counts alone are not enough: a child counts available from its spawn until its TAKEN is read.
     */
    protected void awaitServed(String serviceName, long requests) throws InterruptedException {
        snapshot(serviceName);
        try {
            await(requests + " requests of " + serviceName + " completed, every child available", 10_000, () -> {
                ServiceSnapshot s = now(serviceName);
                return s != null && s.requestsCompleted() >= requests && s.totalProcesses() > 0
                        && s.availableProcesses() == s.totalProcesses();
            });
        } catch (AssertionError e) {
            ServiceSnapshot s = snapshot(serviceName);
            throw described(new AssertionError(e.getMessage() + " (completed " + s.requestsCompleted()
                    + ", available " + s.availableProcesses() + " of " + s.totalProcesses() + ")"), serviceName);
        }
    }

    /** What /proc says of a process: a file's text, with NULs as they are. */
    protected static String proc(long pid, String file) throws IOException {
        return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/" + file)), StandardCharsets.UTF_8);
    }

    protected static void signal(ProcessHandle process, String signal) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    protected static List<String> arguments(ProcessHandle process) {
        try {
            byte[] bytes = Files.readAllBytes(Path.of("/proc/" + process.pid() + "/cmdline"));
            return List.of(new String(bytes, StandardCharsets.UTF_8).split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }

    protected static void await(String what, long millis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                fail("timed out after " + millis + " ms waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** What jmaster logged during the test, through java.util.logging. */
    protected static final class LogCapture extends Handler {
        private final List<String> messages = new ArrayList<>();

        @Override
        public synchronized void publish(LogRecord record) {
            messages.add(record.getLevel() + ": " + record.getMessage());
            notifyAll();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        public synchronized List<String> messages() {
            return new ArrayList<>(messages);
        }

        public synchronized void clear() {
            messages.clear();
        }

        public synchronized long count(String part) {
            return messages.stream().filter(m -> m.contains(part)).count();
        }

        /** Waits for a message holding every part, in order; returns it. */
        public synchronized String await(String... parts) {
            long deadline = System.currentTimeMillis() + 20_000;
            while (true) {
                Optional<String> found = messages.stream().filter(m -> containsInOrder(m, parts)).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new AssertionError("no log message with " + List.of(parts) + " in " + messages);
                }
                try {
                    wait(left);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        }

        private static boolean containsInOrder(String message, String... parts) {
            int at = 0;
            for (String part : parts) {
                at = message.indexOf(part, at);
                if (at < 0) {
                    return false;
                }
                at += part.length();
            }
            return true;
        }
    }
}
