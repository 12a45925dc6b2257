package org.jmaster.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jmaster.api.ExitStatus;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.StressArgument;
import org.jmaster.api.postfix.StatusRecord;
import org.jmaster.api.spi.loop.ListenSockets;
import org.jmaster.api.spi.loop.LoopEvents;
import org.jmaster.api.spi.loop.StatusChannel;
import org.jmaster.api.spi.loop.Watch;
import org.jmaster.api.spi.spawner.SpawnRequest;
import org.jmaster.nio.internal.NioEventLoop;
import org.jmaster.spawner.internal.PosixSpawner;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The master-child contract seen from the master's side, with this test as the master: the real
 * event loop and spawner, outside OSGi, and every status record a Java child writes.
 */
public class ChildContractIT {
    private Path dir;
    private MasterSettings settings;
    private NioEventLoop loop;
    private PosixSpawner spawner;
    private final BlockingQueue<Object> records = new LinkedBlockingQueue<>();
    private final BlockingQueue<ExitStatus> exits = new LinkedBlockingQueue<>();

    @Before
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("jmaster-contract-");
        Path daemons = Files.createDirectories(dir.resolve("libexec"));
        Path echo = daemons.resolve("echo");
        Files.writeString(echo, "#!/bin/sh\nexec " + System.getProperty("java.home") + "/bin/java -Xrs -XX:+DisableAttachMechanism -XX:+UseSerialGC"
                + " -XX:TieredStopAtLevel=1 -cp " + System.getProperty("jmaster.child.jar") + ":"
                + System.getProperty("jmaster.jna.jar") + " org.jmaster.child.echo.EchoServer \"$@\"\n");
        Files.setPosixFilePermissions(echo, PosixFilePermissions.fromString("rwxr-xr-x"));
        settings = MasterSettings.parse(Map.of("queue_directory", dir.resolve("queue").toString(),
                "daemon_directory", daemons.toString(), "stop_timeout", "2s"));
        Files.createDirectories(settings.queueDirectory());
        loop = new NioEventLoop();
        spawner = new PosixSpawner();
    }

    @After
    public void tearDown() throws Exception {
        spawner.deactivate();
        loop.deactivate();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** What this test, as the master, keeps of its one service. */
    private record Service(ServiceDefinition definition, ListenSockets sockets, StatusChannel status, Watch watch) {
    }

    private Service start(String options, int port) throws Exception {
        ServiceDefinition definition = ServiceDefinition.parse("127.0.0.1:" + port + " inet n - n - 4 echo" + options, 100);
        ListenSockets sockets = loop.open(definition, settings, 100);
        StatusChannel status = loop.openStatusChannel();
        Watch watch = loop.watch(sockets, status, new LoopEvents() {
            @Override
            public void listenReady() {
            }

            @Override
            public void statusRecord(StatusRecord record) {
                records.add(record);
            }

            @Override
            public void partialStatus(byte[] bytes, int length) {
                records.add("partial " + length);
            }

            @Override
            public void statusFailure(String message) {
                records.add(message);
            }
        });
        return new Service(definition, sockets, status, watch);
    }

    private int spawn(Service service, long generation) throws Exception {
        return spawner.spawn(new SpawnRequest(service.definition(), settings.commandPath("echo"), settings, generation,
                StressArgument.NONE, service.status().childFd(), service.sockets().fds()), (pid, status) -> exits.add(status));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String echo(int port, String line) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }

    /** Cases 51 and 52: no record at start; TAKEN then AVAIL per session; max_use=2 exits 0 after two AVAILs. */
    @Test
    public void case51and52_takenThenAvailPerSessionAndNothingAtStart() throws Exception {
        int port = freePort();
        Service service = start(" -o max_use=2", port);
        int pid = spawn(service, 65);
        assertNull("no record at start-up", records.poll(1500, TimeUnit.MILLISECONDS));
        for (String line : new String[] {"one", "two"}) {
            assertEquals(line, echo(port, line));
            assertEquals(new StatusRecord(pid, 65, StatusRecord.TAKEN), records.poll(5, TimeUnit.SECONDS));
            assertEquals(new StatusRecord(pid, 65, StatusRecord.AVAIL), records.poll(5, TimeUnit.SECONDS));
        }
        assertEquals(ExitStatus.exited(0), exits.poll(5, TimeUnit.SECONDS));
        assertNull(records.poll(200, TimeUnit.MILLISECONDS));
        ((ServerSocketChannel) service.sockets().channels().get(0)).close();
        service.status().close();
    }

    /** Case 50: closing the status channel while the child is idle makes it exit 0 well within a second. */
    @Test
    public void case50_idleChildExitsWhenTheStatusChannelCloses() throws Exception {
        int port = freePort();
        Service service = start("", port);
        spawn(service, 7);
        assertEquals("warm", echo(port, "warm"));
        records.poll(5, TimeUnit.SECONDS);
        records.poll(5, TimeUnit.SECONDS);
        long closedAt = System.nanoTime();
        service.watch().cancel();
        service.status().close();
        assertEquals(ExitStatus.exited(0), exits.poll(5, TimeUnit.SECONDS));
        long millis = (System.nanoTime() - closedAt) / 1_000_000;
        assertTrue("exited after " + millis + " ms", millis < 1000);
        service.sockets().close();
    }

    /** Case 53: max_idle=1 and no client: the child exits 0 after about a second, no record. */
    @Test
    public void case53_unusedChildExitsAfterMaxIdle() throws Exception {
        Service service = start(" -o max_idle=1", freePort());
        long started = System.nanoTime();
        spawn(service, 8);
        assertEquals(ExitStatus.exited(0), exits.poll(10, TimeUnit.SECONDS));
        assertTrue((System.nanoTime() - started) / 1_000_000 >= 1000);
        assertNull(records.poll(100, TimeUnit.MILLISECONDS));
        service.sockets().close();
        service.status().close();
    }

    /** Case 54 for the Java runtime: a bad option is fatal: exit 1 after about a second, no record. */
    @Test
    public void case54_badOptionExitsOneWithoutARecord() throws Exception {
        Service service = start(" -Q", freePort());
        long started = System.nanoTime();
        spawn(service, 9);
        assertEquals(ExitStatus.exited(1), exits.poll(10, TimeUnit.SECONDS));
        assertTrue((System.nanoTime() - started) / 1_000_000 >= 1000);
        assertNull(records.poll(100, TimeUnit.MILLISECONDS));
        service.sockets().close();
        service.status().close();
    }
}
