package org.jmaster.master.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A bound unix-domain datagram socket, as syslogd's /dev/log or postlogd's public/postlog, that
 * tests read what the master sent from (the JDK has no unix datagram channels on 17).
 */
final class DatagramReceiver implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int EAGAIN = 11;

    private interface Sockets extends Library {
        Sockets INSTANCE = Native.load("c", Sockets.class);

        int socket(int domain, int type, int protocol) throws LastErrorException;

        int bind(int fd, byte[] address, int length) throws LastErrorException;

        int setsockopt(int fd, int level, int name, long[] value, int length) throws LastErrorException;

        long recv(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private final Path path;
    private final int fd;

    private DatagramReceiver(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /** Binds a socket at path (its directory made if need be) that waits at most 5 s for a datagram. */
    static DatagramReceiver bind(Path path) throws IOException {
        Files.createDirectories(path.getParent());
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer address = ByteBuffer.allocate(2 + name.length + 1).order(ByteOrder.nativeOrder());
        address.putShort((short) AF_UNIX).put(name).put((byte) 0);
        int fd = Sockets.INSTANCE.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        try {
            Sockets.INSTANCE.bind(fd, address.array(), address.capacity());
            Sockets.INSTANCE.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, new long[] {5, 0}, 16);
        } catch (LastErrorException e) {
            Sockets.INSTANCE.close(fd);
            throw new IOException("bind " + path + ": error " + e.getErrorCode(), e);
        }
        return new DatagramReceiver(path, fd);
    }

    /** The next datagram, waiting at most 5 s; null when none came. */
    byte[] receive() {
        return recv(0);
    }

    /** The next datagram if one is queued now, else null. */
    byte[] poll() {
        return recv(MSG_DONTWAIT);
    }

    /** The next datagram as text. */
    String receiveText() {
        byte[] datagram = receive();
        return datagram == null ? null : new String(datagram, StandardCharsets.UTF_8);
    }

    private byte[] recv(int flags) {
        byte[] buffer = new byte[8192];
        try {
            long length = Sockets.INSTANCE.recv(fd, buffer, buffer.length, flags);
            return Arrays.copyOf(buffer, (int) length);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EAGAIN) {
                return null;
            }
            throw e;
        }
    }

    /** Closes the socket and removes it from the file system, as a stopping server does. */
    @Override
    public void close() throws IOException {
        Sockets.INSTANCE.close(fd);
        Files.deleteIfExists(path);
    }
}
