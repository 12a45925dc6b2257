package org.jmaster.nio.internal;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
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
 *     order; local-only when every address is loopback. unix and pass: an AF_UNIX stream socket at
 *     queue_directory/private/name or public/name, a stale file unlinked first, mode 0666 (access
 *     control is the directory's: private/ 0700, public/ 0710). As root, the directories are
 *     mail_owner's and the socket is made as mail_owner (MailOwner); otherwise the directories
 *     are made as the master's user. pass is not local-only: its clients pass connections from
 *     anywhere. unix-dgram and fifo are refused for now.
 *
 *     The queue directory and its pid/ subdirectory (where Postfix daemons keep their lock files)
 *     are created when missing.
 * DIAGNOSTICS
 *     IOException naming the address or path that could not be bound; nothing stays open then.
 *     UnsupportedOperationException for unix-dgram and fifo.
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
        switch (definition.type()) {
            case INET:
                return inet(definition, settings, backlog);
            case UNIX:
            case PASS:
                return unix(definition, settings, backlog);
            default:
                throw new UnsupportedOperationException("service " + definition.name() + ": type "
                        + definition.type() + " is not supported yet (inet, unix and pass are)");
        }
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
                    throw new IOException("bind " + name + ": " + e.getMessage(), e);
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

    private static ListenSockets unix(ServiceDefinition definition, MasterSettings settings, int backlog)
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
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            MailOwner.IoAction<Void> bind = () -> {
                Files.deleteIfExists(path);
                channel.bind(UnixDomainSocketAddress.of(path), backlog);
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
                return null;
            };
            if (owner == null) {
                bind.run();
            } else {
                owner.as(bind);
            }
            channel.configureBlocking(false);
            return sockets(List.of(path.toString()), List.of(channel), definition.type() == ServiceType.UNIX);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw new IOException("bind " + path + ": " + e.getMessage(), e);
        }
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
