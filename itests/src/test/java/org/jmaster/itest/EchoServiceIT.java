package org.jmaster.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;

/** A configured echo service in a freshly started Felix, served by real child processes. */
@RunWith(PaxExam.class)
public class EchoServiceIT extends JmasterTestSupport {

    private String startEcho(int port, String extra) throws Exception {
        String name = "127.0.0.1:" + port;
        service("echo", name + " inet n - n - 4 echo" + extra);
        awaitStarted(name);
        return name;
    }

    /** Case 1: a client of an idle service gets one child, which serves it. */
    @Test
    public void case01_clientIsServedByOneNewChild() throws Exception {
        int port = freePort();
        String name = startEcho(port, "");
        try (Socket client = connect(port)) {
            onlyChild(name);
            assertEquals("hello", exchange(client, "hello"));
        }
        Thread.sleep(300);
        assertEquals(1, children(name).size());
    }

    /**
     * Cases 24-26 on a live child: fds 0-2 /dev/null, 3/4 one pipe, 5 a unix stream socket, 6 the
     * service's listening TCP socket and no other socket; the argv; cwd = queue_directory, the
     * master's uid; the environment = import_environment + MAIL_CONFIG + GENERATION in octal.
     */
    @Test
    public void case24to26_aLiveChildHasPostfixsDescriptorsArgvCwdAndEnvironment() throws Exception {
        int port = freePort();
        String name = startEcho(port, "");
        assertEquals("hi", echo(port, "hi"));
        long pid = onlyChild(name).pid();
        Thread.sleep(200); // idle again: its only sockets are the master's

        for (int fd = 0; fd <= 2; fd++) {
            assertEquals("/dev/null", link(pid, fd));
        }
        assertTrue(link(pid, 3).startsWith("pipe:"));
        assertEquals("fds 3 and 4 are one pipe", link(pid, 3), link(pid, 4));
        assertTrue(ProcFs.isUnixSocket(inode(link(pid, 5))));
        assertEquals("fd 6 listens on the service's port", port, ProcFs.tcpListenPort(inode(link(pid, 6))));
        Set<Integer> sockets = new HashSet<>();
        for (String fd : new java.io.File("/proc/" + pid + "/fd").list()) {
            if (link(pid, Integer.parseInt(fd)).startsWith("socket:")) {
                sockets.add(Integer.parseInt(fd));
            }
        }
        assertEquals(describe(pid, sockets), Set.of(5, 6), sockets);

        List<String> argv = Arrays.asList(proc(pid, "cmdline").split("\0"));
        assertEquals(List.of("-n", name, "-t", "inet", "-u"), argv.subList(argv.indexOf(ECHO_MAIN) + 1, argv.size()));

        assertEquals(queue.toRealPath(), Path.of("/proc/" + pid + "/cwd").toRealPath());
        // -u: under a root master the Java child is mail_owner, as a Postfix daemon; else the master's user
        String master = ProcFs.uid(ProcessHandle.current().pid());
        assertEquals(master.equals("0") ? ProcFs.uidOf("postfix") : master, ProcFs.uid(pid));

        List<String> environment = Arrays.asList(proc(pid, "environ").split("\0"));
        assertTrue(environment.toString(), environment.contains("MAIL_CONFIG=" + dir.resolve("etc")));
        assertTrue(environment.toString(), environment.contains("LANG=C"));
        assertTrue(environment.toString(), environment.stream().anyMatch(e -> e.matches("GENERATION=[0-7]+")));
        assertFalse(environment.toString(), environment.stream().anyMatch(e -> e.startsWith("PATH=")));
        assertEquals("only the launcher's shell adds PWD", 4, environment.size());
    }

    /** Case 14: after its request the child is available again and serves the next client itself. */
    @Test
    public void case14_anIdleChildServesTheNextClient() throws Exception {
        int port = freePort();
        String name = startEcho(port, "");
        assertEquals("one", echo(port, "one"));
        long pid = onlyChild(name).pid();
        awaitServed(name, 1);
        assertEquals("two", echo(port, "two"));
        awaitServed(name, 2);
        assertEquals("three", echo(port, "three"));
        assertEquals(pid, onlyChild(name).pid());
    }

    /** Cases 32 and 52: with max_use the child retires with exit 0 (no warning) and the next client gets a new one. */
    @Test
    public void case32and52_maxUseRetiresTheChildQuietly() throws Exception {
        int port = freePort();
        String name = startEcho(port, " -o max_use=2");
        assertEquals("a", echo(port, "a"));
        ProcessHandle first = onlyChild(name);
        awaitServed(name, 1);
        assertEquals("b", echo(port, "b"));
        await("the child retires after 2 requests", 5000, () -> !first.isAlive());
        assertEquals("c", echo(port, "c"));
        assertNotEquals(first.pid(), onlyChild(name).pid());
        assertEquals(logs.messages().toString(), 0, logs.count("exit status"));
    }

    /** Case 53: with max_idle=2 an unused child exits on its own after about 2 s. */
    @Test
    public void case53_maxIdleRetiresAnIdleChild() throws Exception {
        int port = freePort();
        String name = startEcho(port, " -o max_idle=2");
        assertEquals("x", echo(port, "x"));
        ProcessHandle child = onlyChild(name);
        Thread.sleep(1000);
        assertTrue(child.isAlive());
        await("the idle child exits", 5000, () -> !child.isAlive());
        assertEquals(0, logs.count("exit status"));
    }

    /**
     * Cases 44 and 50: a restart (the configuration changed, the endpoint did not) closes the
     * status channel: the idle child exits at once, the busy one finishes its session and exits;
     * the listen socket stays open and the next clients get children of a new generation.
     */
    @Test
    public void case44and50_restartRecyclesChildrenGracefully() throws Exception {
        int port = freePort();
        String name = startEcho(port, "");
        Socket busy = connect(port);
        await("a busy child", 10_000, () -> children(name).size() == 1);
        assertEquals("idle", echo(port, "idle"));
        await("two children", 10_000, () -> children(name).size() == 2);
        ProcessHandle busyChild = children(name).stream().min((a, b) -> Long.compare(a.pid(), b.pid())).get();
        ProcessHandle idleChild = children(name).stream().filter(p -> p.pid() != busyChild.pid()).findFirst().get();
        long idleGeneration = generation(idleChild);

        service("echo", name + " inet n - n - 5 echo"); // same identity: a restart
        logs.await("service " + name + "(", " restarted");
        long restartedAt = System.currentTimeMillis();
        await("the idle child exits at once", 1000, () -> !idleChild.isAlive());
        assertTrue("exited within 1 s", System.currentTimeMillis() - restartedAt < 1000);
        assertTrue("the busy child finishes its session", busyChild.isAlive());

        try (Socket during = connect(port)) { // the listen socket was never closed
            assertEquals("busy", exchange(busy, "busy"));
            busy.close();
            await("the busy child exits after its session", 5000, () -> !busyChild.isAlive());
            assertEquals("during", exchange(during, "during"));
        }
        ProcessHandle fresh = onlyChild(name);
        assertTrue(generation(fresh) > idleGeneration);
        assertEquals(0, logs.count("exit status"));
        assertEquals(0, logs.count("killed by signal"));
    }

    private static String describe(long pid, Set<Integer> fds) throws Exception {
        StringBuilder text = new StringBuilder();
        for (int fd : fds) {
            String inode = Long.toString(inode(link(pid, fd)));
            text.append(fd).append(": ");
            for (String table : new String[] {"/proc/net/unix", "/proc/net/tcp", "/proc/net/tcp6", "/proc/net/udp"}) {
                for (String line : Files.readAllLines(Path.of(table))) {
                    if (java.util.Arrays.asList(line.trim().split("\\s+")).contains(inode)) {
                        text.append(table).append(' ').append(line.trim()).append("; ");
                    }
                }
            }
        }
        return text.toString();
    }

    private static long generation(ProcessHandle child) throws Exception {
        for (String variable : proc(child.pid(), "environ").split("\0")) {
            if (variable.startsWith("GENERATION=")) {
                return Long.parseLong(variable.substring(11), 8);
            }
        }
        throw new AssertionError("no GENERATION");
    }

    private static String link(long pid, int fd) throws Exception {
        return Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/" + fd)).toString();
    }

    private static long inode(String socketLink) {
        return Long.parseLong(socketLink.substring(socketLink.indexOf('[') + 1, socketLink.indexOf(']')));
    }
}
