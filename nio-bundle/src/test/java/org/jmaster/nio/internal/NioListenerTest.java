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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jmaster.api.ListenSockets;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.ServiceRuntime;
import org.jmaster.api.StatusRecord;
import org.jmaster.api.spi.ListenerEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listener against real sockets on loopback: endpoints, readiness, status records, timers. */
class NioListenerTest {
    @TempDir
    Path queue;
    private NioListener listener;
    private MasterSettings settings;
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final ListenerEvents recorder = new ListenerEvents() {
        @Override
        public void listenReady(ServiceRuntime service) {
            events.add("ready " + service.name());
        }

        @Override
        public void statusRecord(ServiceRuntime service, StatusRecord record) {
            events.add("record " + record.pid() + " " + record.generation() + " " + record.status());
        }

        @Override
        public void partialStatus(ServiceRuntime service, byte[] bytes, int length) {
            events.add("partial " + length);
        }

        @Override
        public void statusFailure(ServiceRuntime service, String message) {
            events.add("failure " + message);
        }
    };

    @BeforeEach
    void setUp() throws IOException {
        listener = new NioListener();
        settings = MasterSettings.parse(Map.of("queue_directory", queue.toString(), "inet_interfaces", "loopback-only"));
    }

    @AfterEach
    void tearDown() throws Exception {
        listener.deactivate();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private ServiceRuntime open(String line) throws IOException {
        ServiceDefinition definition = ServiceDefinition.parse(line, 100);
        ServiceRuntime service = new ServiceRuntime(listener.endpointName(definition, settings), definition, "/bin/true");
        service.setListenSockets(listener.open(definition, settings, 100));
        service.setStatusChannel(listener.openStatusChannel());
        return service;
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
        ServiceRuntime service = open(port + " inet n - n - 2 x");
        ListenSockets sockets = service.listenSockets();
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
        ListenSockets first = listener.open(definition, settings, 100);
        listener.keep(first, 60_000);
        try (java.net.Socket client = new java.net.Socket("127.0.0.1", port)) {
            ListenSockets back = listener.open(definition, settings, 100);
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
        ListenSockets narrow = listener.open(ServiceDefinition.parse("127.0.0.1:" + port + " inet n - n - 2 x", 100),
                settings, 100);
        ListenSockets other = listener.open(ServiceDefinition.parse("127.0.0.1:" + freePort() + " inet n - n - 2 x", 100),
                settings, 100);
        listener.keep(narrow, 60_000);
        listener.keep(other, 60_000);
        ListenSockets wide = listener.open(ServiceDefinition.parse(port + " inet n - n - 2 x", 100), settings, 100);
        assertEquals("127.0.0.1:" + port, wide.addresses().get(0));
        assertFalse(narrow.channels().get(0).isOpen(), "the kept socket on that port gave way");
        assertTrue(other.channels().get(0).isOpen(), "the other kept socket stays");
        wide.close();
    }

    /** Sockets nobody takes back are closed when their time is up, or when the listener stops. */
    @Test
    void keptSocketsAreClosedInTheEnd() throws Exception {
        ServiceDefinition a = ServiceDefinition.parse("127.0.0.1:" + freePort() + " inet n - n - 2 x", 100);
        ServiceDefinition b = ServiceDefinition.parse("127.0.0.1:" + freePort() + " inet n - n - 2 x", 100);
        ListenSockets soon = listener.open(a, settings, 100);
        ListenSockets late = listener.open(b, settings, 100);
        listener.keep(soon, 50);
        listener.keep(late, 60_000);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (soon.channels().get(0).isOpen() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(soon.channels().get(0).isOpen(), "closed after its time");
        assertTrue(late.channels().get(0).isOpen());
        listener.deactivate();
        assertFalse(late.channels().get(0).isOpen(), "closed with the listener");
        listener = new NioListener();
        ListenSockets again = listener.open(a, settings, 100);
        assertNotSame(soon, again, "a new socket on the freed address");
        again.close();
    }

    @Test
    void bindFailureNamesTheAddress() throws IOException {
        try (ServerSocketChannel taken = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
            IOException e = assertThrows(IOException.class, () -> open("127.0.0.1:" + port + " inet n - n - 2 x"));
            assertTrue(e.getMessage().startsWith("bind 127.0.0.1:" + port + ": "), e.getMessage());
        }
    }

    @Test
    void unixSocketAndDirectoriesHaveTheirModes() throws IOException {
        ServiceRuntime priv = open("foo unix - n n - 2 x");
        ServiceRuntime pub = open("bar unix n n n - 2 x");
        assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(queue.resolve("private/foo"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(queue.resolve("private"))));
        assertEquals("rwx--x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(queue.resolve("public"))));
        assertTrue(Files.isDirectory(queue.resolve("pid")));
        assertTrue(priv.listenSockets().isLocalOnly());
        assertFalse(open("baz pass n n n - 2 x").listenSockets().isLocalOnly(), "pass clients come from anywhere");
        pub.listenSockets().close();
        priv.listenSockets().close();
        ServiceRuntime again = open("foo unix - n n - 2 x");
        assertTrue(Files.exists(queue.resolve("private/foo")), "a stale socket file is replaced");
        again.listenSockets().close();
    }

    @Test
    void unsupportedTypesAreRefusedByName() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> open("postlog unix-dgram n - n - 1 postlogd"));
        assertEquals("service postlog: type unix-dgram is not supported yet (inet, unix and pass are)", e.getMessage());
    }

    /** A waiting client is reported only while listening is enabled; the master never accepts. */
    @Test
    void readinessOnlyWhileListening() throws Exception {
        ServiceRuntime service = open("127.0.0.1:" + freePort() + " inet n - n - 2 x");
        listener.watch(service, recorder);
        int port = ((InetSocketAddress) ((ServerSocketChannel) service.listenSockets().channels().get(0))
                .getLocalAddress()).getPort();
        try (Socket client = new Socket("127.0.0.1", port)) {
            assertNull(events.poll(200, TimeUnit.MILLISECONDS), "not listening yet");
            listener.setListening(service, true);
            assertEquals("ready " + service.name(), events.poll(2, TimeUnit.SECONDS));
            listener.setListening(service, false);
            java.util.concurrent.CountDownLatch dispatched = new java.util.concurrent.CountDownLatch(1);
            listener.execute(dispatched::countDown); // a readiness selected before the change is reported first
            assertTrue(dispatched.await(2, TimeUnit.SECONDS));
            events.clear();
            assertNull(events.poll(200, TimeUnit.MILLISECONDS));
        }
        service.listenSockets().close();
    }

    /** Whole records in order, then the trailing fragment as a partial update. */
    @Test
    void statusRecordsAndFragments() throws Exception {
        ServiceRuntime service = open("s unix - n n - 2 x");
        listener.watch(service, recorder);
        SocketChannel child = service.statusChannel().childEnd();
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
        service.statusChannel().close();
        service.listenSockets().close();
    }

    /** A replaced status channel is watched; the old one is no longer read, even while still open. */
    @Test
    void restartWatchesTheNewChannel() throws Exception {
        ServiceRuntime service = open("r unix - n n - 2 x");
        listener.watch(service, recorder);
        var old = service.statusChannel();
        service.setStatusChannel(listener.openStatusChannel());
        listener.watch(service, recorder);
        old.childEnd().write(ByteBuffer.wrap(new StatusRecord(4, 1, 1).toBytes()));
        service.statusChannel().childEnd().write(ByteBuffer.wrap(new StatusRecord(5, 1, 1).toBytes()));
        assertEquals("record 5 1 1", events.poll(2, TimeUnit.SECONDS));
        assertNull(events.poll(300, TimeUnit.MILLISECONDS), "nothing read from the old channel");
        old.close();
        assertNull(events.poll(200, TimeUnit.MILLISECONDS), "no failure reported for the closed channel");
    }

    /** Unwatching and watching again at once (a policy swap) works: the cancelled keys are flushed. */
    @Test
    void watchRightAfterUnwatch() throws Exception {
        ServiceRuntime service = open("w unix - n n - 2 x");
        listener.watch(service, recorder);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        listener.execute(() -> {
            listener.unwatch(service);
            listener.watch(service, recorder);
            done.countDown();
        });
        assertTrue(done.await(2, TimeUnit.SECONDS));
        service.statusChannel().childEnd().write(ByteBuffer.wrap(new StatusRecord(6, 1, 0).toBytes()));
        assertEquals("record 6 1 0", events.poll(2, TimeUnit.SECONDS));
    }

    @Test
    void timersRunInOrderAndCanBeCancelled() throws Exception {
        listener.execute(() -> {
            listener.schedule(60, () -> events.add("b"));
            listener.schedule(30, () -> events.add("a"));
            listener.schedule(40, () -> events.add("never")).cancel();
        });
        assertEquals("a", events.poll(2, TimeUnit.SECONDS));
        assertEquals("b", events.poll(2, TimeUnit.SECONDS));
        assertNull(events.poll(100, TimeUnit.MILLISECONDS));
    }

    /** The pair is two connected AF_UNIX stream sockets; the children's end is blocking. */
    @Test
    void statusPairIsAConnectedUnixStreamPair() throws Exception {
        var pair = listener.openStatusChannel();
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
