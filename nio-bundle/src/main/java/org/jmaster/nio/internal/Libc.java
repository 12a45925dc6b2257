package org.jmaster.nio.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * NAME
 *     Libc - the system calls the JDK has no channel for (unix-dgram, fifo, descriptor passing)
 * SYNOPSIS
 *     Libc.C.socket, bind, mkfifo, open, fchmod, read, write, dup3, close, sendmsg
 *     IOException error(what, e)           "what: " and the system's words for errno
 *     String words(e)                      the system's words alone
 *     closeQuietly(fd)
 *     byte[] unixAddress(path)             struct sockaddr_un
 *     Msghdr rights(data, fd)              one byte of data and one descriptor (SCM_RIGHTS)
 * DESCRIPTION
 *     Linux's values of the constants, as on x86-64, arm64, riscv64, ppc64 and s390x, except
 *     O_NOFOLLOW, which differs by architecture and is 0 where it is not known here.
 *
 *     Every call throws LastErrorException when it fails; error() turns it into an IOException
 *     in the system's words, as Postfix's %m.
 */
final class Libc {
    static final int AF_UNIX = 1;
    static final int SOCK_DGRAM = 2;
    static final int O_WRONLY = 1;
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 04000;
    static final int O_CLOEXEC = 02000000;
    static final int O_NOFOLLOW = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64", "riscv64", "s390x" -> 0400000;
        case "aarch64", "ppc64le", "ppc64" -> 0100000;
        default -> 0;
    };
    static final int SOL_SOCKET = 1;
    static final int SCM_RIGHTS = 1;
    /** sizeof(sun_path) of struct sockaddr_un. */
    static final int SUN_PATH = 108;

    interface C extends Library {
        C INSTANCE = Native.load("c", C.class);

        int socket(int domain, int type, int protocol) throws LastErrorException;

        int bind(int fd, byte[] address, int length) throws LastErrorException;

        int mkfifo(String path, int mode) throws LastErrorException;

        int open(String path, int flags) throws LastErrorException;

        int fchmod(int fd, int mode) throws LastErrorException;

        NativeLong read(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

        NativeLong write(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

        int dup3(int fd, int target, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        NativeLong sendmsg(int fd, Msghdr message, int flags) throws LastErrorException;

        String strerror(int errno);
    }

    /** struct msghdr. */
    @Structure.FieldOrder({"msg_name", "msg_namelen", "msg_iov", "msg_iovlen", "msg_control", "msg_controllen",
            "msg_flags"})
    public static final class Msghdr extends Structure {
        public Pointer msg_name;
        public int msg_namelen;
        public Pointer msg_iov;
        public NativeLong msg_iovlen;
        public Pointer msg_control;
        public NativeLong msg_controllen;
        public int msg_flags;
        /** What msg_iov points to, held here as long as the message (not a field of the C struct). */
        Memory data;
    }

    private Libc() {
    }

    /** "what: No such file or directory". */
    static IOException error(String what, LastErrorException e) {
        return new IOException(what + ": " + words(e), e);
    }

    /** The system's words for the error: "No such file or directory". */
    static String words(LastErrorException e) {
        return C.INSTANCE.strerror(e.getErrorCode());
    }

    /** close(2) of a descriptor nobody else holds; a failure leaves nothing to do. */
    static void closeQuietly(int fd) {
        try {
            C.INSTANCE.close(fd);
        } catch (LastErrorException e) {
            // EINTR or EIO: Linux has released the descriptor anyway
        }
    }

    /** struct sockaddr_un for a path, and its length. */
    static byte[] unixAddress(String path) throws IOException {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        if (name.length >= SUN_PATH) {
            throw new IOException("unix-domain name too long: " + path);
        }
        byte[] address = new byte[2 + name.length + 1];
        // sa_family_t in native order: AF_UNIX is 1, the low byte first on little-endian machines
        address[ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 0 : 1] = AF_UNIX;
        System.arraycopy(name, 0, address, 2, name.length);
        return address;
    }

    /** CMSG_ALIGN: a multiple of sizeof(size_t). */
    private static int align(int length) {
        int unit = Native.SIZE_T_SIZE;
        return (length + unit - 1) & -unit;
    }

    /** CMSG_LEN(n): a cmsghdr (size_t cmsg_len, int cmsg_level, int cmsg_type) and n bytes. */
    static int cmsgLength(int n) {
        return align(Native.SIZE_T_SIZE + 8) + n;
    }

    /** CMSG_SPACE(n): CMSG_LEN(n) padded. */
    static int cmsgSpace(int n) {
        return align(Native.SIZE_T_SIZE + 8) + align(n);
    }

    /** A message of one data byte that carries one descriptor, as Postfix's unix_send_fd. */
    static Msghdr rights(byte data, int fd) {
        Memory bytes = new Memory(1);
        bytes.setByte(0, data);
        Memory iov = new Memory(Native.POINTER_SIZE + Native.SIZE_T_SIZE); // struct iovec
        iov.setPointer(0, bytes);
        setSize(iov, Native.POINTER_SIZE, 1);
        Memory control = new Memory(cmsgSpace(4));
        control.clear();
        setSize(control, 0, cmsgLength(4));
        control.setInt(Native.SIZE_T_SIZE, SOL_SOCKET);
        control.setInt(Native.SIZE_T_SIZE + 4, SCM_RIGHTS);
        control.setInt(cmsgLength(0), fd);
        Msghdr message = new Msghdr();
        message.msg_iov = iov;
        message.msg_iovlen = new NativeLong(1);
        message.msg_control = control;
        message.msg_controllen = new NativeLong(cmsgSpace(4));
        message.data = bytes;
        return message;
    }

    private static void setSize(Pointer memory, long offset, long value) {
        if (Native.SIZE_T_SIZE == 8) {
            memory.setLong(offset, value);
        } else {
            memory.setInt(offset, (int) value);
        }
    }
}
