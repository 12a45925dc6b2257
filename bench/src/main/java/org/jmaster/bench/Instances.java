package org.jmaster.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The two masters under test, set up alike: one private Postfix configuration (a queue directory,
 * main.cf, loopback only) that Postfix's master reads and that every spawn(8) child reads through
 * MAIL_CONFIG, and a copy of the jmaster distribution whose master.cf has the same lines.
 */
final class Instances {
    static final Path DAEMONS = Path.of("/usr/lib/postfix/sbin");

    private Instances() {
    }

    /** The master under test. */
    interface Master extends AutoCloseable {
        String name();

        long pid();

        /** Postfix's reload: every idle child exits. */
        void reload() throws Exception;

        @Override
        void close() throws Exception;
    }

    /** Writes the shared Postfix configuration under {@code dir}; returns its config directory. */
    static Path postfixConfiguration(Path dir) throws IOException, InterruptedException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path etc = Files.createDirectories(dir.resolve("postfix"));
        Path queue = Files.createDirectories(dir.resolve("queue"));
        Files.createDirectories(queue.resolve("pid"));
        Path data = Files.createDirectories(dir.resolve("data"));
        run("chown", "postfix", data.toString());
        Files.writeString(etc.resolve("main.cf"), String.join("\n",
                "compatibility_level = 3.6",
                "queue_directory = " + queue,
                "data_directory = " + data,
                "mail_owner = postfix",
                "setgid_group = postdrop",
                "myhostname = bench.example.test",
                "mydomain = example.test",
                "inet_interfaces = loopback-only",
                "inet_protocols = ipv4",
                // the backlog of a maxproc 0 service (R14): 1000 simultaneous slow clients must fit
                "default_process_limit = 1000",
                // Postfix's default, and JAVA_HOME for the Java echo child (jmaster-echo finds its JVM there)
                "import_environment = MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ XAUTHORITY DISPLAY LANG=C POSTLOG_SERVICE"
                        + " POSTLOG_HOSTNAME JAVA_HOME",
                "maillog_file =",
                "local_recipient_maps =",
                ""));
        return etc;
    }

    /** Postfix's own master, started with -w on the configuration and these master.cf lines. */
    static Master postfix(Path etc, List<String> masterCf) throws Exception {
        Files.writeString(etc.resolve("master.cf"), String.join("\n", masterCf) + "\n");
        run(DAEMONS.resolve("master").toString(), "-c", etc.toString(), "-w");
        Path queue = Path.of(Files.readAllLines(etc.resolve("main.cf")).stream()
                .filter(l -> l.startsWith("queue_directory")).findFirst().orElseThrow().split("=")[1].trim());
        long pid = Long.parseLong(Files.readString(queue.resolve("pid/master.pid")).trim());
        return new Master() {
            @Override
            public String name() {
                return "postfix";
            }

            @Override
            public long pid() {
                return pid;
            }

            @Override
            public void reload() throws Exception {
                run("kill", "-HUP", Long.toString(pid));
            }

            @Override
            public void close() throws Exception {
                run("kill", "-TERM", Long.toString(pid));
                waitGone(pid);
            }
        };
    }

    /** The jmaster distribution, copied under {@code dir}, on the Postfix configuration etc with these master.cf lines. */
    static Master jmaster(Path distribution, Path dir, Path etc, List<String> masterCf, int jmxPort) throws Exception {
        Path home = dir.resolve("jmaster");
        copy(distribution, home);
        Files.delete(home.resolve("etc/org.jmaster.service-echo.cfg"));
        // a Postfix configuration, as Postfix's master has: its main.cf decides, its master.cf has the services
        Files.writeString(etc.resolve("master.cf"), String.join("\n", masterCf) + "\n");
        Files.writeString(home.resolve("etc/org.jmaster.master.cfg"), "config_directory = " + etc + "\n");
        ProcessBuilder start = new ProcessBuilder(home.resolve("bin/jmaster").toString(), "start").redirectErrorStream(true);
        start.environment().put("JMASTER_JMX_PORT", Integer.toString(jmxPort));
        Process process = start.start();
        String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("bin/jmaster start failed: " + said);
        }
        long pid = Long.parseLong(Files.readString(home.resolve("data/jmaster.pid")).trim());
        // a service per line; a line that starts with white space continues the one before
        long services = masterCf.stream().filter(l -> !l.isBlank() && !l.startsWith("#")
                && !Character.isWhitespace(l.charAt(0))).count();
        Path log = home.resolve("log/jmaster.log");
        long deadline = System.currentTimeMillis() + 60_000;
        JMXConnector jmx;
        try {
            while (count(log, " started: ") < services) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("jmaster did not start its " + services + " services:\n" + Files.readString(log));
                }
                Thread.sleep(100);
            }
            jmx = JMXConnectorFactory.connect(new JMXServiceURL(
                    "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi"),
                    Map.of(JMXConnector.CREDENTIALS, operator(home.resolve("etc/jmxremote.password"))));
        } catch (Exception e) {
            run(home.resolve("bin/jmaster").toString(), "stop"); // no container outlives a failed start
            waitGone(pid);
            throw e;
        }
        return new Master() {
            @Override
            public String name() {
                return "jmaster";
            }

            @Override
            public long pid() {
                return pid;
            }

            @Override
            public void reload() throws Exception {
                jmx.getMBeanServerConnection().invoke(new ObjectName("org.jmaster:type=Master"), "reload", null, null);
            }

            @Override
            public void close() throws Exception {
                jmx.close();
                run(home.resolve("bin/jmaster").toString(), "stop");
                waitGone(pid);
            }
        };
    }

    /** The operator's credentials from the password file jmaster made at its first start (reload needs no more). */
    private static String[] operator(Path passwords) throws IOException {
        for (String line : Files.readAllLines(passwords)) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length == 2 && fields[0].equals("operator")) {
                return fields;
            }
        }
        throw new IOException(passwords + " has no operator");
    }

    private static long count(Path log, String text) throws IOException {
        return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> l.contains(text)).count() : 0;
    }

    static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }

    private static void waitGone(long pid) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (ProcessHandle.of(pid).isPresent() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.collect(Collectors.toList())) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
