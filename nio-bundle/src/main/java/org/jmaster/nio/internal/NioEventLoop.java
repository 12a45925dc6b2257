package org.jmaster.nio.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.postfix.StatusRecord;
import org.jmaster.api.spi.loop.EventLoop;
import org.jmaster.api.spi.loop.ListenSockets;
import org.jmaster.api.spi.loop.LoopEvents;
import org.jmaster.api.spi.loop.StatusChannel;
import org.jmaster.api.spi.loop.Timer;
import org.jmaster.api.spi.loop.Watch;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * NAME
 *     NioEventLoop - the master's event loop as a DS service (Postfix master_listen.c,
 *     master_status.c, util/events.c)
 * SUMMARY
 *     endpointName, open, openStatusChannel   create what the master keeps
 *     keep                                    hold a departing master's listen sockets
 *     watch -> Watch (setListening, statusChannel, cancel)   what the loop watches for a service
 *     schedule, execute                       timers and tasks on the loop thread
 *     trigger                                 a wakeup request (Triggers), on the caller's thread
 * DESCRIPTION
 *     For each watch the loop holds a key per listen socket, with interest only while the master
 *     listens: OP_ACCEPT, or OP_READ for unix-dgram and fifo, which have nothing to accept. A
 *     ready key means "a client waits" and is reported, never accepted nor read.
 *     The status channel is always read: each readable event reads what is there, reports every
 *     whole 12-byte record in order, and reports a trailing fragment as a partial update, which
 *     is then discarded (Postfix has no resynchronisation either).
 *
 *     The channels belong to the master. Stopping this component closes the selector, which
 *     deregisters them without closing them; the next loop watches them again. A master that
 *     goes away leaves its listen sockets here (keep) for a while: clients wait in the backlog,
 *     and the next master's open of the same addresses takes them back.
 *
 *     setListening and cancel may be called from any thread (JDK 11+ selectors take interest
 *     changes and cancellations concurrently); a watch asked for off the loop thread is
 *     registered on it, where a channel cancelled a moment ago can be flushed and registered
 *     again.
 */
@Component(service = EventLoop.class, immediate = true)
public final class NioEventLoop implements EventLoop {
    private final SelectorLoop loop;
    private final StatusPairs pairs;
    /** Listen sockets kept between two masters, by their addresses. */
    private final Map<List<String>, Kept> kept = new ConcurrentHashMap<>();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(StatusRecord.SIZE * 64).order(ByteOrder.nativeOrder());
    private final byte[] fragment = new byte[StatusRecord.SIZE];
    private volatile boolean stopped;

    /** One keep of a master's listen sockets; its timer closes them unless taken back. */
    private record Kept(ListenSockets sockets) {
    }

    /** Starts the loop thread. */
    @Activate
    public NioEventLoop() throws IOException {
        loop = new SelectorLoop("jmaster-loop");
        pairs = new StatusPairs();
    }

    /** Stops the loop; the master's channels stay open, those kept for no master are closed. */
    @Deactivate
    public void deactivate() throws InterruptedException, IOException {
        stopped = true;
        loop.stop();
        closeKept();
        pairs.close();
    }

    @Override
    public String endpointName(ServiceDefinition definition, MasterSettings settings) {
        return Endpoints.name(definition, settings);
    }

    @Override
    public ListenSockets open(ServiceDefinition definition, MasterSettings settings, int backlog) throws IOException {
        if (kept.isEmpty()) {
            return Endpoints.open(definition, settings, backlog);
        }
        List<String> addresses = Endpoints.addresses(definition, settings);
        Kept back = kept.remove(addresses);
        if (back != null) {
            return back.sockets();
        }
        try {
            return Endpoints.open(definition, settings, backlog);
        } catch (IOException e) {
            // a kept socket may hold a port or path of the new endpoint: close those, and only those
            boolean closed = false;
            for (Map.Entry<List<String>, Kept> entry : List.copyOf(kept.entrySet())) {
                if (sharesAnEndpoint(entry.getKey(), addresses) && kept.remove(entry.getKey(), entry.getValue())) {
                    Endpoints.closeQuietly(entry.getValue().sockets());
                    closed = true;
                }
            }
            if (!closed) {
                throw e;
            }
            return Endpoints.open(definition, settings, backlog);
        }
    }

    /** The same socket path, or the same TCP port (whatever the host: a wildcard holds them all). */
    private static boolean sharesAnEndpoint(List<String> some, List<String> others) {
        for (String a : some) {
            for (String b : others) {
                if (a.equals(b) || port(a) != null && port(a).equals(port(b))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** ":25" of "127.0.0.1:25" or "[::1]:25"; null for a socket path. */
    private static String port(String address) {
        int colon = address.lastIndexOf(':');
        return address.startsWith("/") || colon < 0 ? null : address.substring(colon);
    }

    @Override
    public void keep(ListenSockets sockets, long millis) {
        Kept entry = new Kept(sockets); // one per keep: the same sockets may be kept again later
        Kept previous = kept.put(sockets.addresses(), entry);
        if (previous != null && previous.sockets() != sockets) {
            Endpoints.closeQuietly(previous.sockets());
        }
        if (stopped) { // too late: this loop has stopped and will run no timer
            if (kept.remove(sockets.addresses(), entry)) {
                Endpoints.closeQuietly(sockets);
            }
            return;
        }
        loop.schedule(millis, () -> {
            if (kept.remove(sockets.addresses(), entry)) {
                Endpoints.closeQuietly(sockets);
            }
        });
    }

    private void closeKept() {
        for (List<String> addresses : List.copyOf(kept.keySet())) {
            Kept entry = kept.remove(addresses);
            if (entry != null) {
                Endpoints.closeQuietly(entry.sockets());
            }
        }
    }

    @Override
    public StatusChannel openStatusChannel() throws IOException {
        return pairs.open();
    }

    @Override
    public Watch watch(ListenSockets sockets, StatusChannel status, LoopEvents events) {
        ServiceWatch watch = new ServiceWatch(sockets, events);
        watch.statusChannel(status);
        return watch;
    }

    @Override
    public void trigger(ServiceDefinition definition, String endpoint, int timeoutMillis) throws IOException {
        if (loop.inLoop()) {
            throw new IllegalStateException("a wakeup trigger of " + endpoint + " would block the event loop");
        }
        Triggers.trigger(definition.type(), endpoint, timeoutMillis);
    }

    /** What makes a listen channel ready: a connection to accept, or something to read. */
    private static int readiness(SelectableChannel channel) {
        return (channel.validOps() & SelectionKey.OP_ACCEPT) != 0 ? SelectionKey.OP_ACCEPT : SelectionKey.OP_READ;
    }

    @Override
    public Timer schedule(long delayMillis, Runnable task) {
        return loop.schedule(delayMillis, task);
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(task);
    }

    /** What the loop watches of one service: a key per listen socket, and one for the status channel. */
    private final class ServiceWatch implements Watch {
        private final LoopEvents events;
        private final List<SelectionKey> listenKeys = new ArrayList<>();
        private final ListenSockets sockets;
        private StatusChannel status;
        private SelectionKey statusKey;
        private boolean listening;
        private boolean cancelled;

        ServiceWatch(ListenSockets sockets, LoopEvents events) {
            this.sockets = sockets;
            this.events = events;
        }

        @Override
        public synchronized void setListening(boolean enabled) {
            listening = enabled;
            for (SelectionKey key : listenKeys) {
                if (key.isValid()) {
                    key.interestOps(enabled ? readiness(key.channel()) : 0);
                }
            }
            loop.changed();
        }

        @Override
        public void statusChannel(StatusChannel channel) {
            if (!loop.inLoop()) {
                loop.execute(() -> statusChannel(channel));
                return;
            }
            try {
                register(channel);
            } catch (CancelledKeyException e) {
                // a channel unwatched a moment ago is still registered until the next select
                try {
                    loop.flushCancelled();
                    register(channel);
                } catch (IOException again) {
                    throw new IllegalStateException("cannot watch the channels of " + sockets.addresses(), again);
                }
            } catch (ClosedChannelException e) {
                throw new IllegalStateException("a channel of " + sockets.addresses() + " to watch is closed", e);
            }
        }

        private synchronized void register(StatusChannel channel) throws ClosedChannelException {
            if (cancelled || stopped) {
                return;
            }
            if (listenKeys.isEmpty()) {
                List<SelectionKey> keys = new ArrayList<>();
                for (SelectableChannel listen : sockets.channels()) {
                    keys.add(loop.register(listen, listening ? readiness(listen) : 0, key -> events.listenReady()));
                }
                listenKeys.addAll(keys); // only once all are registered: a retry registers them all again
            }
            if (status != channel) {
                SelectionKey key = loop.register(channel.masterEnd(), SelectionKey.OP_READ, this::readStatus);
                if (statusKey != null) {
                    statusKey.cancel();
                }
                status = channel;
                statusKey = key;
            }
        }

        @Override
        public synchronized void cancel() {
            cancelled = true;
            listenKeys.forEach(SelectionKey::cancel);
            if (statusKey != null) {
                statusKey.cancel();
            }
        }

        private void readStatus(SelectionKey key) {
            buffer.clear();
            int n;
            try {
                n = ((ReadableByteChannel) key.channel()).read(buffer);
            } catch (IOException e) {
                events.statusFailure("master_status_event: read: " + e.getMessage());
                return; // as Postfix: warn, and read again at the next event
            }
            if (n < 0) {
                key.cancel();
                events.statusFailure("master_status_event: read EOF status");
                return;
            }
            buffer.flip(); // every record read is delivered, even if the master stops watching meanwhile
            while (buffer.remaining() >= StatusRecord.SIZE) {
                events.statusRecord(StatusRecord.decode(buffer));
            }
            int left = buffer.remaining();
            if (left > 0) {
                buffer.get(fragment, 0, left);
                events.partialStatus(fragment.clone(), left);
            }
        }
    }
}
