package org.jmaster.nio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.postfix.StatusRecord;
import org.jmaster.api.postfix.TrustCheck;
import org.jmaster.api.spi.loop.ListenSockets;
import org.jmaster.api.spi.loop.LoopEvents;
import org.jmaster.api.spi.loop.StatusChannel;
import org.jmaster.api.spi.loop.Watch;
import org.junit.jupiter.api.Test;

/** unix-dgram and fifo endpoints, real ones: what they are, their modes, readiness, one descriptor each. */
class LocalEndpointsTest extends LoopFixture {
    private static final int O_ACCMODE = 3;
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    /** Watches the sockets, listening, and reports readiness as "ready". */
    private Watch watch(ListenSockets sockets) throws IOException {
        StatusChannel status = loop.openStatusChannel();
        Watch watch = loop.watch(sockets, status, new LoopEvents() {
            @Override
            public void listenReady() {
                events.add("ready");
            }

            @Override
            public void statusRecord(StatusRecord record) {
            }

            @Override
            public void partialStatus(byte[] bytes, int length) {
            }

            @Override
            public void statusFailure(String message) {
            }
        });
        return watch;
    }

    /** Closes an endpoint and leaves a plain file in its place, as a crashed master may leave cruft. */
    private static void stale(ListenSockets sockets) throws IOException {
        sockets.close();
        Path path = Path.of(sockets.addresses().get(0));
        Files.delete(path);
        Files.writeString(path, "stale");
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    /** An AF_UNIX datagram socket at public/NAME, 0666, non-blocking, close-on-exec, local-only. */
    @Test
    void unixDgramIsADatagramSocketAtItsPath() throws IOException {
        Path path = queue.resolve("public/postlog");
        stale(open("postlog unix-dgram n - n - 1 postlogd"));
        ListenSockets sockets = open("postlog unix-dgram n - n - 1 postlogd");
        assertEquals(List.of(path.toString()), sockets.addresses());
        assertEquals(List.of(path.toString()), Endpoints.addresses(ServiceDefinition.parse(
                "postlog unix-dgram n - n - 1 postlogd", 100), settings));
        assertTrue(sockets.isLocalOnly());
        assertEquals("rw-rw-rw-", mode(path));
        assertEquals(Boolean.TRUE, Files.readAttributes(path, "isOther").get("isOther"), "a socket, the stale file gone");
        int fd = sockets.fds()[0];
        assertEquals(fd, Fds.of(sockets.channels().get(0)));
        assertEquals(2, Descriptors.unixType(fd), "SOCK_DGRAM");
        int flags = Descriptors.flags(fd);
        assertEquals(Libc.O_NONBLOCK, flags & Libc.O_NONBLOCK, "non-blocking");
        assertEquals(Libc.O_CLOEXEC, flags & Libc.O_CLOEXEC, "close-on-exec");
        assertFalse(sockets.channels().get(0).isBlocking());
        assertEquals(SelectionKey.OP_READ, sockets.channels().get(0).validOps());
        String socket = Descriptors.target(fd);
        assertEquals(1, Descriptors.count(socket), "one descriptor for the socket: the one made by socket() is closed");
        sockets.close();
        assertEquals(0, Descriptors.count(socket), "closing the channel closes the socket");
    }

    /** A datagram makes the endpoint ready while the master listens, and not otherwise; the master reads nothing. */
    @Test
    void unixDgramIsReadyWhenADatagramWaits() throws Exception {
        ListenSockets sockets = open("postlog unix-dgram n - n - 1 postlogd");
        Watch watch = watch(sockets);
        Descriptors.sendDatagram(Path.of(sockets.addresses().get(0)), "hello".getBytes());
        assertNull(events.poll(200, TimeUnit.MILLISECONDS), "not listening yet");
        watch.setListening(true);
        assertEquals("ready", events.poll(2, TimeUnit.SECONDS));
        watch.setListening(false);
        Thread.sleep(100);
        events.clear();
        assertNull(events.poll(200, TimeUnit.MILLISECONDS));
        ByteBuffer datagram = ByteBuffer.allocate(16);
        assertEquals(5, ((ReadableByteChannel) sockets.channels().get(0)).read(datagram), "still there for the child");
        watch.cancel();
        sockets.close();
    }

    /** A named pipe at private/NAME, 0622, open read-write, non-blocking, close-on-exec, local-only. */
    @Test
    void fifoIsANamedPipeOpenReadWrite() throws IOException {
        Path path = queue.resolve("private/pickup");
        stale(open("pickup fifo - - n 60 1 pickup"));
        ListenSockets sockets = open("pickup fifo - - n 60 1 pickup");
        assertEquals(List.of(path.toString()), sockets.addresses());
        assertTrue(sockets.isLocalOnly());
        assertEquals("rw--w--w-", mode(path));
        int type = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000;
        assertEquals(0010000, type, "S_IFIFO, the stale file gone");
        int fd = sockets.fds()[0];
        assertEquals(path.toString(), Descriptors.target(fd));
        int flags = Descriptors.flags(fd);
        assertEquals(Libc.O_RDWR, flags & O_ACCMODE, "read-write: never EOF");
        assertEquals(Libc.O_NONBLOCK, flags & Libc.O_NONBLOCK);
        assertEquals(Libc.O_CLOEXEC, flags & Libc.O_CLOEXEC);
        assertEquals(1, Descriptors.count(path.toString()), "one descriptor for the fifo");
        sockets.close();
        assertEquals(0, Descriptors.count(path.toString()));
    }

    /** A write into the fifo makes it ready; closing the watched channel closes the fifo after deregistration. */
    @Test
    void fifoIsReadyAfterAWrite() throws Exception {
        ListenSockets sockets = open("pickup fifo n - n 60 1 pickup");
        Path path = Path.of(sockets.addresses().get(0));
        Watch watch = watch(sockets);
        watch.setListening(true);
        assertNull(events.poll(200, TimeUnit.MILLISECONDS), "nothing written yet");
        try (OutputStream out = Files.newOutputStream(path)) {
            out.write('W');
        }
        assertEquals("ready", events.poll(2, TimeUnit.SECONDS));
        sockets.close(); // still registered: the selector closes it when it lets go
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (Descriptors.count(path.toString()) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, Descriptors.count(path.toString()));
    }

    /** A path too long for sockaddr_un is refused by name, and nothing is left open. */
    @Test
    void aNameTooLongIsRefused() {
        String name = "x".repeat(120);
        IOException e = assertThrows(IOException.class, () -> open(name + " unix-dgram n - n - 1 postlogd"));
        assertTrue(e.getMessage().startsWith("bind " + queue.resolve("public/" + name) + ": unix-domain name too long"),
                e.getMessage());
    }

    /** As root, both are mail_owner's, as the unix sockets are (Postfix's set_eugid). */
    @Test
    void asRootTheyAreMailOwners() throws IOException {
        assumeTrue(TrustCheck.runsAsRoot(), "the master acts as mail_owner only as root");
        assumeTrue(Files.readString(Path.of("/etc/passwd")).contains("\npostfix:"), "Debian's postfix user");
        ListenSockets dgram = open("postlog unix-dgram n - n - 1 postlogd");
        ListenSockets fifo = open("pickup fifo n - n 60 1 pickup");
        Object postfix = Files.getAttribute(queue.resolve("public"), "unix:uid");
        assertTrue((Integer) postfix != 0);
        assertEquals(postfix, Files.getAttribute(queue.resolve("public/postlog"), "unix:uid", LinkOption.NOFOLLOW_LINKS));
        assertEquals(postfix, Files.getAttribute(queue.resolve("public/pickup"), "unix:uid", LinkOption.NOFOLLOW_LINKS));
        dgram.close();
        fifo.close();
    }
}
