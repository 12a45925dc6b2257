package org.jmaster.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.management.MBeanServerConnection;
import javax.management.MBeanServerDelegate;
import javax.management.MBeanServerNotification;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The distribution as an operator runs it: copied somewhere else (it is relocatable), started with
 * bin/jmaster start, stopped with bin/jmaster stop; reached through its JMX port on 127.0.0.1. On
 * close it checks that the JVM and every child it had are gone.
 */
final class Container implements AutoCloseable {
    final Path home;
    final int jmxPort;
    private final Map<String, String> environment = new HashMap<>();
    /** Run bin/jmaster as this uid and gid (through setpriv), or as the test's user when null. */
    private String[] user;
    private final Set<Long> children = new HashSet<>();
    private long pid;
    private JMXConnector connector;

    Container(Path parent) throws IOException {
        // as /var/spool/postfix's parents: root's, and reachable by mail_owner, who makes the queue's sockets
        Files.setPosixFilePermissions(parent, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        home = parent.resolve("jmaster");
        copy(Path.of(System.getProperty("jmaster.distribution")), home);
        jmxPort = freePort();
        environment.put("JMASTER_JMX_PORT", Integer.toString(jmxPort));
    }

    /** Moves the example echo service to a free port; returns the port. */
    int moveEcho() throws IOException {
        int port = freePort();
        Path cfg = home.resolve("etc/org.jmaster.service-echo.cfg");
        Files.writeString(cfg, Files.readString(cfg).replace("127.0.0.1:10007", "127.0.0.1:" + port));
        return port;
    }

    /** Sets a parameter in etc/org.jmaster.master.cfg (before start, or as a reload). */
    void setting(String key, String value) throws IOException {
        Path cfg = home.resolve("etc/org.jmaster.master.cfg");
        List<String> lines = new ArrayList<>();
        boolean found = false;
        for (String line : Files.readAllLines(cfg)) {
            if (line.startsWith(key + " ")) {
                line = key + " = " + value;
                found = true;
            }
            lines.add(line);
        }
        if (!found) {
            lines.add(key + " = " + value);
        }
        Files.write(cfg, lines);
    }

    /** A new jar put where updateBundle takes jars from (bundle/), as an operator puts it; its file: URL. */
    String inBundleDirectory(String jar) throws IOException {
        Path source = Path.of(jar);
        Path target = home.resolve("bundle").resolve(source.getFileName().toString().replace(".jar", "-new.jar"));
        Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        return target.toUri().toString();
    }

    /**
     * A bundle replaced from JMX as an operator replaces it: the rebuilt jar put in bundle/,
     * Master.updateBundle, then refreshBundles; returns updateBundle's answer. The master bundle
     * is replaced after the call returns: this waits for its MBean to be registered again. The
     * jar then leaves bundle/: the framework has it in its cache, and left there it would be a
     * second copy at the next start.
     */
    String swap(String bundle) throws Exception {
        MBeanServerConnection jmx = jmx();
        ObjectName master = new ObjectName("org.jmaster:type=Master");
        String location = inBundleDirectory(System.getProperty("jmaster.rebuilt." + bundle));
        CountDownLatch back = new CountDownLatch(1);
        NotificationListener listener = (notification, handback) -> {
            if (notification instanceof MBeanServerNotification registered && master.equals(registered.getMBeanName())
                    && MBeanServerNotification.REGISTRATION_NOTIFICATION.equals(registered.getType())) {
                back.countDown();
            }
        };
        jmx.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener, null, null);
        try {
            String result = (String) jmx.invoke(master, "updateBundle", new Object[] {bundle, location},
                    new String[] {String.class.getName(), String.class.getName()});
            if (bundle.equals("org.jmaster.master")) {
                assertTrue(back.await(60, TimeUnit.SECONDS), "the Master MBean back after " + result + "\n" + log());
            }
            jmx.invoke(master, "refreshBundles", null, null);
            return result;
        } finally {
            jmx.removeNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener);
            Files.delete(Path.of(java.net.URI.create(location)));
        }
    }

    /** A launcher in libexec: a shell script, made executable. */
    Path launcher(String name, String script) throws IOException {
        Path file = home.resolve("libexec").resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /** A Python child from the test resources, speaking the protocol itself (children/misbehaving.py). */
    Path pythonChild(String name) throws IOException {
        Path script = home.resolve("libexec").resolve("misbehaving.py");
        if (!Files.exists(script)) {
            try (var in = Container.class.getResourceAsStream("/children/misbehaving.py")) {
                Files.copy(in, script);
            }
        }
        return launcher(name, "exec /usr/bin/python3 " + script + " \"$@\"");
    }

    /** The number of open descriptors and of threads of the container's JVM. */
    int[] fdsAndThreads() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"));
                Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            return new int[] {(int) fds.count(), (int) tasks.count()};
        }
    }

    /** Adds lines to etc/master.cf. */
    void masterCf(String... lines) throws IOException {
        Files.writeString(home.resolve("etc/master.cf"), String.join("\n", lines) + "\n",
                java.nio.file.StandardOpenOption.APPEND);
    }

    void environment(String name, String value) {
        environment.put(name, value);
    }

    /** From now on bin/jmaster runs as this user, who gets the copy of the distribution. */
    void runAs(String name) throws Exception {
        user = new String[] {id("-u", name), id("-g", name)};
        Process chown = new ProcessBuilder("chown", "-R", name, home.getParent().toString()).inheritIO().start();
        assertEquals(0, chown.waitFor());
    }

    /** bin/jmaster start, then waits for the master and the named services. */
    Container start(String... services) throws Exception {
        int from = log().length(); // a restart: only what this run logs counts
        String out = bin("start");
        if (!out.contains("jmaster started")) {
            bin("stop"); // a JVM that did start after all (start gave up waiting) outlives no test
            fail(out + "\nits log:\n" + log().substring(Math.min(from, log().length())));
        }
        pid = Long.parseLong(Files.readString(home.resolve("data/jmaster.pid")).trim());
        await("the master starts", 30_000, () -> log().indexOf("daemon started", from) >= 0);
        for (String service : services) {
            await("service " + service + " starts", 30_000, () -> log().indexOf("service " + service + "(", from) >= 0);
        }
        return this;
    }

    String bin(String command) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        if (user != null) {
            argv.addAll(List.of("setpriv", "--reuid=" + user[0], "--regid=" + user[1], "--clear-groups", "--"));
        }
        argv.add(home.resolve("bin/jmaster").toString());
        argv.add(command);
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return out;
    }

    private static String id(String option, String name) throws Exception {
        Process id = new ProcessBuilder("id", option, name).start();
        String value = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, id.waitFor(), "id " + option + " " + name);
        return value;
    }

    String log() {
        try {
            Path log = home.resolve("log/jmaster.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    long pid() {
        return pid;
    }

    /** A JMX connection as admin, with the password jmaster made at its first start. */
    MBeanServerConnection jmx() throws Exception {
        if (connector == null) {
            connector = connect(credentials("admin"));
        }
        return connector.getMBeanServerConnection();
    }

    /** A user and its password from etc/jmxremote.password (made at the first start). */
    String[] credentials(String user) throws IOException {
        for (String line : Files.readAllLines(home.resolve("etc/jmxremote.password"))) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length == 2 && fields[0].equals(user)) {
                return fields;
            }
        }
        throw new IOException("no " + user + " in " + home.resolve("etc/jmxremote.password"));
    }

    JMXConnector connect(String[] credentials) throws IOException {
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
        Map<String, Object> env = new HashMap<>();
        if (credentials != null) {
            env.put(JMXConnector.CREDENTIALS, credentials);
        }
        return JMXConnectorFactory.connect(url, env);
    }

    /** The children of the container's JVM now; all of them are checked to be gone at close. */
    List<ProcessHandle> children() {
        List<ProcessHandle> live = ProcessHandle.of(pid).map(p -> p.children().collect(Collectors.toList()))
                .orElse(List.of());
        live.forEach(p -> children.add(p.pid()));
        return live;
    }

    @Override
    public void close() throws IOException {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the container", e);
        }
    }

    private void stop() throws IOException, InterruptedException {
        children();
        forgetConnection();
        if (pid != 0) {
            String out = bin("stop");
            assertTrue(out.contains("jmaster stopped"), out);
        }
        gone();
    }

    /**
     * The JVM was killed: waits until it is gone. Its children are left to leave by themselves (a
     * busy one finishes its client first); close() checks that none is left by then.
     */
    void killed(long millis) throws InterruptedException {
        children();
        long jvm = pid;
        await("the JVM exits", millis, () -> ProcessHandle.of(jvm).isEmpty());
        pid = 0;
        forgetConnection();
    }

    /** The JMX connection goes with the JVM: the next jmx() connects to the next one. */
    private void forgetConnection() {
        if (connector != null) {
            try {
                connector.close();
            } catch (IOException e) {
                // it was broken anyway
            }
            connector = null;
        }
    }

    /**
     * Someone else stopped it (postfix stop, a signal): waits until the JVM and every child it had
     * are gone (children of a JVM that was killed leave once they see their status channel close).
     */
    void stopped(long millis) throws InterruptedException {
        children();
        long jvm = pid;
        await("the JVM exits", millis, () -> ProcessHandle.of(jvm).isEmpty());
        await("its children exit", millis, () -> children.stream().allMatch(c -> ProcessHandle.of(c).isEmpty()));
        forgetConnection();
        gone();
    }

    private void gone() {
        assertTrue(pid == 0 || ProcessHandle.of(pid).isEmpty(), "the JVM is gone");
        List<Long> left = children.stream().filter(c -> ProcessHandle.of(c).isPresent()).collect(Collectors.toList());
        left.forEach(c -> ProcessHandle.of(c).ifPresent(ProcessHandle::destroyForcibly));
        pid = 0;
        assertEquals(List.of(), left, "children left behind");
    }

    /** Replaces etc/org.jmaster.master.cfg with these lines. */
    void masterSettings(String... lines) throws IOException {
        Files.writeString(home.resolve("etc/org.jmaster.master.cfg"), String.join("\n", lines) + "\n");
    }

    static String echo(int port, String line) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Fails at once, saying why, when this JVM was started with SIGHUP ignored (under nohup): a
     * container started from it inherits that, and its launcher can then not reload on SIGHUP (it
     * warns, by design), so a test of a SIGHUP reload would only time out.
     */
    static void requireSighupHandled() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:") && (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 1) != 0) {
                fail("SIGHUP is ignored in the test's JVM (was the build started under nohup?): a jmaster started"
                        + " from it cannot reload on SIGHUP; run the build without nohup");
            }
        }
    }

    static void await(String what, long millis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                fail("timed out after " + millis + " ms waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Copies a directory tree, keeping modes and times (a distribution or a Karaf to run). */
    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            List<Path> all = files.collect(Collectors.toCollection(ArrayList::new));
            for (Path file : all) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
