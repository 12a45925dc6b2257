package org.jmaster.api.spi.loop;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.util.List;

/**
 * The master's listen endpoints of one service: open, bound, listening, non-blocking channels
 * (for unix-dgram and fifo, channels selectable for reading only), their descriptor numbers (what
 * children get at fd 6 and up, in this order), and what operators are shown.
 *
 * <p>JDK channels only, so that the master can keep them while the bundle that opened them is
 * replaced, and hand them to its successor.
 */
public final class ListenSockets implements Closeable {
    private final List<String> addresses;
    private final List<SelectableChannel> channels;
    private final int[] fds;
    private final boolean localOnly;

    /**
     * @param addresses one per channel: {@code 127.0.0.1:25}, {@code [::1]:25}, or a socket path
     * @param channels the listening channels, in the order children receive them
     * @param fds their descriptor numbers, in the same order
     * @param localOnly every address is local (a unix, unix-dgram or fifo path, or loopback)
     */
    public ListenSockets(List<String> addresses, List<SelectableChannel> channels, int[] fds, boolean localOnly) {
        if (addresses.size() != channels.size() || channels.size() != fds.length) {
            throw new IllegalArgumentException("addresses, channels and fds differ in number");
        }
        this.addresses = List.copyOf(addresses);
        this.channels = List.copyOf(channels);
        this.fds = fds.clone();
        this.localOnly = localOnly;
    }

    /** What each endpoint is, for operators. */
    public List<String> addresses() {
        return addresses;
    }

    /** The listening channels. */
    public List<SelectableChannel> channels() {
        return channels;
    }

    /** The descriptor numbers, in order. */
    public int[] fds() {
        return fds.clone();
    }

    /** How many endpoints (the child's {@code -s} when more than one). */
    public int count() {
        return fds.length;
    }

    /** Every address is local: the service is never stress-eligible. */
    public boolean isLocalOnly() {
        return localOnly;
    }

    /** Closes every channel. */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (SelectableChannel channel : channels) {
            try {
                channel.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
