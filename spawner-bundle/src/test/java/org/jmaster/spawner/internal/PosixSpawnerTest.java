package org.jmaster.spawner.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jmaster.api.ExitStatus;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.SpawnException;
import org.jmaster.api.StressArgument;
import org.jmaster.api.spi.loop.StatusChannel;
import org.jmaster.api.spi.spawner.SpawnRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real children from posix_spawn: descriptors, argv, environment, cwd, group, reaping, stop. */
class PosixSpawnerTest {
    @TempDir
    Path dir;
    private Path daemons;
    private Path queue;
    private MasterSettings settings;
    private PosixSpawner spawner;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final BlockingQueue<ExitStatus> exits = new ArrayBlockingQueue<>(10);

    @BeforeEach
    void setUp() throws IOException {
        daemons = Files.createDirectories(dir.resolve("libexec"));
        queue = Files.createDirectories(dir.resolve("queue"));
        // written aside, then renamed: the test never reads a file the shell is still writing
        script("probe", "printf '%s\\n' \"$0\" \"$@\" > argv.$$.tmp\nmv argv.$$.tmp argv.$$\nexec /bin/sleep 30");
        script("fail3", "exit 3");
        settings = MasterSettings.parse(Map.of("queue_directory", queue.toString(),
                "daemon_directory", daemons.toString(), "config_directory", "/etc/probe", "stop_timeout", "1s"));
        spawner = new PosixSpawner();
    }

    @AfterEach
    void tearDown() throws Exception {
        spawner.deactivate();
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private void script(String name, String body) throws IOException {
        Path file = daemons.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** What the master hands the spawner of a service: its line, its descriptors. */
    private record Service(ServiceDefinition definition, String path, int statusFd, int[] listenFds) {
    }

    /** A service with a real listen socket on 127.0.0.1 and a real status socket pair. */
    private Service service(String line) throws IOException {
        ServiceDefinition definition = ServiceDefinition.parse(line, 100);
        ServerSocketChannel listen = ServerSocketChannel.open(StandardProtocolFamily.INET);
        listen.bind(new InetSocketAddress("127.0.0.1", 0));
        closeables.add(listen);
        Path socket = dir.resolve("status");
        Files.deleteIfExists(socket);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            SocketChannel child = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            SocketChannel master = server.accept();
            StatusChannel status = new StatusChannel(master, child, fd(child));
            closeables.add(status);
            return new Service(definition, settings.commandPath(definition.command().get(0)), status.childFd(),
                    new int[] {fd(listen)});
        }
    }

    private static int fd(Channel channel) {
        for (Class<?> c = channel.getClass(); c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (i.getName().equals("sun.nio.ch.SelChImpl")) {
                    try {
                        Method getFDVal = i.getMethod("getFDVal");
                        return (int) getFDVal.invoke(channel);
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        throw new IllegalStateException("no descriptor in " + channel);
    }

    private int spawn(Service service, long generation, StressArgument stress) throws SpawnException {
        return spawner.spawn(new SpawnRequest(service.definition(), service.path(), settings, generation, stress,
                service.statusFd(), service.listenFds()), (pid, status) -> exits.add(status));
    }

    private static String link(long pid, int fd) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/" + fd)).toString();
    }

    private static Path waitFor(Path file) throws InterruptedException {
        for (int i = 0; i < 200 && !Files.exists(file); i++) {
            Thread.sleep(10);
        }
        return file;
    }

    /** Cases 24-26: fds 0-6 and nothing else, cwd, environment, argv, own process group. */
    /** Postfix's master's umask 077, which its children inherit. */
    @Test
    void childrenHaveUmask077() throws Exception {
        int pid = spawn(service("probe unix n n n - 1 probe"), 1, StressArgument.NONE);
        String umask = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(line -> line.startsWith("Umask:")).findFirst().orElse("");
        assertEquals("Umask:\t0077", umask);
    }

    /** child_stderr: the children's standard error is appended to the file, which is made 0600, never through a link. */
    @Test
    void childStderrGoesToTheChosenFile() throws Exception {
        script("complain", "echo \"complaint from $$\" >&2\nexit 0");
        Path file = dir.resolve("children.err");
        Files.writeString(file, "before\n");
        settings = settings.with("child_stderr", MasterSettings.parse(Map.of("child_stderr", file.toString())));
        Service service = service("complain unix n n n - 1 complain");
        int first = spawn(service, 1, StressArgument.NONE);
        assertEquals(ExitStatus.exited(0), exits.poll(10, TimeUnit.SECONDS));
        int second = spawn(service, 1, StressArgument.NONE);
        assertEquals(ExitStatus.exited(0), exits.poll(10, TimeUnit.SECONDS));
        assertEquals("before\ncomplaint from " + first + "\ncomplaint from " + second + "\n", Files.readString(file));

        Path made = dir.resolve("new.err");
        settings = settings.with("child_stderr", MasterSettings.parse(Map.of("child_stderr", made.toString())));
        spawn(service("complain unix n n n - 1 complain"), 1, StressArgument.NONE);
        assertEquals(ExitStatus.exited(0), exits.poll(10, TimeUnit.SECONDS));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made)));

        // root opens it: never through a link someone planted; the children's stderr is /dev/null then
        Path target = Files.writeString(dir.resolve("target"), "");
        Path link = Files.createSymbolicLink(dir.resolve("link.err"), target);
        settings = settings.with("child_stderr", MasterSettings.parse(Map.of("child_stderr", link.toString())));
        spawn(service("complain unix n n n - 1 complain"), 1, StressArgument.NONE);
        assertEquals(ExitStatus.exited(0), exits.poll(10, TimeUnit.SECONDS));
        assertEquals("", Files.readString(target));
    }

    @Test
    void childGetsPostfixsContract() throws Exception {
        Service service = service("probe-svc inet n n n - 4 probe -x { a b }");
        int pid = spawn(service, 65, StressArgument.ON);
        List<String> argv = Files.readAllLines(waitFor(queue.resolve("argv." + pid)));
        assertEquals(List.of(daemons.resolve("probe").toString(), "-n", "probe-svc", "-t", "inet", "-o", "stress=yes",
                "-x", "a b"), argv);
        Thread.sleep(100); // the shell has exec'd sleep by now
        String[] fds = new java.io.File("/proc/" + pid + "/fd").list();
        Arrays.sort(fds);
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6"), Arrays.asList(fds));
        for (int fd = 0; fd <= 2; fd++) {
            assertEquals("/dev/null", link(pid, fd));
        }
        assertTrue(link(pid, 3).startsWith("pipe:"));
        assertEquals(link(pid, 3), link(pid, 4), "3 and 4 are the two ends of one pipe");
        assertTrue(link(pid, 5).startsWith("socket:"));
        assertTrue(link(pid, 6).startsWith("socket:"));
        assertEquals(queue.toRealPath(), Path.of("/proc/" + pid + "/cwd").toRealPath());
        List<String> environ = Arrays.asList(new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")),
                StandardCharsets.UTF_8).split("\0"));
        assertTrue(environ.contains("GENERATION=101"), environ.toString());
        assertTrue(environ.contains("MAIL_CONFIG=/etc/probe"), environ.toString());
        assertTrue(environ.contains("LANG=C"), environ.toString());
        assertTrue(environ.stream().noneMatch(e -> e.startsWith("PATH=")), environ.toString());
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertEquals(Integer.toString(pid), fields[2], "the child leads its own process group");

        spawner.signal(pid, ExitStatus.SIGTERM);
        assertEquals(ExitStatus.killed(15), exits.poll(5, TimeUnit.SECONDS));
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "reaped: no zombie left");
    }

    /** Case 29: two listen sockets are fds 6 and 7 with -s 2. */
    @Test
    void case29_twoListenSocketsAreSixAndSeven() throws Exception {
        Service one = service("two inet n n n - 4 probe");
        ServerSocketChannel second = ServerSocketChannel.open(StandardProtocolFamily.INET);
        second.bind(new InetSocketAddress("127.0.0.1", 0));
        closeables.add(second);
        Service service = new Service(one.definition(), one.path(), one.statusFd(),
                new int[] {one.listenFds()[0], fd(second)});
        int child = spawn(service, 1, StressArgument.NONE);
        List<String> argv = Files.readAllLines(waitFor(queue.resolve("argv." + child)));
        assertEquals(List.of("-n", "two", "-t", "inet", "-s", "2"), argv.subList(1, argv.size()));
        Thread.sleep(100);
        String[] fds = new java.io.File("/proc/" + child + "/fd").list();
        assertEquals(8, fds.length);
        long self = ProcessHandle.current().pid();
        assertEquals(link(self, one.listenFds()[0]), link(child, 6), "the first socket is fd 6");
        assertEquals(link(self, fd(second)), link(child, 7), "the second is fd 7");
    }

    /** The exit status reaches the handler; the JVM reaps the child by pid. */
    @Test
    void exitStatusIsReported() throws Exception {
        spawn(service("f inet n n n - 4 fail3"), 2, StressArgument.NONE);
        assertEquals(ExitStatus.exited(3), exits.poll(5, TimeUnit.SECONDS));
    }

    /** A missing program fails the spawn with its path, as Postfix's exec failure names it. */
    @Test
    void missingProgramIsAnExecFailure() throws Exception {
        Service service = service("m inet n n n - 4 nonexistent");
        SpawnException e = assertThrows(SpawnException.class, () -> spawn(service, 3, StressArgument.NONE));
        assertEquals("exec " + daemons.resolve("nonexistent") + ": No such file or directory", e.getMessage());
    }

    /** A missing queue directory is named as such. */
    @Test
    void missingQueueDirectoryIsNamed() throws Exception {
        Service service = service("m inet n n n - 4 probe");
        Files.delete(queue);
        SpawnException e = assertThrows(SpawnException.class, () -> spawn(service, 4, StressArgument.NONE));
        assertEquals("chdir " + queue + ": No such file or directory", e.getMessage());
    }

    /** A stopping spawner terminates children that do not leave on their own: none outlives it. */
    @Test
    void deactivateLeavesNoChild() throws Exception {
        int child = spawn(service("s inet n n n - 4 probe"), 5, StressArgument.NONE);
        spawner.deactivate();
        assertEquals(ExitStatus.killed(15), exits.poll(1, TimeUnit.SECONDS));
        assertFalse(Files.exists(Path.of("/proc/" + child)));
        spawner = new PosixSpawner();
    }
}
