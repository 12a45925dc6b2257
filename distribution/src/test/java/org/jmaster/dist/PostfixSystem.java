package org.jmaster.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Postfix's mail system for a test: Debian's stock master.cf.dist (with a Latin-1 comment added),
 * a main.cf written here with a private queue, data directory, mail spool and maillog_file, a
 * local domain (example.test) whose user nobody gets the mail; and the distribution configured
 * with nothing but its config_directory. Needs root and Debian's postfix package.
 */
final class PostfixSystem {
    static final Path MASTER_CF_DIST = Path.of("/usr/share/postfix/master.cf.dist");

    final Path dir;
    final Path etc;
    final Path queue;
    final Path data;
    final Path mailbox;
    final Path maillog;
    private int installs;

    /** The queue on a small tmpfs of its own (in the test's mount namespace), so that a test can fill it. */
    static PostfixSystem onSmallQueue(Path dir, String... moreMainCf) throws Exception {
        Path queue = Files.createDirectories(dir.resolve("spool"));
        run("mount", "-t", "tmpfs", "-o", "size=64m,mode=0755", "jmaster-test-queue", queue.toString());
        return new PostfixSystem(dir, moreMainCf);
    }

    PostfixSystem(Path dir, String... moreMainCf) throws Exception {
        assertEquals("root", System.getProperty("user.name"), "Postfix's daemons need root");
        assertTrue(Files.isRegularFile(MASTER_CF_DIST), "Debian's postfix package must be installed (.ci/run does)");
        this.dir = dir;
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        etc = Files.createDirectories(dir.resolve("postfix"));
        queue = Files.createDirectories(dir.resolve("spool")); // root's, as /var/spool/postfix: postfix check fills it
        data = Files.createDirectories(dir.resolve("lib"));
        run("chown", "postfix:postfix", data.toString());
        Path spool = Files.createDirectories(dir.resolve("mail"));
        run("chmod", "1777", spool.toString()); // as /var/mail: local(8) makes each mailbox as its user
        mailbox = spool.resolve("nobody");
        Path logs = Files.createDirectories(dir.resolve("log"));
        maillog = logs.resolve("mail.log");
        List<String> main = new ArrayList<>(List.of(
                "compatibility_level = 3.6",
                "queue_directory = " + queue,
                "data_directory = " + data,
                "myhostname = mx.example.test",
                "mydomain = example.test",
                "mydestination = $myhostname, localhost, $mydomain",
                "inet_interfaces = loopback-only",
                "inet_protocols = ipv4",
                "mail_spool_directory = " + spool,
                "alias_maps =",
                "alias_database =",
                "biff = no",
                "smtpd_banner = $myhostname ESMTP",
                "maillog_file = " + maillog,
                "maillog_file_prefixes = " + logs));
        main.addAll(List.of(moreMainCf));
        Files.writeString(etc.resolve("main.cf"), String.join("\n", main) + "\n");
        // Debian's master.cf as it ships, and a comment in Latin-1, which Postfix reads byte for byte
        Files.copy(MASTER_CF_DIST, etc.resolve("master.cf"));
        Files.write(etc.resolve("master.cf"), "# Gr\u00fc\u00dfe, \u00e9t\u00e9\n".getBytes(StandardCharsets.ISO_8859_1),
                StandardOpenOption.APPEND);
    }

    /** A new copy of the distribution, with nothing but config_directory, and without its echo example. */
    Container jmaster() throws IOException {
        Container c = new Container(Files.createDirectories(dir.resolve("opt" + ++installs)));
        c.masterSettings("config_directory = " + etc);
        // this JVM's, not the network-namespace wrapper failsafe started it with (whose JAVA_HOME it is)
        c.environment("JAVA_HOME", System.getProperty("java.home"));
        Files.delete(c.home.resolve("etc/org.jmaster.service-echo.cfg"));
        return c;
    }

    Result postfix(String command) throws Exception {
        return command(List.of("postfix", "-c", etc.toString(), command), Map.of());
    }

    String postqueue() {
        try {
            return command(List.of("postqueue", "-c", etc.toString(), "-p"), Map.of()).out();
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** Submits a message through sendmail(1) and pickup(8). */
    Result sendmail(String message) throws Exception {
        return command(List.of("/usr/sbin/sendmail", "-f", "sender@example.test", "nobody@example.test"),
                Map.of("MAIL_CONFIG", etc.toString()), message);
    }

    /** The Message-ID of every message in nobody's mailbox, in delivery order. */
    List<String> messageIds() {
        List<String> ids = new ArrayList<>();
        for (String line : read(mailbox).split("\n")) {
            if (line.regionMatches(true, 0, "Message-ID: ", 0, 12)) {
                ids.add(line.substring(12).strip());
            }
        }
        return ids;
    }

    record Result(int code, String out) {
    }

    static Result command(List<String> argv, Map<String, String> environment) throws Exception {
        return command(argv, environment, "");
    }

    static Result command(List<String> argv, Map<String, String> environment, String input) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), argv + " did not finish");
        return new Result(process.exitValue(), out);
    }

    static void run(String... argv) throws Exception {
        Result result = command(List.of(argv), Map.of());
        assertEquals(0, result.code(), String.join(" ", argv) + ": " + result.out());
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
