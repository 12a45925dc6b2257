package org.jmaster.nio.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import org.jmaster.api.postfix.TrustCheck;
import org.jmaster.api.spi.loop.ListenSockets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Wakeup triggers against real endpoints: what the server receives, for each type. */
class TriggersTest extends LoopFixture {

    /** inet: a TCP connection that carries 'W'; a wildcard address is reached through loopback. */
    @Test
    void inetConnectsAndWritesTheRequest() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            loop.trigger(service(server.getLocalPort() + " inet n - n - 1 x"), "0.0.0.0:" + server.getLocalPort(), 1000);
            try (Socket accepted = server.accept(); InputStream in = accepted.getInputStream()) {
                assertEquals('W', in.read());
                assertEquals(-1, in.read(), "closed after the request");
            }
        }
        assertEquals(new InetSocketAddress("::1", 25), Triggers.inetAddress("[::]:25"));
        assertEquals(new InetSocketAddress("192.0.2.1", 25), Triggers.inetAddress("192.0.2.1:25"));
    }

    /** unix: a stream connection that carries 'W'. */
    @Test
    void unixConnectsAndWritesTheRequest() throws Exception {
        ListenSockets sockets = open("tick unix n - n 60 1 x");
        loop.trigger(service("tick unix n - n 60 1 x"), sockets.addresses().get(0), 1000);
        ServerSocketChannel server = (ServerSocketChannel) sockets.channels().get(0);
        server.configureBlocking(true);
        try (SocketChannel accepted = server.accept()) {
            ByteBuffer in = ByteBuffer.allocate(2);
            assertEquals(1, accepted.read(in));
            assertEquals('W', in.get(0));
            assertEquals(-1, accepted.read(in), "closed after the request");
        }
        sockets.close();
    }

    /** A unix endpoint nobody listens on: the system's words. */
    @Test
    void unixWithoutAServerFailsInTheSystemsWords() throws IOException {
        Path gone = queue.resolve("gone");
        IOException e = assertThrows(IOException.class, () -> loop.trigger(service("gone unix n - n 60 1 x"),
                gone.toString(), 1000));
        assertEquals("No such file or directory", e.getMessage());
        try (ServerSocketChannel bound = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            bound.bind(UnixDomainSocketAddress.of(gone));
        }
        IOException refused = assertThrows(IOException.class, () -> loop.trigger(service("gone unix n - n 60 1 x"),
                gone.toString(), 1000));
        assertEquals("Connection refused", refused.getMessage());
    }

    /** fifo: 'W' lands in the master's own fifo, which becomes readable. */
    @Test
    void fifoWritesTheRequest() throws Exception {
        ListenSockets sockets = open("pickup fifo n - n 60 1 pickup");
        loop.trigger(service("pickup fifo n - n 60 1 pickup"), sockets.addresses().get(0), 1000);
        ByteBuffer in = ByteBuffer.allocate(4);
        assertEquals(1, ((Pipe.SourceChannel) sockets.channels().get(0)).read(in));
        assertEquals('W', in.get(0));
        sockets.close();
    }

    /** A fifo nobody has open for reading: ENXIO, in the system's words. */
    @Test
    void fifoWithoutAReaderFails() throws Exception {
        ListenSockets sockets = open("pickup fifo n - n 60 1 pickup");
        sockets.close();
        IOException e = assertThrows(IOException.class, () -> loop.trigger(service("pickup fifo n - n 60 1 pickup"),
                sockets.addresses().get(0), 1000));
        assertEquals("No such device or address", e.getMessage());
    }

    /** A symbolic link where the fifo was is not followed (Postfix's safe_open). */
    @Test
    void fifoTriggerFollowsNoLink() throws Exception {
        ListenSockets sockets = open("pickup fifo n - n 60 1 pickup");
        ListenSockets other = open("other fifo n - n 60 1 pickup");
        Path path = Path.of(sockets.addresses().get(0));
        sockets.close();
        Files.delete(path);
        Files.createSymbolicLink(path, Path.of(other.addresses().get(0)));
        assertThrows(IOException.class, () -> loop.trigger(service("pickup fifo n - n 60 1 pickup"), path.toString(), 1000));
        ByteBuffer in = ByteBuffer.allocate(4);
        assertEquals(0, ((Pipe.SourceChannel) other.channels().get(0)).read(in), "nothing written through the link");
        other.close();
    }

    /** As root, the fifo is opened as mail_owner: a fifo only root may write is refused. */
    @Test
    void asRootTheFifoIsOpenedAsMailOwner() throws Exception {
        assumeTrue(TrustCheck.runsAsRoot(), "the master acts as mail_owner only as root");
        assumeTrue(Files.readString(Path.of("/etc/passwd")).contains("\npostfix:"), "Debian's postfix user");
        ListenSockets sockets = open("pickup fifo n - n 60 1 pickup");
        Path path = Path.of(sockets.addresses().get(0));
        loop.trigger(service("pickup fifo n - n 60 1 pickup"), path.toString(), 1000); // mail_owner's: written
        Files.setAttribute(path, "unix:uid", 0);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        IOException e = assertThrows(IOException.class, () -> loop.trigger(service("pickup fifo n - n 60 1 pickup"),
                path.toString(), 1000));
        assertEquals("Permission denied", e.getMessage(), "root could have opened it");
        ByteBuffer in = ByteBuffer.allocate(4);
        assertEquals(1, ((Pipe.SourceChannel) sockets.channels().get(0)).read(in), "only the first request");
        sockets.close();
    }

    /**
     * pass: the server receives one NUL byte with a descriptor (SCM_RIGHTS), a pipe that carries 'W'
     * and then ends: the master kept neither end.
     */
    @Test
    @Timeout(10) // a blocking read that never ends is a kept write end
    void passSendsAPipeThatCarriesTheRequest() throws Exception {
        ListenSockets sockets = open("relay pass n - n 60 1 x");
        loop.trigger(service("relay pass n - n 60 1 x"), sockets.addresses().get(0), 1000);
        ServerSocketChannel server = (ServerSocketChannel) sockets.channels().get(0);
        server.configureBlocking(true);
        try (SocketChannel accepted = server.accept()) {
            Descriptors.Received received = Descriptors.receiveDescriptor(Fds.of(accepted));
            assertEquals(0, received.data(), "one NUL byte, as unix_send_fd");
            try {
                assertTrue(Descriptors.target(received.fd()).startsWith("pipe:["), Descriptors.target(received.fd()));
                assertArrayEquals(new byte[] {'W'}, Descriptors.read(received.fd(), 16));
                assertArrayEquals(new byte[0], Descriptors.read(received.fd(), 16), "EOF: the write end is closed");
            } finally {
                Descriptors.Client.INSTANCE.close(received.fd());
            }
        }
        sockets.close();
    }

    /** unix-dgram cannot be triggered: Postfix's EOPNOTSUPP. */
    @Test
    void unixDgramIsNotSupported() throws IOException {
        ListenSockets sockets = open("postlog unix-dgram n - n 60 1 postlogd");
        IOException e = assertThrows(IOException.class, () -> loop.trigger(service("postlog unix-dgram n - n 60 1 postlogd"),
                sockets.addresses().get(0), 1000));
        assertEquals("Operation not supported", e.getMessage());
        sockets.close();
    }

    /** Never on the loop thread, where a trigger could block every service. */
    @Test
    void notOnTheLoopThread() throws Exception {
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                loop.trigger(service("postlog unix-dgram n - n 60 1 postlogd"), "/nowhere", 1000);
                failure.complete(null);
            } catch (IOException | RuntimeException e) {
                failure.complete(e);
            }
        });
        assertTrue(failure.get() instanceof IllegalStateException, String.valueOf(failure.get()));
    }
}
