package org.jmaster.nio.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jmaster.api.ServiceType;
import org.jmaster.api.postfix.TrustCheck;

/**
 * NAME
 *     Triggers - send a wakeup request to a service's endpoint (Postfix inet_trigger.c,
 *     unix_trigger.c, fifo_trigger.c, pass_trigger.c)
 * SYNOPSIS
 *     trigger(type, endpoint, timeoutMillis)   one 'W' to one of ListenSockets.addresses()
 *     InetSocketAddress inetAddress(endpoint)  where an inet address is reached
 * DESCRIPTION
 *     A trigger is a normal client of the endpoint; the request is the one byte 'W' (Postfix
 *     sends a NUL after it, which trigger servers read as part of the same request):
 *     - inet: a TCP connection to the address, a wildcard address through loopback, with the
 *       timeout for the connect and the write;
 *     - unix: a non-blocking stream connect, which fails at once when the backlog is full;
 *     - pass: the same connect, then one end of a pipe passed with SCM_RIGHTS (one NUL data
 *       byte, as unix_send_fd), and the request written into the other end; the server reads it
 *       from the descriptor it received;
 *     - fifo: opened write-only and non-blocking, not through a symbolic link, checked to be a
 *       fifo with one link (Postfix's safe_open), written, closed; as root, as the owner of the
 *       fifo's directory (mail_owner), as master_wakeup.c does. A write that fails (a full fifo
 *       already holds requests) is not an error, as in fifo_trigger;
 *     - unix-dgram: not supported, as in Postfix.
 *     Everything opened is closed before the call returns: the master does not wait for the
 *     server to disconnect, as Postfix does on its event loop.
 *
 *     Called on a thread of the master's: every step is non-blocking or bounded by the timeout.
 * DIAGNOSTICS
 *     IOException in the system's words ("Connection refused", "Resource temporarily
 *     unavailable", "No such device or address" for a fifo nobody reads); "Operation not
 *     supported" for unix-dgram (Postfix's EOPNOTSUPP).
 */
final class Triggers {
    private static final byte WAKEUP = 'W';

    private Triggers() {
    }

    static void trigger(ServiceType type, String endpoint, int timeoutMillis) throws IOException {
        switch (type) {
            case INET -> inet(endpoint, timeoutMillis);
            case UNIX -> {
                try (SocketChannel channel = connect(endpoint)) {
                    channel.write(ByteBuffer.wrap(new byte[] {WAKEUP}));
                }
            }
            case PASS -> pass(endpoint);
            case FIFO -> fifo(Path.of(endpoint));
            case UNIX_DGRAM -> throw new IOException("Operation not supported");
        }
    }

    private static void inet(String endpoint, int timeoutMillis) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(inetAddress(endpoint), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            socket.getOutputStream().write(WAKEUP);
        }
    }

    /** "127.0.0.1:25", "[::1]:25"; the wildcard addresses are reached through loopback. */
    static InetSocketAddress inetAddress(String address) {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        int port = Integer.parseInt(address.substring(colon + 1));
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.equals("0.0.0.0")) {
            host = "127.0.0.1";
        } else if (host.equals("::")) {
            host = "::1";
        }
        return new InetSocketAddress(host, port);
    }

    /** A connected AF_UNIX stream channel, or at once the reason why not. */
    private static SocketChannel connect(String path) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.configureBlocking(false);
            if (!channel.connect(UnixDomainSocketAddress.of(path))) {
                throw new IOException("Resource temporarily unavailable");
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static void pass(String endpoint) throws IOException {
        try (SocketChannel channel = connect(endpoint)) {
            Pipe pipe = Pipe.open();
            try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
                try {
                    Libc.C.INSTANCE.sendmsg(Fds.of(channel), Libc.rights((byte) 0, Fds.of(source)), 0);
                } catch (LastErrorException e) {
                    throw Libc.error("send file descriptor", e);
                }
                sink.write(ByteBuffer.wrap(new byte[] {WAKEUP})); // an empty pipe takes a byte at once
            }
        }
    }

    private static void fifo(Path path) throws IOException {
        MailOwner owner = TrustCheck.runsAsRoot() ? MailOwner.ownerOf(path.getParent()) : null;
        MailOwner.IoAction<Integer> open = () -> {
            try {
                return Libc.C.INSTANCE.open(path.toString(),
                        Libc.O_WRONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC | Libc.O_NOFOLLOW);
            } catch (LastErrorException e) {
                throw new IOException(Libc.words(e), e);
            }
        };
        int fd = owner == null ? open.run() : owner.as(open);
        try {
            Map<String, Object> file = Files.readAttributes(Path.of("/proc/self/fd/" + fd), "unix:mode,nlink");
            if (((Integer) file.get("mode") & 0170000) != 0010000) {
                throw new IOException("not a fifo");
            }
            if ((Integer) file.get("nlink") != 1) {
                throw new IOException("file has " + file.get("nlink") + " hard links");
            }
            try {
                Libc.C.INSTANCE.write(fd, new byte[] {WAKEUP}, new NativeLong(1));
            } catch (LastErrorException e) {
                // full: the fifo holds requests enough (fifo_trigger ignores a failed write too)
            }
        } finally {
            Libc.closeQuietly(fd);
        }
    }
}
