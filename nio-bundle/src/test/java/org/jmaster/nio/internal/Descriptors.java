package org.jmaster.nio.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What the tests see of descriptors: /proc/self, and the client calls the JDK lacks (JNA). */
final class Descriptors {
    /** The test's own calls. */
    interface Client extends Library {
        Client INSTANCE = Native.load("c", Client.class);

        int socket(int domain, int type, int protocol) throws LastErrorException;

        NativeLong sendto(int fd, byte[] buffer, NativeLong length, int flags, byte[] address, int addressLength)
                throws LastErrorException;

        NativeLong recvmsg(int fd, Libc.Msghdr message, int flags) throws LastErrorException;

        NativeLong read(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    /** One data byte and one descriptor received. */
    record Received(byte data, int fd) {
    }

    private Descriptors() {
    }

    /** What /proc/self/fd/N names: "socket:[123]", "pipe:[456]", a path. */
    static String target(int fd) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
    }

    /** How many descriptors of this process name the target. */
    static long count(String target) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals(target);
                } catch (IOException e) {
                    return false; // closed meanwhile, or the listing's own descriptor
                }
            }).count();
        }
    }

    /** The open flags of a descriptor (O_RDWR, O_NONBLOCK, O_CLOEXEC ...), from /proc/self/fdinfo. */
    static int flags(int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                return Integer.parseInt(line.substring(6).trim(), 8);
            }
        }
        throw new AssertionError("no flags for fd " + fd);
    }

    /** The socket type of an AF_UNIX socket: 1 SOCK_STREAM, 2 SOCK_DGRAM (from /proc/net/unix). */
    static int unixType(int fd) throws IOException {
        String link = target(fd);
        String inode = link.substring(link.indexOf('[') + 1, link.indexOf(']'));
        List<String> lines = Files.readAllLines(Path.of("/proc/net/unix"));
        return lines.stream().map(l -> l.trim().split("\\s+")).filter(f -> f.length > 6 && f[6].equals(inode))
                .map(f -> Integer.parseInt(f[4], 16)).findFirst().orElseThrow(() -> new AssertionError(link));
    }

    /** Sends one datagram to an AF_UNIX datagram socket. */
    static void sendDatagram(Path path, byte[] data) throws IOException {
        int fd = Client.INSTANCE.socket(Libc.AF_UNIX, Libc.SOCK_DGRAM, 0);
        try {
            byte[] address = Libc.unixAddress(path.toString());
            Client.INSTANCE.sendto(fd, data, new NativeLong(data.length), 0, address, address.length);
        } finally {
            Client.INSTANCE.close(fd);
        }
    }

    /** recvmsg of one byte and the one descriptor that comes with it (SOL_SOCKET, SCM_RIGHTS). */
    static Received receiveDescriptor(int socket) {
        Memory data = new Memory(1);
        Memory iov = new Memory(Native.POINTER_SIZE + Native.SIZE_T_SIZE);
        iov.setPointer(0, data);
        setSize(iov, Native.POINTER_SIZE, 1);
        Memory control = new Memory(Libc.cmsgSpace(4));
        control.clear();
        Libc.Msghdr message = new Libc.Msghdr();
        message.msg_iov = iov;
        message.msg_iovlen = new NativeLong(1);
        message.msg_control = control;
        message.msg_controllen = new NativeLong(control.size());
        long n = Client.INSTANCE.recvmsg(socket, message, 0).longValue();
        if (n != 1) {
            throw new AssertionError("recvmsg: " + n + " bytes");
        }
        long length = Native.SIZE_T_SIZE == 8 ? control.getLong(0) : control.getInt(0);
        if (message.msg_controllen.longValue() < Libc.cmsgLength(4) || length != Libc.cmsgLength(4)
                || control.getInt(Native.SIZE_T_SIZE) != Libc.SOL_SOCKET
                || control.getInt(Native.SIZE_T_SIZE + 4) != Libc.SCM_RIGHTS) {
            throw new AssertionError("no SCM_RIGHTS descriptor received");
        }
        return new Received(data.getByte(0), control.getInt(Libc.cmsgLength(0)));
    }

    /** read(2) of up to n bytes; blocking as the descriptor is. */
    static byte[] read(int fd, int n) {
        byte[] buffer = new byte[n];
        int got = Client.INSTANCE.read(fd, buffer, new NativeLong(n)).intValue();
        return java.util.Arrays.copyOf(buffer, got);
    }

    private static void setSize(Memory memory, long offset, long value) {
        if (Native.SIZE_T_SIZE == 8) {
            memory.setLong(offset, value);
        } else {
            memory.setInt(offset, (int) value);
        }
    }
}
