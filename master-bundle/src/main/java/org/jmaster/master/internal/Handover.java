package org.jmaster.master.internal;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jmaster.api.spi.loop.EventLoop;
import org.jmaster.api.spi.loop.ListenSockets;
import org.jmaster.api.spi.policy.ChildState;

/**
 * NAME
 *     Handover - the master bundle goes away and leaves its clients to the next one
 * SUMMARY
 *     retireAll()        no new child; every child finishes its request and exits
 *     isRetiring()
 *     release(sockets)   listen sockets of a stopped service: closed, or kept for the next master
 *     closeAll()         the master is gone: every channel closed, the listen sockets kept
 * DESCRIPTION
 *     Postfix's master has no such thing: it is one process. When the master bundle stops or is
 *     updated, its services are not removed but handed over: the children are retired as by a
 *     reload (the status channels close, so idle ones exit at once and busy ones after their
 *     request), nothing new starts meanwhile (no child, no configuration change, no restart),
 *     and the listen sockets are left to the event loop (EventLoop.keep) for KEEP_MILLIS, so
 *     that clients wait in the backlog and the next master's open of the same addresses takes
 *     them back. The time counts from the master's last moment. Without a loop they are closed.
 *
 *     Called with the supervisor's lock held: retireAll on the loop, closeAll from the thread
 *     that stops the master.
 */
final class Handover {
    /** How long the loop keeps the sockets of a master that went away for the next one. */
    static final long KEEP_MILLIS = 10_000;

    private final Supervisor supervisor;
    private boolean retiring;
    /** Listen sockets of services already stopped, for the loop once the master is gone. */
    private final List<ListenSockets> handedOver = new ArrayList<>();

    Handover(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    void retireAll() {
        retiring = true;
        for (ServiceEntry entry : supervisor.table.all()) {
            supervisor.wakeups.cancel(entry);
            entry.unwatch();
            entry.state.children().forEach(ChildState::setTerminating);
            closeQuietly(entry.statusChannel);
        }
    }

    boolean isRetiring() {
        return retiring;
    }

    /** Closes listen sockets, or sets them aside for the next master (closeAll hands them over). */
    void release(ListenSockets sockets) {
        if (retiring && sockets != null) {
            handedOver.add(sockets);
        } else {
            closeQuietly(sockets);
        }
    }

    /** Closes every channel of every service, whatever its state: the master is gone. */
    void closeAll() {
        for (ServiceEntry entry : supervisor.table.all()) {
            closeQuietly(entry.statusChannel);
            release(entry.listenSockets);
        }
        EventLoop loop = supervisor.binding.loop();
        for (ListenSockets sockets : handedOver) {
            if (loop != null) {
                loop.keep(sockets, KEEP_MILLIS);
            } else {
                closeQuietly(sockets);
            }
        }
        handedOver.clear();
        supervisor.wakeups.close();
        supervisor.timers.clear();
        supervisor.table.clear();
    }

    static void closeQuietly(Closeable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (IOException e) {
                Supervisor.LOG.fine("close: " + e);
            }
        }
    }
}
