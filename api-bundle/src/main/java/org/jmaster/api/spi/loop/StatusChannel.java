package org.jmaster.api.spi.loop;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * The status channel of a service: a connected AF_UNIX stream pair, as Postfix has on Linux. The
 * master reads 12-byte records from its end; every child of the service gets the other end at
 * fd 5. The master keeps both ends open, so it never reads EOF; closing both is how a restart
 * tells the children to finish and exit.
 */
public final class StatusChannel implements Closeable {
    private final SocketChannel masterEnd;
    private final SocketChannel childEnd;
    private final int childFd;

    /**
     * @param masterEnd the end the master reads, non-blocking
     * @param childEnd the end children write, blocking
     * @param childFd the descriptor number of the child end in the master
     */
    public StatusChannel(SocketChannel masterEnd, SocketChannel childEnd, int childFd) {
        this.masterEnd = masterEnd;
        this.childEnd = childEnd;
        this.childFd = childFd;
    }

    /** The end the master reads. */
    public SocketChannel masterEnd() {
        return masterEnd;
    }

    /** The end children write. */
    public SocketChannel childEnd() {
        return childEnd;
    }

    /** The descriptor number of the child end, which the spawner places at fd 5. */
    public int childFd() {
        return childFd;
    }

    /** Closes both ends: children learn that the master restarted the service. */
    @Override
    public void close() throws IOException {
        try {
            masterEnd.close();
        } finally {
            childEnd.close();
        }
    }
}
