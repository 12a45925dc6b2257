package org.jmaster.nio.internal;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicLong;
import org.jmaster.api.spi.loop.StatusChannel;

/**
 * NAME
 *     StatusPairs - connected AF_UNIX stream pairs for status channels
 * DESCRIPTION
 *     Java has no socketpair(2), so a pair is made the long way: bind a socket in a private
 *     directory (mode 0700), connect to it, accept, then unlink the name. The result is what
 *     Postfix gets on Linux: two connected AF_UNIX stream sockets. The master's end is
 *     non-blocking for the selector; the children's end stays blocking.
 */
final class StatusPairs implements AutoCloseable {
    private final Path directory;
    private final AtomicLong sequence = new AtomicLong();

    StatusPairs() throws IOException {
        directory = Files.createTempDirectory("jmaster-status-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    StatusChannel open() throws IOException {
        Path path = directory.resolve(Long.toString(sequence.incrementAndGet()));
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path), 1);
            SocketChannel childEnd = SocketChannel.open(UnixDomainSocketAddress.of(path));
            SocketChannel masterEnd = null;
            try {
                masterEnd = server.accept();
                masterEnd.configureBlocking(false);
                return new StatusChannel(masterEnd, childEnd, Fds.of(childEnd));
            } catch (IOException | RuntimeException e) {
                childEnd.close();
                if (masterEnd != null) {
                    masterEnd.close();
                }
                throw e;
            }
        } finally {
            Files.deleteIfExists(path);
        }
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(directory);
    }
}
