package org.jmaster.nio.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jmaster.api.ListenSockets;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.ServiceRuntime;
import org.jmaster.api.StatusChannel;
import org.jmaster.api.StatusRecord;
import org.jmaster.api.spi.Listener;
import org.jmaster.api.spi.ListenerEvents;
import org.jmaster.api.spi.Timer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * NAME
 *     NioListener - the master's event loop as a DS service (Postfix master_listen.c,
 *     master_status.c, util/events.c)
 * SUMMARY
 *     endpointName, open, openStatusChannel   create what the master keeps
 *     keep                                    hold a departing master's listen sockets
 *     watch, setListening, unwatch            what the loop watches for a service
 *     schedule, execute                       timers and tasks on the loop thread
 * DESCRIPTION
 *     For each watched service the loop holds a key per listen socket, with OP_ACCEPT interest
 *     only while the master listens: a ready key means "a client waits" and is reported, never
 *     accepted. The status channel is always read: each readable event reads what is there,
 *     reports every whole 12-byte record in order, and reports a trailing fragment as a partial
 *     update, which is then discarded (Postfix has no resynchronisation either).
 *
 *     The channels belong to the master. Stopping this component closes the selector, which
 *     deregisters them without closing them; the next listener watches them again. A master that
 *     goes away leaves its listen sockets here (keep) for a while: clients wait in the backlog,
 *     and the next master's open of the same addresses takes them back.
 *
 *     setListening and unwatch may be called from any thread (JDK 11+ selectors take interest
 *     changes and cancellations concurrently); watch runs on the loop thread (it is moved there),
 *     where a channel cancelled a moment ago can be flushed and registered again.
 */
@Component(service = Listener.class, immediate = true)
public final class NioListener implements Listener {
    private final EventLoop loop;
    private final StatusPairs pairs;
    private final Map<ServiceRuntime, Watch> watches = new ConcurrentHashMap<>();
    /** Listen sockets kept between two masters, by their addresses. */
    private final Map<List<String>, Kept> kept = new ConcurrentHashMap<>();
    private volatile boolean stopped;

    /** One keep of a master's listen sockets; its timer closes them unless taken back. */
    private static final class Kept {
        final ListenSockets sockets;

        Kept(ListenSockets sockets) {
            this.sockets = sockets;
        }
    }
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(StatusRecord.SIZE * 64).order(ByteOrder.nativeOrder());
    private final byte[] fragment = new byte[StatusRecord.SIZE];

    /** What the loop watches of one service. */
    private final class Watch {
        final ServiceRuntime service;
        volatile ListenerEvents events;
        final List<SelectionKey> listenKeys = new ArrayList<>();
        SelectionKey statusKey;
        StatusChannel status;

        Watch(ServiceRuntime service) {
            this.service = service;
        }
    }

    /** Starts the loop thread. */
    @Activate
    public NioListener() throws IOException {
        loop = new EventLoop("jmaster-loop");
        pairs = new StatusPairs();
    }

    /** Stops the loop; the master's channels stay open, those kept for no master are closed. */
    @Deactivate
    public void deactivate() throws InterruptedException, IOException {
        stopped = true;
        loop.stop();
        closeKept();
        watches.clear();
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
            return back.sockets;
        }
        try {
            return Endpoints.open(definition, settings, backlog);
        } catch (IOException e) {
            // a kept socket may hold a port or path of the new endpoint: close those, and only those
            boolean closed = false;
            for (Map.Entry<List<String>, Kept> entry : List.copyOf(kept.entrySet())) {
                if (sharesAnEndpoint(entry.getKey(), addresses) && kept.remove(entry.getKey(), entry.getValue())) {
                    close(entry.getValue().sockets);
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
        if (previous != null && previous.sockets != sockets) {
            close(previous.sockets);
        }
        if (stopped) { // too late: this listener has stopped and will run no timer
            if (kept.remove(sockets.addresses(), entry)) {
                close(sockets);
            }
            return;
        }
        loop.schedule(millis, () -> {
            if (kept.remove(sockets.addresses(), entry)) {
                close(sockets);
            }
        });
    }

    private void closeKept() {
        for (List<String> addresses : List.copyOf(kept.keySet())) {
            Kept entry = kept.remove(addresses);
            if (entry != null) {
                close(entry.sockets);
            }
        }
    }

    private static void close(ListenSockets sockets) {
        try {
            sockets.close();
        } catch (IOException e) {
            // nothing else to do with a socket nobody wants
        }
    }

    @Override
    public StatusChannel openStatusChannel() throws IOException {
        return pairs.open();
    }

    @Override
    public void watch(ServiceRuntime service, ListenerEvents events) {
        if (!loop.inLoop()) {
            loop.execute(() -> watch(service, events));
            return;
        }
        try {
            register(service, events);
        } catch (CancelledKeyException e) {
            // a channel unwatched a moment ago is still registered until the next select
            try {
                loop.flushCancelled();
                register(service, events);
            } catch (IOException again) {
                throw new IllegalStateException("service " + service + ": cannot watch its channels", again);
            }
        } catch (ClosedChannelException e) {
            throw new IllegalStateException("service " + service + ": a channel to watch is closed", e);
        }
    }

    private synchronized void register(ServiceRuntime service, ListenerEvents events) throws ClosedChannelException {
        Watch watch = watches.computeIfAbsent(service, Watch::new);
        watch.events = events;
        if (watch.listenKeys.isEmpty()) {
            for (SelectableChannel channel : service.listenSockets().channels()) {
                watch.listenKeys.add(loop.register(channel, service.isListening() ? SelectionKey.OP_ACCEPT : 0,
                        key -> listenReady(watch)));
            }
        }
        if (watch.status != service.statusChannel()) {
            if (watch.statusKey != null) {
                watch.statusKey.cancel();
            }
            watch.status = service.statusChannel();
            watch.statusKey = loop.register(watch.status.masterEnd(), SelectionKey.OP_READ, key -> readStatus(watch, key));
        }
    }

    @Override
    public synchronized void setListening(ServiceRuntime service, boolean enabled) {
        Watch watch = watches.get(service);
        if (watch != null) {
            for (SelectionKey key : watch.listenKeys) {
                if (key.isValid()) {
                    key.interestOps(enabled ? SelectionKey.OP_ACCEPT : 0);
                }
            }
            loop.changed();
        }
    }

    @Override
    public synchronized void unwatch(ServiceRuntime service) {
        Watch watch = watches.remove(service);
        if (watch != null) {
            watch.listenKeys.forEach(SelectionKey::cancel);
            if (watch.statusKey != null) {
                watch.statusKey.cancel();
            }
        }
    }

    @Override
    public Timer schedule(long delayMillis, Runnable task) {
        return loop.schedule(delayMillis, task);
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(task);
    }

    private void listenReady(Watch watch) {
        watch.events.listenReady(watch.service);
    }

    private void readStatus(Watch watch, SelectionKey key) {
        buffer.clear();
        int n;
        try {
            n = ((java.nio.channels.ReadableByteChannel) key.channel()).read(buffer);
        } catch (IOException e) {
            watch.events.statusFailure(watch.service, "master_status_event: read: " + e.getMessage());
            return; // as Postfix: warn, and read again at the next event
        }
        if (n < 0) {
            key.cancel();
            watch.events.statusFailure(watch.service, "master_status_event: read EOF status");
            return;
        }
        buffer.flip(); // every record read is delivered, even if the master stops watching meanwhile
        while (buffer.remaining() >= StatusRecord.SIZE) {
            watch.events.statusRecord(watch.service, StatusRecord.decode(buffer));
        }
        int left = buffer.remaining();
        if (left > 0) {
            buffer.get(fragment, 0, left);
            watch.events.partialStatus(watch.service, fragment.clone(), left);
        }
    }
}
