package org.jmaster.dist;

import static org.jmaster.dist.Container.await;
import static org.jmaster.dist.Container.echo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution started as root, attacked as the local users Postfix's privilege separation
 * is meant to contain (nobody, and postfix, whose daemons jmaster runs): its JMX port, its files,
 * its unix endpoints, its pid file, its children. Every test here runs as root and drives the
 * attacker through setpriv; .ci/run runs them as root.
 */
class SecurityIT {
    @TempDir
    Path dir;

    @BeforeAll
    static void asRoot() throws Exception {
        assertEquals("0", run(List.of("id", "-u"), null).strip(), "the security tests run as root, as .ci/run does");
    }

    /**
     * As nobody and as postfix, without credentials: no JMX connection, no password file, no
     * rebinding the registry; with stolen credentials of each role, only what the role allows,
     * and never code loading, whatever the role.
     */
    @Test
    void jmxRefusesLocalUsersAndEnforcesRoles() throws Exception {
        try (Container c = new Container(dir)) {
            int port = c.moveEcho();
            c.start("127.0.0.1:" + port);
            String service = "127.0.0.1:" + port + "/inet";
            for (String user : List.of("nobody", "postfix")) {
                String out = attack(c, user, service, null);
                assertTrue(out.contains("read the password file: REFUSED java.nio.file.AccessDeniedException"), out);
                assertRefused(out, "rebind jmxrmi in the registry", "REJECTED"); // the registry's filter: strings only
                assertRefused(out, "unbind jmxrmi in the registry", "AccessException: this registry is read-only");
                assertTrue(out.contains("connect as anonymous: REFUSED java.lang.SecurityException: Authentication failed"),
                        out);
            }
            String monitor = attack(c, "nobody", service, c.credentials("monitor"));
            assertTrue(monitor.contains("read TotalProcesses: ALLOWED"), monitor);
            assertRefused(monitor, "throttle", "needs the operator role");
            assertRefused(monitor, "set ProcessLimit", "needs the admin role");

            String operator = attack(c, "postfix", service, c.credentials("operator"));
            assertTrue(operator.contains("throttle: ALLOWED"), operator);
            assertTrue(operator.contains("unthrottle: ALLOWED"), operator);
            for (String attempt : List.of("cleanup", "set ProcessLimit", "updateBundle http:", "DiagnosticCommand vmVersion",
                    "setLoggerLevel")) {
                assertRefused(operator, attempt, "needs the admin role");
            }
            for (String attempt : List.of("DiagnosticCommand jvmtiAgentLoad", "HotSpotDiagnostic dumpHeap",
                    "createMBean MLet", "unregisterMBean Master")) {
                assertRefused(operator, attempt, "is refused through JMX");
            }

            String admin = attack(c, "nobody", service, c.credentials("admin"));
            assertTrue(admin.contains("cleanup: ALLOWED"), admin);
            assertTrue(admin.contains("DiagnosticCommand vmVersion: ALLOWED"), admin);
            assertRefused(admin, "updateBundle http:", "only file: URLs of jars in");
            assertRefused(admin, "updateBundle jar:", "only file: URLs of jars in");
            assertRefused(admin, "updateBundle outside bundle/", "not a jar directly in");
            assertRefused(admin, "updateBundle through a link to bundle/", "not a jar directly in");
            for (String attempt : List.of("DiagnosticCommand jvmtiAgentLoad", "HotSpotDiagnostic dumpHeap",
                    "createMBean MLet", "unregisterMBean Master")) {
                assertRefused(admin, attempt, "is refused through JMX");
            }
            assertFalse(Files.exists(Path.of("/tmp/heap.hprof")));
            assertTrue(c.jmx().isRegistered(new ObjectName("org.jmaster:type=Master")));
            assertEquals("still served", echo(port, "still served"));
            String log = c.log();
            assertTrue(log.contains("JMX: operator@127.0.0.1 (operator) invoke org.jmaster:type=Service,name=\""
                    + service + "\" throttle(5)"), "the audit names principal, client and arguments: " + log);
            assertTrue(log.contains("JMX: monitor@127.0.0.1 (monitor) invoke org.jmaster:type=Service,name=\""
                    + service + "\" throttle(5): refused, it needs the operator role"), log);
            Figures.record("13. JMX as an attacker", "nobody and postfix: no connection without credentials, password"
                    + " file unreadable, registry read-only; monitor reads; operator throttles; admin cleans up;"
                    + " code loading refused to every role");
        }
    }

    /** The password file jmaster makes is root's, 0600; one that others may read is refused, by path. */
    @Test
    void passwordFileIsPrivateOrRefused() throws Exception {
        try (Container c = new Container(dir)) {
            c.moveEcho();
            c.start();
            Path passwords = c.home.resolve("etc/jmxremote.password");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwords)));
            assertEquals(0, Files.getAttribute(passwords, "unix:uid"));
            assertTrue(c.log().contains("made a password for each of [monitor, operator, admin] in " + passwords), c.log());
        }
        Path passwords = dir.resolve("jmaster/etc/jmxremote.password");
        Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-r-----"));
        assertStartRefused(passwords + " is readable or writable by group or others (mode 0640)");
        Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-------"));
        Path elsewhere = Files.move(passwords, dir.resolve("jmaster/etc/passwords.real"));
        Files.createSymbolicLink(passwords, elsewhere);
        assertStartRefused(passwords + " is a symbolic link: refused");
    }

    /** Unauthenticated JMX exists only as a development switch, refused when jmaster runs as root. */
    @Test
    void noPasswordIsRefusedToRoot() throws Exception {
        Path home = dir.resolve("jmaster");
        Container.copy(Path.of(System.getProperty("jmaster.distribution")), home);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder start = new ProcessBuilder(home.resolve("bin/jmaster").toString(), "start").redirectErrorStream(true);
        start.environment().put("JMASTER_JMX_INSECURE_WITHOUT_PASSWORD", "yes");
        start.environment().put("JMASTER_JMX_PORT", Integer.toString(Container.freePort()));
        String out = output(start);
        assertTrue(out.contains("JMX without a password is refused when jmaster runs as root"), out);
    }

    /** As Postfix's check-fatal: a group-writable etc/ or .cfg, or a world-writable libexec/, is fatal, by path. */
    @Test
    void startupCheckNamesWhatOthersCouldChange() throws Exception {
        Path home = dir.resolve("jmaster");
        Container.copy(Path.of(System.getProperty("jmaster.distribution")), home);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        check(home.resolve("etc"), "rwxrwxr-x", home.resolve("etc") + " is writable by group or others (mode 0775)");
        check(home.resolve("etc/org.jmaster.service-echo.cfg"), "rw-rw-r--",
                home.resolve("etc/org.jmaster.service-echo.cfg") + " is writable by group or others (mode 0664)");
        check(home.resolve("libexec"), "rwxr-xrwx", home.resolve("libexec") + " is writable by group or others (mode 0757)");
        Path cfg = home.resolve("etc/org.jmaster.master.cfg");
        run(List.of("chown", "nobody", cfg.toString()), null);
        assertStartRefused(cfg + " is owned by uid " + Files.getAttribute(cfg, "unix:uid") + ", not root");
    }

    private void check(Path path, String mode, String message) throws Exception {
        String before = PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
        assertStartRefused(message);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(before));
    }

    /**
     * While jmaster makes a unix endpoint again and again, a postfix process keeps putting a
     * symbolic link to a root-owned file where the socket goes: the file's owner and mode never
     * change (the master makes sockets as mail_owner, as Postfix does).
     */
    @Test
    void aPostfixProcessCannotRedirectTheSocketsMode() throws Exception {
        Path target = Files.createTempFile(dir, "shadow", "");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        int attempts = 1000;
        try (Container c = new Container(dir)) {
            c.moveEcho();
            c.masterCf("race unix n - n - 1 jmaster-echo");
            c.start("race");
            Path queue = c.home.resolve("queue");
            assertEquals(uid("postfix"), Files.getAttribute(queue.resolve("public"), "unix:uid"));
            assertEquals(uid("postfix"), Files.getAttribute(queue.resolve("public/race"), "unix:uid"),
                    "the socket is mail_owner's");
            Path script = Files.writeString(dir.resolve("race.py"), String.join("\n",
                    "import os, sys, time",
                    "target, socket, stop = sys.argv[1], sys.argv[2], sys.argv[3]",
                    "link = socket + '.link'",
                    "end = time.time() + 300",
                    "swaps = 0",
                    "while time.time() < end and not os.path.exists(stop):",
                    "    try:",
                    "        os.symlink(target, link)",
                    "        os.rename(link, socket)",
                    "        swaps += 1",
                    "    except OSError:",
                    "        pass",
                    "print('swaps', swaps)",
                    ""));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
            Process attacker = new ProcessBuilder("setpriv", "--reuid=" + uid("postfix"), "--regid=" + gid("postfix"),
                    "--clear-groups", "--",
                    "/usr/bin/python3", script.toString(), target.toString(), queue.resolve("public/race").toString(),
                    dir.resolve("race.stop").toString())
                    .redirectErrorStream(true).start();
            String output;
            try {
                ObjectName master = new ObjectName("org.jmaster:type=Master");
                for (int i = 0; i < attempts; i++) {
                    Files.writeString(c.home.resolve("etc/master.cf"), "\n");
                    c.jmx().invoke(master, "reload", null, null);
                    Files.writeString(c.home.resolve("etc/master.cf"), "race unix n - n - 1 jmaster-echo\n");
                    c.jmx().invoke(master, "reload", null, null);
                }
            } finally {
                Files.writeString(dir.resolve("race.stop"), "");
                if (!attacker.waitFor(30, TimeUnit.SECONDS)) {
                    attacker.destroyForcibly().waitFor();
                }
                output = new String(attacker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            }
            assertEquals(0, attacker.exitValue(), output);
            long swaps = Long.parseLong(output.strip().replaceAll("(?s).*swaps (\\d+)$", "$1"));
            assertTrue(swaps > 0, "the attacker replaced the socket by its link at least once: " + output);
            assertEquals(0, Files.getAttribute(target, "unix:uid"), "still root's");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)), "mode unchanged");
            long refused = c.log().lines().filter(l -> l.contains("service race(public/race)") && l.contains("not started"))
                    .count();
            assertTrue(refused > 0, "the link was in place when the master made the socket at least once");
            Figures.record("13. symlink race on a unix endpoint", attempts + " re-creations against a postfix process"
                    + " replacing the socket by a link to a root file " + swaps + " times: owner and mode unchanged; " + refused
                    + " starts refused when the link won");
        }
    }

    /** A Java child with -u under a root master runs as mail_owner; with -c, chrooted to the queue. */
    @Test
    void javaChildrenDropPrivileges() throws Exception {
        try (Container c = new Container(dir)) {
            int port = c.moveEcho();
            Path cfg = c.home.resolve("etc/org.jmaster.service-echo.cfg");
            Files.writeString(cfg, Files.readString(cfg).replace("unpriv = n", "unpriv = y").replace("chroot = n", "chroot = y"));
            c.start("127.0.0.1:" + port);
            assertEquals("dropped", echo(port, "dropped"));
            ProcessHandle child = c.children().get(0);
            String status = Files.readString(Path.of("/proc/" + child.pid() + "/status"));
            String uid = status.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
            String gid = status.lines().filter(l -> l.startsWith("Gid:")).findFirst().orElseThrow();
            int postfix = uid("postfix");
            assertEquals("Uid:\t" + postfix + "\t" + postfix + "\t" + postfix + "\t" + postfix, uid);
            assertFalse(gid.matches("Gid:\\s+0\\b.*"), gid);
            assertEquals(c.home.resolve("queue").toRealPath(), Path.of("/proc/" + child.pid() + "/root").toRealPath());
            assertTrue(status.lines().anyMatch(l -> l.equals("Umask:\t0077")), "the master's umask 077: " + status);
        }
    }

    /** stop and status act only on the JVM that holds the pid file's lock; garbage in it is refused. */
    @Test
    void processControlCannotHitTheWrongProcess() throws Exception {
        try (Container c = new Container(dir)) {
            c.moveEcho();
            c.start();
            Path pidfile = c.home.resolve("data/jmaster.pid");
            String pid = Files.readString(pidfile).strip();
            assertEquals(Long.toString(c.pid()), pid, "the JVM wrote its own pid");
            for (String garbage : List.of("-1", "1", "0", "1 2", "x")) {
                Files.writeString(pidfile, garbage + "\n");
                String out = c.bin("status");
                assertTrue(out.contains("jmaster is not running"), garbage + ": " + out);
                assertTrue(ProcessHandle.of(1).isPresent());
            }
            Files.writeString(pidfile, pid + "\n");
            assertTrue(c.bin("status").contains("jmaster is running (pid " + pid + ")"));
            String second = c.bin("run");
            assertTrue(second.contains("jmaster is already running"), second);
        }
        Path pidfile = dir.resolve("jmaster/data/jmaster.pid");
        Files.writeString(pidfile, "1\n");
        ProcessBuilder stop = new ProcessBuilder(dir.resolve("jmaster/bin/jmaster").toString(), "stop");
        assertTrue(output(stop).contains("jmaster is not running"), "no lock held: nobody is signalled");
    }

    private static void assertRefused(String out, String attempt, String why) {
        String line = out.lines().filter(l -> l.startsWith(attempt + ": ")).findFirst().orElse(attempt + ": (missing)");
        assertTrue(line.startsWith(attempt + ": REFUSED") && line.contains(why), line + "\n" + out);
    }

    /** Runs Attacker.java as this user with the JDK's source launcher, from a directory anyone may read. */
    private String attack(Container c, String user, String service, String[] credentials) throws Exception {
        Path source = dir.resolve("attacker/Attacker.java");
        if (!Files.exists(source)) {
            Files.createDirectories(source.getParent());
            try (var in = SecurityIT.class.getResourceAsStream("/attacker/Attacker.java")) {
                Files.copy(in, source);
            }
            Files.setPosixFilePermissions(source.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-r--r--"));
        }
        List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid=" + uid(user), "--regid=" + gid(user), "--clear-groups",
                "--", Path.of(System.getProperty("java.home"), "bin", "java").toString(), source.toString(),
                Integer.toString(c.jmxPort), c.home.toString(), service));
        if (credentials != null) {
            argv.addAll(List.of(credentials));
        }
        return run(argv, dir.resolve("attacker"));
    }

    /**
     * A JMX port someone else holds fails the start with the reason, and start says so rather
     * than "started": the JVM writes its pid only once nothing is left to refuse.
     */
    @Test
    void aTakenJmxPortFailsTheStartWithTheReason() throws Exception {
        Container.copy(Path.of(System.getProperty("jmaster.distribution")), dir.resolve("jmaster"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            assertStartRefused("JMX on 127.0.0.1:" + taken.getLocalPort() + ": Port already in use", taken.getLocalPort());
        }
    }

    private void assertStartRefused(String message) throws Exception {
        assertStartRefused(message, Container.freePort());
    }

    private void assertStartRefused(String message, int jmxPort) throws Exception {
        ProcessBuilder start = new ProcessBuilder(dir.resolve("jmaster/bin/jmaster").toString(), "start")
                .redirectErrorStream(true);
        start.environment().put("JMASTER_JMX_PORT", Integer.toString(jmxPort));
        Process process = start.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertNotEquals(0, process.exitValue(), out);
        assertTrue(out.contains("jmaster did not start"), out);
        assertTrue(out.contains("jmaster: refusing to start: " + message), out);
    }

    private static int uid(String user) throws Exception {
        return Integer.parseInt(run(List.of("id", "-u", user), null).strip());
    }

    private static int gid(String user) throws Exception {
        return Integer.parseInt(run(List.of("id", "-g", user), null).strip());
    }

    private static String output(ProcessBuilder builder) throws Exception {
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return out;
    }

    private static String run(List<String> argv, Path directory) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        return output(builder);
    }
}
