package org.jmaster.api.spi.loop;

import java.io.IOException;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceDefinition;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The event loop that owns the master's I/O (Postfix's {@code events.c} with
 * {@code master_listen.c} and {@code master_status.c}): it creates the listen endpoints and
 * status channels, watches them while the master wants it to (the master never accepts), reads
 * the status records, and runs timers and tasks, all on its one thread.
 *
 * <p>The channels it creates belong to the master: when this loop goes away, its successor is
 * asked to {@link #watch} the same channels.
 */
@ProviderType
public interface EventLoop {
    /**
     * Postfix's canonical endpoint name of a service, which with the type is its identity:
     * {@code "25"} for {@code smtp inet}, {@code "[127.0.0.1]:10025"}, {@code "private/cleanup"}.
     *
     * @throws IllegalArgumentException naming the bad service name (unknown port name, bad host)
     */
    String endpointName(ServiceDefinition definition, MasterSettings settings);

    /**
     * Creates, binds and listens on the endpoints of a service (section 6.3), or takes back the
     * sockets {@link #keep kept} for the same addresses; nothing is watched yet.
     *
     * @param backlog the listen backlog (R14)
     * @throws IOException when an endpoint cannot be created; none is left open then
     * @throws UnsupportedOperationException for a service type this loop cannot serve
     */
    ListenSockets open(ServiceDefinition definition, MasterSettings settings, int backlog) throws IOException;

    /**
     * Keeps the listen sockets of a master that is going away (its bundle stopped or updated) for
     * the next one: clients that connect meanwhile wait in the backlog instead of being reset or
     * refused, and {@link #open} of the same addresses takes the sockets back. Sockets not taken
     * back within the given time, or still kept when this loop stops, are closed.
     */
    void keep(ListenSockets sockets, long millis);

    /** A new status channel: a connected AF_UNIX stream pair. */
    StatusChannel openStatusChannel() throws IOException;

    /**
     * Watches a service's channels: its status channel for records at once, its listen sockets
     * for readiness once {@link Watch#setListening enabled}. Loop thread only.
     *
     * @param events told, on the loop thread, what happens on these channels
     */
    Watch watch(ListenSockets sockets, StatusChannel status, LoopEvents events);

    /**
     * Sends Postfix's wakeup request {@code 'W'} to an endpoint of a service, as
     * {@code master_wakeup.c} does: inet through a TCP connection ({@code inet_trigger}), unix
     * through a stream connection ({@code unix_trigger}), fifo by opening it for writing
     * ({@code fifo_trigger}, as mail_owner when the master runs as root), pass by passing one end
     * of a pipe that carries the request ({@code pass_trigger}). A unix-dgram service cannot be
     * triggered: the answer is Postfix's EOPNOTSUPP. Called from a thread of the master's, never
     * the loop thread; blocks at most the given time.
     *
     * @param endpoint one of the service's {@link ListenSockets#addresses() addresses}: a wildcard
     *     inet address is reached through loopback
     * @throws IOException in the system's words ("Connection refused", "Resource temporarily
     *     unavailable"); "Operation not supported" for unix-dgram
     * @since 1.1
     */
    void trigger(ServiceDefinition definition, String endpoint, int timeoutMillis) throws IOException;

    /** Runs the task on the loop thread after the delay; cancellable from any thread. */
    Timer schedule(long delayMillis, Runnable task);

    /** Runs the task on the loop thread, in submission order. Any thread. */
    void execute(Runnable task);
}
