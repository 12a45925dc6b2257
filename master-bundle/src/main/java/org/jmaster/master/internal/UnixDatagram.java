package org.jmaster.master.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * NAME
 *     UnixDatagram - a client of a unix-domain datagram socket that never waits (Postfix
 *     unix_dgram_connect.c; the connection of glibc's syslog(3))
 * SUMMARY
 *     UnixDatagram(path)     nothing is opened yet
 *     send(datagram)         true when the kernel took it, false when it was dropped
 *     path(), close()
 * DESCRIPTION
 *     The first send connects: socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC), connect(path). Every
 *     datagram goes with send(MSG_DONTWAIT | MSG_NOSIGNAL), so a full receive queue (a reader
 *     that is slow or gone, EAGAIN) drops the datagram at once and keeps the connection. Any other
 *     failure means the peer went away (ECONNREFUSED, ENOTCONN: syslogd or postlogd closed its
 *     socket, or bound a new one at the path): the socket is closed, connected again and the
 *     datagram sent once more, as glibc's syslog(3) does. When that fails too (no socket at the
 *     path: ENOENT; a stream socket: EPROTOTYPE), the datagram is dropped and the next send starts
 *     over. Connecting a unix datagram socket never waits.
 *
 *     Linux (x86-64, aarch64: one sockaddr_un layout, one set of constants) through JNA. Not
 *     thread-safe: the caller serializes.
 */
final class UnixDatagram implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int EAGAIN = 11;
    /** sizeof(sun_path), with its terminating NUL. */
    private static final int SUN_PATH = 108;

    private interface Sockets extends Library {
        Sockets INSTANCE = Native.load("c", Sockets.class);

        int socket(int domain, int type, int protocol) throws LastErrorException;

        int connect(int fd, byte[] address, int length) throws LastErrorException;

        long send(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private final Path path;
    /** struct sockaddr_un for path, null when the path does not fit in one. */
    private final byte[] address;
    private int fd = -1;

    UnixDatagram(Path path) {
        this.path = path;
        this.address = sockaddr(path);
    }

    /** The socket this client sends to. */
    Path path() {
        return path;
    }

    /** Sends one datagram without waiting: true when the kernel took it, false when it is dropped. */
    boolean send(byte[] datagram) {
        if (fd >= 0) {
            try {
                Sockets.INSTANCE.send(fd, datagram, datagram.length, MSG_DONTWAIT | MSG_NOSIGNAL);
                return true;
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EAGAIN) {
                    return false;
                }
                close();
            }
        }
        if (!connect()) {
            return false;
        }
        try {
            Sockets.INSTANCE.send(fd, datagram, datagram.length, MSG_DONTWAIT | MSG_NOSIGNAL);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() != EAGAIN) {
                close();
            }
            return false;
        }
    }

    private boolean connect() {
        if (address == null) {
            return false;
        }
        try {
            fd = Sockets.INSTANCE.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            Sockets.INSTANCE.connect(fd, address, address.length);
            return true;
        } catch (LastErrorException e) {
            close();
            return false;
        }
    }

    /** Closes the socket, if one is open; the next send connects again. */
    @Override
    public void close() {
        if (fd >= 0) {
            try {
                Sockets.INSTANCE.close(fd);
            } catch (LastErrorException e) {
                // the descriptor is gone either way
            }
            fd = -1;
        }
    }

    /** sa_family (host order) and the NUL-terminated path, as long as the address is used. */
    private static byte[] sockaddr(Path path) {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length >= SUN_PATH) {
            return null;
        }
        ByteBuffer address = ByteBuffer.allocate(2 + name.length + 1).order(ByteOrder.nativeOrder());
        address.putShort((short) AF_UNIX).put(name).put((byte) 0);
        return address.array();
    }
}
