package org.jmaster.nio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.postfix.StatusRecord;
import org.jmaster.api.spi.loop.ListenSockets;
import org.jmaster.api.spi.loop.LoopEvents;
import org.jmaster.api.spi.loop.StatusChannel;
import org.jmaster.api.spi.loop.Watch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event loop against real sockets on loopback: endpoints, readiness, status records, timers. */
class NioEventLoopTest {
    @TempDir
    Path queue;
    private NioEventLoop loop;
    private MasterSettings settings;
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    /** What the master keeps of a service: its definition and channels. */
    private static final class Service {
        final ServiceDefinition definition;
        final ListenSockets sockets;
        StatusChannel status;

        Service(ServiceDefinition definition, ListenSockets sockets, StatusChannel status) {
            this.definition = definition;
            this.sockets = sockets;
            this.status = status;
        }
    }

    /** Records what the loop reports of one service. */
    private LoopEvents recorder(Service service) {
        return new LoopEvents() {
            @Override
            public void listenReady() {
                events.add("ready " + service.definition.name());
            }

            @Override
            public void statusRecord(StatusRecord record) {
                events.add("record " + record.pid() + " " + record.generation() + " " + record.status());
            }

            @Override
            public void partialStatus(byte[] bytes, int length) {
                events.add("partial " + length);
            }

            @Override
            public void statusFailure(String message) {
                events.add("failure " + message);
            }
        };
    }

    private Watch watch(Service service) {
        return loop.watch(service.sockets, service.status, recorder(service));
    }

    @BeforeEach
    void setUp() throws IOException {
        Files.setPosixFilePermissions(queue, PosixFilePermissions.fromString("rwxr-xr-x")); // as root: mail_owner reaches it
        loop = new NioEventLoop();
        settings = MasterSettings.parse(Map.of("queue_directory", queue.toString(), "inet_interfaces", "loopback-only"));
    }

    @AfterEach
    void tearDown() throws Exception {
        loop.deactivate();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Service open(String line) throws IOException {
        ServiceDefinition definition = ServiceDefinition.parse(line, 100);
        return new Service(definition, loop.open(definition, settings, 100), loop.openStatusChannel());
    }

    @Test
    void canonicalNamesAreThoseOfPostfix() {
        assertEquals("25", Endpoints.name(ServiceDefinition.parse("smtp inet n - - - - smtpd", 100), settings));
        assertEquals("25", Endpoints.name(ServiceDefinition.parse("25 inet n - - - - smtpd", 100), settings));
        assertEquals("[127.0.0.1]:10025",
                Endpoints.name(ServiceDefinition.parse("127.0.0.1:10025 inet n - - - - smtpd", 100), settings));
        assertEquals("[::1]:25", Endpoints.name(ServiceDefinition.parse("[::1]:smtp inet n - - - - smtpd", 100), settings));
        assertEquals("private/cleanup", Endpoints.name(ServiceDefinition.parse("cleanup unix - - - - - c", 100), settings));
        assertEquals("public/pickup", Endpoints.name(ServiceDefinition.parse("pickup unix n - - - - c", 100), settings));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Endpoints.name(ServiceDefinition.parse("nosuchport inet n - - - - c", 100), settings));
        assertEquals("field \"service\": unknown port name: \"nosuchport\" in \"nosuchport\"", e.getMessage());
    }

    /** loopback-only with both protocols: 127.0.0.1 and [::1] on one port (IPV6_V6ONLY), local-only. */
    @Test
    void inetListensOnEveryAddressInOrder() throws IOException {
        int port = freePort();
        Service service = open(port + " inet n - n - 2 x");
        ListenSockets sockets = service.sockets;
        assertTrue(sockets.isLocalOnly());
        if (Files.exists(Path.of("/proc/net/if_inet6"))) {
            assertEquals(List.of("127.0.0.1:" + port, "[::1]:" + port), sockets.addresses());
        } else {
            assertEquals(List.of("127.0.0.1:" + port), sockets.addresses());
        }
        for (var channel : sockets.channels()) {
            assertFalse(channel.isBlocking());
        }
        sockets.close();
    }

    /** A departing master's sockets wait for the next one: a client queued meanwhile is accepted from them. */
    @Test
    void keptSocketsAreTakenBackWithTheirBacklog() throws Exception {
        int port = freePort();
        ServiceDefinition definition = ServiceDefinition.parse("127.0.0.1:" + port + " inet n - n - 2 x", 100);
        ListenSockets first = loop.open(definition, settings, 100);
        loop.keep(first, 60_000);
        try (java.net.Socket client = new java.net.Socket("127.0.0.1", port)) {
            ListenSockets back = loop.open(definition, settings, 100);
            assertSame(first, back);
            ServerSocketChannel channel = (ServerSocketChannel) back.channels().get(0);
            channel.configureBlocking(true);
            try (var accepted = channel.accept()) {
                assertEquals(client.getLocalPort(), ((InetSocketAddress) accepted.getRemoteAddress()).getPort());
            }
        }
        first.close();
    }

    /** A new endpoint on a kept socket's port closes that kept socket, and no other. */
    @Test
    void aNewEndpointOnAKeptPortReplacesOnlyThatSocket() throws Exception {
        int port = freePort();
        ListenSockets narrow = loop.open(ServiceDefinition.parse("127.0.0.1:" + port + " inet n - n - 2 x", 100),
                settings, 100);
        ListenSockets other = loop.open(ServiceDefinition.parse("127.0.0.1:" + freePort() + " inet n - n - 2 x", 100),
                settings, 100);
        loop.keep(narrow, 60_000);
        loop.keep(other, 60_000);
        ListenSockets wide = loop.open(ServiceDefinition.parse(port + " inet n - n - 2 x", 100), settings, 100);
        assertEquals("127.0.0.1:" + port, wide.addresses().get(0));
        assertFalse(narrow.channels().get(0).isOpen(), "the kept socket on that port gave way");
        assertTrue(other.channels().get(0).isOpen(), "the other kept socket stays");
        wide.close();
    }

    /** Sockets nobody takes back are closed when their time is up, or when the loop stops. */
    @Test
    void keptSocketsAreClosedInTheEnd() throws Exception {
        ServiceDefinition a = ServiceDefinition.parse("127.0.0.1:" + freePort() + " inet n - n - 2 x", 100);
        ServiceDefinition b = ServiceDefinition.parse("127.0.0.1:" + freePort() + " inet n - n - 2 x", 100);
        ListenSockets soon = loop.open(a, settings, 100);
        ListenSockets late = loop.open(b, settings, 100);
        loop.keep(soon, 50);
        loop.keep(late, 60_000);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (soon.channels().get(0).isOpen() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(soon.channels().get(0).isOpen(), "closed after its time");
        assertTrue(late.channels().get(0).isOpen());
        loop.deactivate();
        assertFalse(late.channels().get(0).isOpen(), "closed with the loop");
        loop = new NioEventLoop();
        ListenSockets again = loop.open(a, settings, 100);
        assertNotSame(soon, again, "a new socket on the freed address");
        again.close();
    }

    @Test
    void bindFailureNamesTheAddress() throws IOException {
        try (ServerSocketChannel taken = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
            IOException e = assertThrows(IOException.class, () -> open("127.0.0.1:" + port + " inet n - n - 2 x"));
            assertEquals("bind 127.0.0.1 port " + port + ": Address already in use", e.getMessage());
        }
    }

    @Test
    void unixSocketAndDirectoriesHaveTheirModes() throws IOException {
        Service priv = open("foo unix - n n - 2 x");
        Service pub = open("bar unix n n n - 2 x");
        assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(queue.resolve("private/foo"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(queue.resolve("private"))));
        assertEquals("rwx--x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(queue.resolve("public"))));
        assertTrue(Files.isDirectory(queue.resolve("pid")));
        assertTrue(priv.sockets.isLocalOnly());
        assertFalse(open("baz pass n n n - 2 x").sockets.isLocalOnly(), "pass clients come from anywhere");
        pub.sockets.close();
        priv.sockets.close();
        Service again = open("foo unix - n n - 2 x");
        assertTrue(Files.exists(queue.resolve("private/foo")), "a stale socket file is replaced");
        again.sockets.close();
    }

    /** A waiting client is reported only while listening is enabled; the master never accepts. */
    @Test
    void readinessOnlyWhileListening() throws Exception {
        Service service = open("127.0.0.1:" + freePort() + " inet n - n - 2 x");
        Watch watch = watch(service);
        int port = ((InetSocketAddress) ((ServerSocketChannel) service.sockets.channels().get(0))
                .getLocalAddress()).getPort();
        try (Socket client = new Socket("127.0.0.1", port)) {
            assertNull(events.poll(200, TimeUnit.MILLISECONDS), "not listening yet");
            watch.setListening(true);
            assertEquals("ready " + service.definition.name(), events.poll(2, TimeUnit.SECONDS));
            watch.setListening(false);
            CountDownLatch dispatched = new CountDownLatch(1);
            loop.execute(dispatched::countDown); // a readiness selected before the change is reported first
            assertTrue(dispatched.await(2, TimeUnit.SECONDS));
            events.clear();
            assertNull(events.poll(200, TimeUnit.MILLISECONDS));
        }
        service.sockets.close();
    }

    /** Whole records in order, then the trailing fragment as a partial update. */
    @Test
    void statusRecordsAndFragments() throws Exception {
        Service service = open("s unix - n n - 2 x");
        watch(service);
        SocketChannel child = service.status.childEnd();
        child.write(ByteBuffer.wrap(new StatusRecord(42, 7, StatusRecord.TAKEN).toBytes()));
        assertEquals("record 42 7 0", events.poll(2, TimeUnit.SECONDS));
        ByteBuffer two = ByteBuffer.allocate(29);
        new StatusRecord(42, 7, StatusRecord.AVAIL).encode(two);
        new StatusRecord(43, 8, StatusRecord.TAKEN).encode(two);
        two.put(new byte[5]).flip();
        child.write(two);
        assertEquals("record 42 7 1", events.poll(2, TimeUnit.SECONDS));
        assertEquals("record 43 8 0", events.poll(2, TimeUnit.SECONDS));
        assertEquals("partial 5", events.poll(2, TimeUnit.SECONDS));
        service.status.close();
        service.sockets.close();
    }

    /** A replaced status channel is watched; the old one is no longer read, even while still open. */
    @Test
    void restartWatchesTheNewChannel() throws Exception {
        Service service = open("r unix - n n - 2 x");
        Watch watch = watch(service);
        var old = service.status;
        service.status = loop.openStatusChannel();
        CountDownLatch switched = new CountDownLatch(1);
        loop.execute(() -> {
            watch.statusChannel(service.status);
            switched.countDown();
        });
        assertTrue(switched.await(2, TimeUnit.SECONDS), "the loop switched the watch to the new channel");
        old.childEnd().write(ByteBuffer.wrap(new StatusRecord(4, 1, 1).toBytes()));
        service.status.childEnd().write(ByteBuffer.wrap(new StatusRecord(5, 1, 1).toBytes()));
        assertEquals("record 5 1 1", events.poll(2, TimeUnit.SECONDS));
        assertNull(events.poll(300, TimeUnit.MILLISECONDS), "nothing read from the old channel");
        old.close();
        assertNull(events.poll(200, TimeUnit.MILLISECONDS), "no failure reported for the closed channel");
    }

    /** Unwatching and watching again at once (a policy swap) works: the cancelled keys are flushed. */
    @Test
    void watchRightAfterUnwatch() throws Exception {
        Service service = open("w unix - n n - 2 x");
        Watch first = watch(service);
        CountDownLatch done = new CountDownLatch(1);
        loop.execute(() -> {
            first.cancel();
            watch(service);
            done.countDown();
        });
        assertTrue(done.await(2, TimeUnit.SECONDS));
        service.status.childEnd().write(ByteBuffer.wrap(new StatusRecord(6, 1, 0).toBytes()));
        assertEquals("record 6 1 0", events.poll(2, TimeUnit.SECONDS));
    }

    @Test
    void timersRunInOrderAndCanBeCancelled() throws Exception {
        loop.execute(() -> {
            loop.schedule(60, () -> events.add("b"));
            loop.schedule(30, () -> events.add("a"));
            loop.schedule(40, () -> events.add("never")).cancel();
        });
        assertEquals("a", events.poll(2, TimeUnit.SECONDS));
        assertEquals("b", events.poll(2, TimeUnit.SECONDS));
        assertNull(events.poll(100, TimeUnit.MILLISECONDS));
    }

    /** The pair is two connected AF_UNIX stream sockets; the children's end is blocking. */
    @Test
    void statusPairIsAConnectedUnixStreamPair() throws Exception {
        var pair = loop.openStatusChannel();
        pair.childEnd().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        ByteBuffer in = ByteBuffer.allocate(3);
        long deadline = System.currentTimeMillis() + 2000;
        while (in.hasRemaining() && System.currentTimeMillis() < deadline) {
            pair.masterEnd().read(in);
        }
        assertFalse(in.hasRemaining());
        assertTrue(pair.childEnd().getRemoteAddress() instanceof UnixDomainSocketAddress);
        assertTrue(pair.childEnd().isBlocking());
        assertFalse(pair.masterEnd().isBlocking());
        String link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + pair.childFd())).toString();
        String inode = link.substring(link.indexOf('[') + 1, link.indexOf(']'));
        String type = Files.readAllLines(Path.of("/proc/net/unix")).stream().map(l -> l.trim().split("\\s+"))
                .filter(f -> f.length > 6 && f[6].equals(inode)).map(f -> f[4]).findFirst().orElse("none");
        assertEquals("0001", type, "SOCK_STREAM");
        pair.close();
    }
}
