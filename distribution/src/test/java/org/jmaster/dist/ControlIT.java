package org.jmaster.dist;

import static org.jmaster.dist.Container.await;
import static org.jmaster.dist.Container.echo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/jmaster status and reload, which log in to the distribution's JMX port with a password of
 * etc/jmxremote.password (monitor for status, operator for reload): the service table with live
 * counts, exit 3 when stopped, one line and exit 4 for a user who may not read the passwords, one
 * line and exit 0 (it runs) for root whose password is refused, a reload that replaces the
 * children, a SIGHUP when JMX is off, and root reading a non-root instance's files as its owner.
 * Run as root, as .ci/run runs them (the other user is nobody, through setpriv); ports 19200-19209 and 19250-19259.
 */
class ControlIT {
    @TempDir
    Path dir;

    @BeforeAll
    static void asRoot() throws Exception {
        assertEquals("0", new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
                StandardCharsets.UTF_8).strip(), "these tests run as root, as .ci/run does");
    }

    /** The result of one bin/jmaster command. */
    record Run(int status, String out) {
    }

    /** A container on these ports: JMX and the echo service. */
    private static Container container(Path dir, int jmx, int echo) throws Exception {
        Container c = new Container(dir);
        c.environment("JMASTER_JMX_PORT", Integer.toString(jmx));
        c.environment("JAVA_HOME", System.getProperty("java.home")); // the JDK of the tests, whatever failsafe's JAVA_HOME
        Path cfg = c.home.resolve("etc/org.jmaster.service-echo.cfg");
        Files.writeString(cfg, Files.readString(cfg).replace("127.0.0.1:10007", "127.0.0.1:" + echo));
        return c;
    }

    /** bin/jmaster as root or, through setpriv, as another user (a uid); standard output and error together. */
    static Run run(Path home, String user, int jmx, String... args) throws Exception {
        List<String> argv = new ArrayList<>();
        if (user != null) {
            argv.addAll(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--clear-groups", "--"));
        }
        argv.add(home.resolve("bin/jmaster").toString());
        argv.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().put("JMASTER_JMX_PORT", Integer.toString(jmx));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return new Run(process.exitValue(), out);
    }

    private static Run bin(Container c, String user, int jmx, String... args) throws Exception {
        return run(c.home, user, jmx, args);
    }

    private static int uid(String user) throws Exception {
        Process id = new ProcessBuilder("id", "-u", user).start();
        return Integer.parseInt(new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
    }

    /** The table lists the echo service with its real counts; stopped, status says so with exit 3. */
    @Test
    void statusListsTheServicesWithTheirCountsAndExits3WhenStopped() throws Exception {
        int jmx = 19201;
        int port = 19251;
        try (Container c = container(dir, jmx, port)) {
            c.start("127.0.0.1:" + port);
            Run idle = bin(c, null, jmx, "status");
            assertEquals(0, idle.status(), idle.out());
            List<String> lines = idle.out().lines().toList();
            assertEquals("jmaster is running (pid " + c.pid() + ")", lines.get(0), idle.out());
            assertTrue(lines.get(1).matches("  version \\S+, process generation \\d+, 1 service, JMX on 127.0.0.1:" + jmx),
                    idle.out());
            assertTrue(lines.get(2).matches("service\\s+type\\s+limit\\s+total\\s+available\\s+listening\\s+throttled"
                    + "\\s+stress"), idle.out());
            assertTrue(lines.get(3).matches("127\\.0\\.0\\.1:" + port + "\\s+inet\\s+4\\s+0\\s+0\\s+yes\\s+no\\s+no"),
                    idle.out());

            // one child now, idle again after its reply: it accepts the next client itself, the master does not listen
            assertEquals("counted", echo(port, "counted"));
            await("the child reports available", 10_000, () -> {
                try {
                    return bin(c, null, jmx, "status").out().lines().anyMatch(l -> l.matches(
                            "127\\.0\\.0\\.1:" + port + "\\s+inet\\s+4\\s+1\\s+1\\s+no\\s+no\\s+no"));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            assertTrue(c.log().contains("JMX: monitor@127.0.0.1 logged in as monitor"), "status logs in as monitor only");
        }
        Path home = dir.resolve("jmaster"); // stopped now
        Run status = run(home, null, jmx, "status");
        assertEquals(3, status.status(), status.out());
        assertEquals("jmaster is not running\n", status.out());
        Run reload = run(home, null, jmx, "reload");
        assertEquals(1, reload.status(), reload.out());
        assertEquals("jmaster is not running\n", reload.out());
    }

    /**
     * As nobody, who may read neither data/ nor the password file: one line that says so, exit 4,
     * and no login tried. As root with a password that jmaster does not hold (the file changed
     * since it started): the running line, then one line naming the refusal, and exit 0, since
     * jmaster runs (an LSB monitor restarts a service whose status is not 0).
     */
    @Test
    void aCallerWhoCannotAuthenticateGetsOneLine() throws Exception {
        int jmx = 19202;
        int port = 19252;
        try (Container c = container(dir, jmx, port)) {
            c.start("127.0.0.1:" + port);
            String nobody = Integer.toString(uid("nobody"));
            Path passwords = c.home.resolve("etc/jmxremote.password");
            for (String command : List.of("status", "reload")) {
                Run run = bin(c, nobody, jmx, command);
                assertEquals(4, run.status(), run.out());
                assertEquals("jmaster: cannot read " + passwords + " (the JMX passwords): permission denied; run"
                        + " bin/jmaster " + command + " as root or as the user jmaster runs as\n", run.out());
            }
            assertTrue(!c.log().contains("logged in"), "nobody logged in: " + c.log());

            String text = Files.readString(passwords);
            Files.writeString(passwords, text.replaceAll("(?m)^monitor \\S+$", "monitor not-the-password"));
            Run refused = bin(c, null, jmx, "status");
            assertEquals(0, refused.status(), "it runs, whatever JMX says: " + refused.out());
            List<String> lines = refused.out().lines().toList();
            assertEquals(List.of("jmaster is running (pid " + c.pid() + ")"), lines.subList(0, 1), refused.out());
            assertEquals(2, lines.size(), refused.out());
            assertTrue(lines.get(1).startsWith("jmaster: JMX on 127.0.0.1:" + jmx + " refused monitor: Authentication"
                    + " failed! Invalid username or password"), refused.out());
            assertTrue(c.log().contains("JMX: login of \"monitor\" from 127.0.0.1 refused"), c.log());
            Files.writeString(passwords, text);
        }
    }

    /**
     * bin/jmaster reload calls reload() over JMX as operator: it says what it did, the log has
     * the audit line and Postfix's "reload --", and the idle child of the old generation exits;
     * the next client gets a child of a newer generation.
     */
    @Test
    void reloadGoesThroughJmxAndReplacesTheChildren() throws Exception {
        int jmx = 19203;
        int port = 19253;
        try (Container c = container(dir, jmx, port)) {
            c.start("127.0.0.1:" + port);
            assertEquals("before", echo(port, "before"));
            List<ProcessHandle> before = c.children();
            assertEquals(1, before.size());
            long generation = generation(bin(c, null, jmx, "status").out());

            Run reload = bin(c, null, jmx, "reload");
            assertEquals(0, reload.status(), reload.out());
            assertEquals("jmaster (pid " + c.pid() + ") reloaded: main.cf, master.cf and the service configurations read"
                    + " again; 1 service restarted\n", reload.out());
            String log = c.log();
            assertTrue(log.contains("JMX: operator@127.0.0.1 (operator) invoke org.jmaster:type=Master reload()"), log);
            assertTrue(log.contains(" INFO org.jmaster.master: reload -- version "), log);
            await("the old generation's child exits", 20_000, () -> !before.get(0).isAlive());

            assertEquals("after", echo(port, "after"));
            List<ProcessHandle> after = c.children();
            assertEquals(1, after.size());
            assertNotEquals(before.get(0).pid(), after.get(0).pid());
            assertTrue(generation(bin(c, null, jmx, "status").out()) > generation, "a newer generation");
        }
    }

    /**
     * With JMX off, bin/jmaster reload is Postfix's: a SIGHUP, and the master reloads (the log
     * has its "reload --"); status says it runs and that JMX is off.
     */
    @Test
    void withJmxOffReloadSendsSighup() throws Exception {
        Container.requireSighupHandled();
        int port = 19254;
        try (Container c = container(dir, 0, port)) {
            c.start("127.0.0.1:" + port);
            Run reload = bin(c, null, 0, "reload");
            assertEquals(0, reload.status(), reload.out());
            assertEquals("jmaster (pid " + c.pid() + "): SIGHUP sent, JMX being off; the reload logs to "
                    + c.home.resolve("log/jmaster.log") + "\n", reload.out());
            await("the master reloads", 20_000, () -> c.log().contains(" INFO org.jmaster.master: reload -- version "));
            Run status = bin(c, null, 0, "status");
            assertEquals(0, status.status(), status.out());
            assertTrue(status.out().contains("no JMX port"), status.out());
            assertEquals("echoed", echo(port, "echoed"));
        }
    }

    /**
     * Root asking a jmaster that runs as another user reads what that JVM's command line names
     * with that user's rights only: a JVM of nobody's (here a stand-in holding the pid file's
     * lock) that names a file only root may read as its password file, and its own port, learns
     * nothing. status refuses to read the file, says it runs, and never connects to the port.
     */
    @Test
    void rootReadsANonRootInstancesFilesWithItsOwnersRights() throws Exception {
        int jmx = 19205;
        Path secret = dir.resolve("root-only");
        try (Container c = container(dir, jmx, 19255);
                java.net.ServerSocket attacker = new java.net.ServerSocket(jmx, 50,
                        java.net.InetAddress.getLoopbackAddress())) {
            c.runAs("nobody"); // dir and all in it are nobody's now: the secret is root's, made after
            Files.writeString(secret, "admin the-root-secret\n");
            Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Path data = c.home.resolve("data");
            Path access = dir.resolve("access");
            Files.writeString(access, "admin admin\n"); // a role: as root, Control would log in with the secret
            String nobody = Integer.toString(uid("nobody"));
            Process impostor = new ProcessBuilder("setpriv", "--reuid=" + nobody, "--regid=" + nobody, "--clear-groups",
                    "--", "/usr/bin/python3", "-c", "import fcntl, os, sys, time\n"
                    + "os.makedirs(sys.argv[1], mode=0o700, exist_ok=True)\n"
                    + "f = open(sys.argv[1] + '/jmaster.pid', 'w')\n"
                    + "fcntl.flock(f, fcntl.LOCK_EX)\n"
                    + "f.write(str(os.getpid())); f.flush(); print('locked', flush=True)\n"
                    + "time.sleep(60)\n", data.toString(), "-Djmaster.home=" + c.home,
                    "-Djmaster.jmx.port=" + jmx, "-Djmaster.jmx.password.file=" + secret,
                    "-Djmaster.jmx.access.file=" + access).start();
            try {
                assertEquals("locked", new String(impostor.getInputStream().readNBytes(6), StandardCharsets.UTF_8));
                Run status = bin(c, null, jmx, "status");
                assertEquals("jmaster is running (pid " + impostor.pid() + ")\njmaster: cannot read " + secret
                        + " (the JMX passwords): permission denied; run bin/jmaster status as root or as the user"
                        + " jmaster runs as\n", status.out());
                assertEquals(0, status.status(), status.out());
                attacker.setSoTimeout(500);
                assertThrows(java.net.SocketTimeoutException.class, attacker::accept, "no connection to its port");
            } finally {
                impostor.destroy();
                assertTrue(impostor.waitFor(10, TimeUnit.SECONDS));
            }
        }
    }

    private static long generation(String status) {
        Matcher m = Pattern.compile("process generation (\\d+)").matcher(status);
        assertTrue(m.find(), status);
        return Long.parseLong(m.group(1));
    }
}
