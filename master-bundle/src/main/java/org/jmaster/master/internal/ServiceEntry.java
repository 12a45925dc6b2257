package org.jmaster.master.internal;

import java.util.ArrayList;
import java.util.List;
import org.jmaster.api.ServiceSnapshot;
import org.jmaster.api.spi.loop.EventLoop;
import org.jmaster.api.spi.loop.ListenSockets;
import org.jmaster.api.spi.loop.StatusChannel;
import org.jmaster.api.spi.loop.Watch;
import org.jmaster.api.spi.policy.ServiceState;

/**
 * One service in the master's table: where its configuration came from, its identity, the
 * policy's state of it, and what the master keeps for it (its channels, what the loop watches).
 * Changed on the event loop with the supervisor's lock held.
 */
final class ServiceEntry {
    /** The configuration entry in force: a configuration PID, or a master.cf file and line. */
    String origin;
    /** That entry is a master.cf line. */
    boolean fromMasterCf;
    /** (type, canonical endpoint name): two entries with the same identity are one service. */
    final String identity;
    final ServiceState state;
    /** The events the loop reports for this service, the same object for every loop. */
    final ServiceEvents events;
    /** Read by JMX threads too (the endpoints). */
    volatile ListenSockets listenSockets;
    StatusChannel statusChannel;
    /** What the current loop watches of it, or null while no loop watches. */
    Watch watch;
    /** Its entry is gone: a cleanup runs, then it stops. */
    boolean removing;
    /** Postfix's MASTER_FLAG_CONDWAKE: a "N?" wakeup that waits for the first spawn. */
    boolean awaitingFirstSpawn;
    /** Told when the cleanup in progress (or the next one asked for) has ended. */
    final List<Runnable> cleanupWaiters = new ArrayList<>();

    ServiceEntry(String origin, boolean fromMasterCf, String identity, ServiceState state, Supervisor supervisor) {
        this.origin = origin;
        this.fromMasterCf = fromMasterCf;
        this.identity = identity;
        this.state = state;
        this.events = new ServiceEvents(this, supervisor);
        this.awaitingFirstSpawn = state.definition().conditionalWakeup();
    }

    /** Where the service listens, for operators. */
    List<String> endpoints() {
        return listenSockets == null ? List.of() : listenSockets.addresses();
    }

    ServiceSnapshot snapshot(long now) {
        return state.snapshot(now, endpoints());
    }

    /** The loop watches the service's listen sockets and status channel. */
    void watch(EventLoop loop) {
        watch = loop.watch(listenSockets, statusChannel, events);
    }

    /** The loop watches nothing of it any more (nothing to do when it did not). */
    void unwatch() {
        if (watch != null) {
            watch.cancel();
            watch = null;
        }
    }

    /** The cleanup asked for has ended: tells whoever waits for it. */
    void cleanupEnded() {
        if (cleanupWaiters.isEmpty()) {
            return; // every reap ends here: no copy when nobody waits
        }
        List<Runnable> waiters = new ArrayList<>(cleanupWaiters);
        cleanupWaiters.clear();
        waiters.forEach(Runnable::run);
    }

    @Override
    public String toString() {
        return state.toString();
    }
}
