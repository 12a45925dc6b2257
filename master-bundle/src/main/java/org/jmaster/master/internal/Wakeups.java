package org.jmaster.master.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jmaster.api.ServiceType;
import org.jmaster.api.spi.policy.ServiceState;

/**
 * NAME
 *     Wakeups - periodic wakeup triggers (Postfix master_wakeup.c)
 * SUMMARY
 *     init(entry)     cancel, then unless no wakeup or waiting for the first spawn: trigger now,
 *                     and every N seconds
 *     cancel(entry)   no more triggers
 * DESCRIPTION
 *     A trigger is a normal client of the service's own endpoint that sends one byte 'W': it
 *     wakes the master's listen event (a child is spawned) or an idle child accepts it. inet
 *     services are triggered on their first address (a wildcard address through loopback), unix
 *     services on their socket. pass services would need a descriptor to pass: they, like
 *     unix-dgram and fifo, are not triggered and get a warning every period.
 *
 *     No trigger while the service is throttled; the timer keeps running. Sending happens on a
 *     thread of its own with a 1 s deadline, so a full backlog never blocks the event loop.
 *     The timer is one of the master's (Timers, kind WAKEUP), so it survives a replaced loop;
 *     it runs on the event loop, with the supervisor's lock held.
 * DIAGNOSTICS
 *     "master_wakeup_timer_event: service <ext>(<name>): <error>" when a trigger fails.
 */
final class Wakeups implements AutoCloseable {
    private static final int DEADLINE_MILLIS = 1000;
    /** The kind of the master's own timer, beside the policy's. */
    private static final String WAKEUP = "wakeup";

    private final Supervisor supervisor;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "jmaster-wakeup");
        thread.setDaemon(true);
        return thread;
    });

    Wakeups(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    void init(ServiceEntry entry) {
        cancel(entry);
        if (entry.state.definition().wakeupSeconds() > 0 && !entry.awaitingFirstSpawn) {
            event(entry);
        }
    }

    void cancel(ServiceEntry entry) {
        supervisor.timers.cancel(entry.state, WAKEUP);
    }

    private void event(ServiceEntry entry) {
        long period = entry.state.definition().wakeupSeconds() * 1000L;
        if (period == 0) {
            return;
        }
        if (!entry.state.isThrottled()) {
            send(entry);
        }
        supervisor.timers.schedule(entry.state, WAKEUP, period, () -> event(entry));
    }

    private void send(ServiceEntry entry) {
        ServiceState service = entry.state;
        ServiceType type = service.definition().type();
        String address = entry.endpoints().get(0);
        sender.execute(() -> {
            try {
                trigger(type, address);
            } catch (IOException e) {
                supervisor.context.warning("master_wakeup_timer_event: service " + service + ": " + e.getMessage());
            }
        });
    }
    static void trigger(ServiceType type, String address) throws IOException {
        switch (type) {
            case INET -> {
                try (Socket socket = new Socket()) {
                    socket.connect(inetAddress(address), DEADLINE_MILLIS);
                    socket.setSoTimeout(DEADLINE_MILLIS);
                    socket.getOutputStream().write('W');
                }
            }
            case UNIX -> {
                try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    channel.configureBlocking(false);
                    if (!channel.connect(UnixDomainSocketAddress.of(address))) {
                        throw new IOException("Resource temporarily unavailable");
                    }
                    channel.write(ByteBuffer.wrap(new byte[] {'W'}));
                }
            }
            default -> throw new IOException("Operation not supported");
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

    @Override
    public void close() {
        sender.shutdownNow();
    }
}
