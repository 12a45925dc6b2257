package org.jmaster.nio.internal;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.ServiceType;
import org.jmaster.api.postfix.TrustCheck;
import org.jmaster.api.spi.loop.ListenSockets;

/**
 * NAME
 *     Endpoints - create a service's listen sockets (Postfix master_listen.c, section 6.3)
 * SUMMARY
 *     name(definition, settings)             Postfix's canonical endpoint name
 *     open(definition, settings, backlog)    bound, listening, non-blocking channels
 *     addresses(definition, settings)        what open would bind, without binding
 * DESCRIPTION
 *     inet: one TCP socket per address (InetNames), SO_REUSEADDR, IPV6_V6ONLY on IPv6, in address
 *     order; local-only when every address is loopback. The others are one file at
 *     queue_directory/private/name or public/name, a stale file unlinked first (access control is
 *     the directory's: private/ 0700, public/ 0710):
 *     - unix and pass: an AF_UNIX stream socket, mode 0666;
 *     - unix-dgram: an AF_UNIX datagram socket, mode 0666 (Postfix's unix_dgram_listen);
 *     - fifo: a named pipe, mode 0622, opened read-write so that it never reports EOF, checked to
 *       be a fifo, emptied (Postfix's fifo_listen).
 *     The JDK has no channel for the last two: theirs are made with JNA and adopted (Fds.adopt),
 *     selectable for OP_READ only; the master watches them for readability, its children read
 *     them. As root, the directories are mail_owner's and the file is made as mail_owner
 *     (MailOwner); otherwise the directories are made as the master's user. pass is not
 *     local-only: its clients pass connections from anywhere. Every descriptor is non-blocking and
 *     close-on-exec.
 *
 *     The queue directory and its pid/ subdirectory (where Postfix daemons keep their lock files)
 *     are created when missing.
 * DIAGNOSTICS
 *     IOException naming the address or path that could not be bound or created, in the system's
 *     words; nothing stays open then.
 */
final class Endpoints {
    private Endpoints() {
    }

    static String name(ServiceDefinition definition, MasterSettings settings) {
        if (definition.type() == ServiceType.INET) {
            return InetNames.canonical(definition.name());
        }
        return (definition.privateService() ? "private/" : "public/") + definition.name();
    }

    /** The addresses open would bind, as ListenSockets.addresses() shows them. */
    static List<String> addresses(ServiceDefinition definition, MasterSettings settings) {
        if (definition.type() == ServiceType.INET) {
            int port = InetNames.port(definition.name());
            List<String> names = new ArrayList<>();
            for (InetAddress address : InetNames.addresses(definition.name(), settings)) {
                names.add(InetNames.format(address, port));
            }
            return names;
        }
        return List.of(unixPath(definition, settings).toString());
    }

    private static Path unixPath(ServiceDefinition definition, MasterSettings settings) {
        return settings.queueDirectory().resolve(definition.privateService() ? "private" : "public").resolve(definition.name());
    }

    static ListenSockets open(ServiceDefinition definition, MasterSettings settings, int backlog) throws IOException {
        directory(settings.queueDirectory().resolve("pid"), "rwxr-xr-x");
        if (definition.type() == ServiceType.INET) {
            return inet(definition, settings, backlog);
        }
        return local(definition, settings, backlog);
    }

    private static ListenSockets inet(ServiceDefinition definition, MasterSettings settings, int backlog)
            throws IOException {
        int port = InetNames.port(definition.name());
        List<InetAddress> addresses = InetNames.addresses(definition.name(), settings);
        List<String> names = new ArrayList<>();
        List<SelectableChannel> channels = new ArrayList<>();
        boolean localOnly = true;
        try {
            for (InetAddress address : addresses) {
                String name = InetNames.format(address, port);
                boolean v6 = address instanceof Inet6Address;
                ServerSocketChannel channel = ServerSocketChannel.open(v6 ? StandardProtocolFamily.INET6
                        : StandardProtocolFamily.INET);
                channels.add(channel);
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                if (v6) {
                    Fds.setV6Only(channel);
                }
                try {
                    channel.bind(new InetSocketAddress(address, port), backlog);
                } catch (IOException e) {
                    // Postfix's words (inet_listen.c), which its master dies of at start-up
                    throw new IOException("bind " + address.getHostAddress() + " port " + port + ": " + e.getMessage(), e);
                }
                channel.configureBlocking(false);
                names.add(name);
                localOnly &= address.isLoopbackAddress();
            }
            return sockets(names, channels, localOnly);
        } catch (IOException | RuntimeException e) {
            closeAll(channels);
            throw e;
        }
    }

    /** unix, pass, unix-dgram, fifo: one file under private/ or public/, made as mail_owner when root. */
    private static ListenSockets local(ServiceDefinition definition, MasterSettings settings, int backlog)
            throws IOException {
        Path queue = settings.queueDirectory();
        Path path = unixPath(definition, settings);
        MailOwner owner = null;
        if (TrustCheck.runsAsRoot()) {
            owner = MailOwner.of(settings);
            owner.directory(queue, definition.privateService());
        } else if (definition.privateService()) {
            directory(queue.resolve("private"), "rwx------");
        } else {
            directory(queue.resolve("public"), "rwx--x---");
        }
        List<SelectableChannel> made = new ArrayList<>(1); // what to close when anything fails
        MailOwner.IoAction<Void> create = switch (definition.type()) {
            case UNIX, PASS -> () -> unixStream(path, backlog, made);
            case UNIX_DGRAM -> () -> unixDgram(path, made);
            case FIFO -> () -> fifo(path, made);
            case INET -> throw new IllegalStateException("not a local endpoint: " + definition);
        };
        try {
            if (owner == null) {
                create.run();
            } else {
                owner.as(create);
            }
            return sockets(List.of(path.toString()), made, definition.type() != ServiceType.PASS);
        } catch (IOException | RuntimeException e) {
            closeAll(made);
            String verb = definition.type() == ServiceType.FIFO ? "create fifo " : "bind ";
            throw new IOException(verb + path + ": " + e.getMessage(), e);
        }
    }

    private static Void unixStream(Path path, int backlog, List<SelectableChannel> made) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        made.add(channel);
        Files.deleteIfExists(path);
        channel.bind(UnixDomainSocketAddress.of(path), backlog);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
        channel.configureBlocking(false);
        return null;
    }

    /** socket(AF_UNIX, SOCK_DGRAM), unlink, bind, chmod 0666, as Postfix's unix_dgram_listen. */
    private static Void unixDgram(Path path, List<SelectableChannel> made) throws IOException {
        byte[] address = Libc.unixAddress(path.toString());
        int fd;
        try {
            fd = Libc.C.INSTANCE.socket(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw Libc.error("socket", e);
        }
        SelectableChannel channel = Fds.adopt(fd);
        made.add(channel);
        Files.deleteIfExists(path);
        try {
            Libc.C.INSTANCE.bind(Fds.of(channel), address, address.length);
        } catch (LastErrorException e) {
            throw new IOException(Libc.words(e), e);
        }
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
        return null;
    }

    /** unlink, mkfifo, open read-write, check, fchmod 0622, drain, as Postfix's fifo_listen. */
    private static Void fifo(Path path, List<SelectableChannel> made) throws IOException {
        Files.deleteIfExists(path);
        int fd;
        try {
            Libc.C.INSTANCE.mkfifo(path.toString(), 0622);
            fd = Libc.C.INSTANCE.open(path.toString(), Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException(Libc.words(e), e);
        }
        SelectableChannel channel = Fds.adopt(fd);
        made.add(channel);
        int adopted = Fds.of(channel);
        int mode = (Integer) Files.readAttributes(Path.of("/proc/self/fd/" + adopted), "unix:mode").get("mode");
        if ((mode & 0170000) != 0010000) {
            throw new IOException("not a fifo");
        }
        try {
            Libc.C.INSTANCE.fchmod(adopted, 0622); // mkfifo's mode went through the umask
        } catch (LastErrorException e) {
            throw Libc.error("fchmod", e);
        }
        ByteBuffer cruft = ByteBuffer.allocate(100);
        while (((Pipe.SourceChannel) channel).read(cruft) > 0) {
            cruft.clear();
        }
        return null;
    }

    /** The directory, made with this mode if missing, as its missing parents (0755, as a queue directory). */
    private static Path directory(Path dir, String mode) throws IOException {
        if (!Files.isDirectory(dir)) {
            if (dir.getParent() != null) {
                directory(dir.getParent(), "rwxr-xr-x");
            }
            Files.createDirectory(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
        }
        return dir;
    }

    private static ListenSockets sockets(List<String> names, List<SelectableChannel> channels, boolean localOnly) {
        int[] fds = new int[channels.size()];
        for (int i = 0; i < fds.length; i++) {
            fds[i] = Fds.of(channels.get(i));
        }
        return new ListenSockets(names, channels, fds, localOnly);
    }

    /** Closes sockets nobody wants any more; there is nothing to do about a failure. */
    static void closeQuietly(ListenSockets sockets) {
        try {
            sockets.close();
        } catch (IOException e) {
            // nothing else to do with a socket nobody wants
        }
    }

    private static void closeAll(List<SelectableChannel> channels) {
        for (SelectableChannel channel : channels) {
            try {
                channel.close();
            } catch (IOException e) {
                // already failing
            }
        }
    }
}
