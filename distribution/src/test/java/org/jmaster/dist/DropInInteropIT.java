package org.jmaster.dist;

import static org.jmaster.dist.PostfixSystem.command;
import static org.jmaster.dist.PostfixSystem.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jmaster as a drop-in for Postfix's master: Debian's stock master.cf.dist unchanged (but for a
 * Latin-1 comment), a main.cf written here (private queue, data and mail spool, a local domain,
 * maillog_file), and the distribution configured with nothing but config_directory. Mail from
 * smtp-source and sendmail is delivered by local(8) exactly once; every log line reaches
 * maillog_file through postlogd; Postfix's own postfix reload, status, flush, postqueue and stop
 * act on jmaster; neither master starts while the other runs; a busy port fails the strict
 * start-up with Postfix's words. As root (the daemons need it), in a network namespace of its own
 * (failsafe's postfix-interop execution), so port 25 on 127.0.0.1 is the test's.
 */
class DropInInteropIT {
    private static final int MESSAGES = Integer.getInteger("jmaster.dropin.messages", 200);
    private static final int SESSIONS = 5;

    @TempDir
    Path dir;
    private PostfixSystem postfix;
    private Path etc;
    private Path queue;
    private Path maillog;

    @BeforeEach
    void postfixConfiguration() throws Exception {
        postfix = new PostfixSystem(dir);
        etc = postfix.etc;
        queue = postfix.queue;
        maillog = postfix.maillog;
    }

    private Container jmaster() throws IOException {
        return postfix.jmaster();
    }

    @Test
    void postfixsMailSystemRunsUnderJmasterAndPostfixsCommandsDriveIt() throws Exception {
        Container.requireSighupHandled(); // postfix reload is a SIGHUP
        try (Container c = jmaster()) {
            c.start();
            long jvm = c.pid();
            assertEquals(String.format("%32d%n", jvm), Files.readString(queue.resolve("pid/master.pid")),
                    "Postfix's pid file, in Postfix's format");
            // with maillog_file set, postfix(1) says what it says in the mail log
            PostfixSystem.Result status = postfix.postfix("status");
            assertEquals(0, status.code(), status.out());
            assertTrue(read(maillog).contains("postfix/postfix-script[") && read(maillog).contains(
                    "]: the Postfix mail system is running: PID: " + jvm), read(maillog));
            PostfixSystem.Result start = postfix.postfix("start");
            assertEquals(1, start.code(), "Postfix's master does not start while jmaster runs: " + start.out());
            assertTrue(read(maillog).contains("]: fatal: the Postfix mail system is already running"), read(maillog));

            PostfixSystem.Result source = command(List.of("smtp-source", "-s", Integer.toString(SESSIONS), "-m",
                    Integer.toString(MESSAGES), "-c", "-f", "sender@example.test", "-t", "nobody@example.test",
                    "127.0.0.1:25"), Map.of());
            assertEquals(0, source.code(), source.out() + c.log());
            String sendmail = "<sendmail." + System.nanoTime() + "@example.test>";
            PostfixSystem.Result submitted = postfix.sendmail("Subject: through pickup\nMessage-ID: " + sendmail + "\n\nhi\n");
            assertEquals(0, submitted.code(), submitted.out());

            Container.await("every message in the mailbox", 120_000, () -> postfix.messageIds().size() >= MESSAGES + 1);
            Container.await("the queue drains", 60_000, () -> postfix.postqueue().contains("Mail queue is empty"));
            List<String> ids = postfix.messageIds();
            assertEquals(MESSAGES + 1, ids.size(), "each message delivered once");
            assertEquals(MESSAGES + 1, new HashSet<>(ids).size(), "no message delivered twice");
            assertTrue(ids.contains(sendmail), "the sendmail message came through pickup");
            assertEquals(0, postfix.postfix("flush").code(), "postfix flush talks to jmaster's flush service");

            Container.await("the daemons' and the master's lines in maillog_file", 30_000, () -> {
                String log = read(maillog);
                return log.contains("postfix/smtpd[") && log.contains("postfix/local[") && log.contains("status=sent")
                        && log.contains("postfix/master[" + jvm + "]: daemon started -- version ");
            });

            // postfix reload: SIGHUP; the next clients get children of a new generation
            long before = smtpdGeneration(c);
            PostfixSystem.Result reload = postfix.postfix("reload");
            assertEquals(0, reload.code(), reload.out());
            Container.await("the reload", 30_000, () -> read(maillog).contains("postfix/master[" + jvm + "]: reload -- "));
            // an idle child of the old generation may still take a session until it sees the reload
            Container.await("a new generation of smtpd after postfix reload", 30_000, () -> {
                try {
                    return smtpdGeneration(c) > before;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });

            PostfixSystem.Result stop = postfix.postfix("stop");
            assertEquals(0, stop.code(), stop.out());
            c.stopped(10_000);
            assertTrue(!read(maillog).contains("stopping the Postfix mail system with force"),
                    "jmaster stopped within postfix stop's 5 s, before its kill -9 of the JVM's group alone");
            assertEquals(1, postfix.postfix("status").code(), "postfix status says it no longer runs");
        }
    }

    /**
     * Postfix's own master holds its locks: bin/jmaster start refuses, naming them (the other way
     * round is in the test above); and master.lock alone, held by anyone, refuses a start too.
     */
    @Test
    void postfixsOwnMasterKeepsJmasterOut() throws Exception {
        PostfixSystem.Result start = postfix.postfix("start");
        assertEquals(0, start.code(), start.out() + read(maillog));
        try (Container c = jmaster()) {
            String out = c.bin("start");
            assertTrue(out.contains("jmaster: refusing to start: the Postfix mail system is already running"), out);
            assertTrue(out.contains("jmaster did not start"), out);
        } finally {
            PostfixSystem.Result stop = postfix.postfix("stop");
            assertEquals(0, stop.code(), stop.out());
        }
        Process holder = new ProcessBuilder("flock", dir.resolve("lib/master.lock").toString(), "sleep", "60").start();
        try (Container c = jmaster()) {
            Container.await("the lock is held", 10_000, () -> holder.children().findAny().isPresent());
            String out = c.bin("start");
            assertTrue(out.contains("jmaster: refusing to start: the Postfix mail system is already running: "
                    + dir.resolve("lib/master.lock") + " is locked"), out);
        } finally {
            holder.descendants().forEach(ProcessHandle::destroy);
            holder.destroy();
            assertTrue(holder.waitFor(10, TimeUnit.SECONDS));
        }
    }

    /** Strict start-up (the default with a main.cf): a busy port is fatal, in Postfix's words; nothing is left running. */
    @Test
    void aBusyPortFailsTheStrictStartWithPostfixsMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.setReuseAddress(true);
            taken.bind(new InetSocketAddress("127.0.0.1", 25));
            try (Container c = jmaster()) {
                String out = c.bin("start");
                assertTrue(out.contains("jmaster did not start"), out + c.log());
                assertTrue(out.contains("fatal: bind 127.0.0.1 port 25: Address already in use"), out);
                Container.await("the JVM is gone", 30_000, () -> {
                    try {
                        return c.bin("status").contains("not running");
                    } catch (IOException | InterruptedException e) {
                        throw new AssertionError(e);
                    }
                });
                assertEquals(1, postfix.postfix("status").code(), "the lock is free again");
            }
        }
    }

    private long smtpdGeneration(Container c) throws Exception {
        try (java.net.Socket client = new java.net.Socket("127.0.0.1", 25)) {
            client.setSoTimeout(20_000);
            byte[] banner = new byte[64];
            assertTrue(client.getInputStream().read(banner) > 0, "a banner");
            for (ProcessHandle child : c.children()) {
                if (child.info().command().orElse("").endsWith("/smtpd")) {
                    Matcher m = Pattern.compile("(?:^|\0)GENERATION=([0-7]+)\0").matcher(read(Path.of("/proc/" + child.pid()
                            + "/environ")));
                    if (m.find() && isServing(child)) {
                        return Long.parseLong(m.group(1), 8);
                    }
                }
            }
        }
        throw new AssertionError("no smtpd child serves the session");
    }

    /** An smtpd with an established TCP connection on port 25 (it took the session). */
    private static boolean isServing(ProcessHandle child) {
        return !ProcFsSockets.established(child.pid(), 25).isEmpty();
    }

    /** Established TCP connections of a process, from /proc (its socket inodes against /proc/net/tcp). */
    private static final class ProcFsSockets {
        static Set<String> established(long pid, int localPort) {
            Set<String> inodes = new HashSet<>();
            try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
                fds.forEach(fd -> {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[")) {
                            inodes.add(target.substring(8, target.length() - 1));
                        }
                    } catch (IOException e) {
                        // gone meanwhile
                    }
                });
            } catch (IOException e) {
                return Set.of();
            }
            Set<String> established = new HashSet<>();
            for (String line : read(Path.of("/proc/net/tcp")).split("\n")) {
                String[] f = line.strip().split("\\s+");
                if (f.length > 9 && f[3].equals("01") && f[1].endsWith(String.format(":%04X", localPort))
                        && inodes.contains(f[9])) {
                    established.add(f[9]);
                }
            }
            return established;
        }
    }
}
