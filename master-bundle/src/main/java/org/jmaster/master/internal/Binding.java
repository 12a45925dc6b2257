package org.jmaster.master.internal;

import org.jmaster.api.spi.loop.EventLoop;
import org.jmaster.api.spi.policy.ProcessPolicy;
import org.jmaster.api.spi.spawner.Spawner;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/**
 * NAME
 *     Binding - the policy, the event loop and the spawner, as they come and go
 * SUMMARY
 *     setPolicy/unsetPolicy, setLoop/unsetLoop, setSpawner/unsetSpawner   on DS threads
 *     canRun(), beginRound()            whether the master can act; start watching if it can
 *     policy(), loop(), hasSpawner(), isWatching()
 *     close()                           nothing runs after this
 * DESCRIPTION
 *     The master keeps every service's state, channels and timers itself, so that each of the
 *     three bundles can be replaced while services keep their sockets:
 *     - without a policy or a loop nothing is watched and the timers wait; the inbox keeps what
 *       arrives (reaped children among it), clients wait in the kernel's backlog, records in the
 *       status sockets;
 *     - when both are back, the next round of the inbox has the loop watch every service again
 *       and the policy take each over (its listen decision applied to the new watch), and the
 *       timers are armed on the loop for the time they have left;
 *     - without a spawner no listen socket is watched, and every service is restarted so that
 *       its children finish their request and exit: the departing spawner reaps them; a spawner
 *       that replaces another before it left retires the old one's children the same way.
 *     The generation counter survives every replacement (MasterContext).
 *
 *     Collaborators change with the supervisor's lock held; readers on other threads see the
 *     volatile fields.
 */
final class Binding {
    private final Supervisor supervisor;
    private volatile ProcessPolicy policy;
    private volatile EventLoop loop;
    private volatile Spawner spawner;
    private boolean watching;
    private volatile boolean closed;

    Binding(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    ProcessPolicy policy() {
        return policy;
    }

    EventLoop loop() {
        return loop;
    }

    Spawner spawner() {
        return spawner;
    }

    boolean hasSpawner() {
        return spawner != null;
    }

    /** The loop watches every service and the policy decides: events reach the policy. Lock held. */
    boolean isWatching() {
        return watching;
    }

    boolean isClosed() {
        return closed;
    }

    /** True when a task submitted now can run (policy and loop present). */
    boolean canRun() {
        return policy != null && loop != null && !closed;
    }

    /** Called by the inbox on the loop, lock held: true when tasks can run, watching started. */
    boolean beginRound() {
        if (!canRun()) {
            return false;
        }
        if (!watching) {
            startWatching();
        }
        return true;
    }

    void setPolicy(ProcessPolicy p) {
        synchronized (supervisor.lock) {
            stopWatching();
            policy = p;
        }
        arrived("policy", p);
        supervisor.inbox.kick();
    }

    void unsetPolicy(ProcessPolicy p) {
        synchronized (supervisor.lock) {
            if (policy == p) {
                stopWatching();
                policy = null;
                left("policy");
            }
        }
    }

    void setLoop(EventLoop l) {
        synchronized (supervisor.lock) {
            stopWatching();
            loop = l;
        }
        arrived("event loop", l);
        supervisor.inbox.kick();
    }

    void unsetLoop(EventLoop l) {
        synchronized (supervisor.lock) {
            if (loop == l) {
                stopWatching();
                loop = null;
                left("event loop");
            }
        }
    }

    /** A spawner arrived; the children of one it replaces are retired (only it can reap them). */
    void setSpawner(Spawner s) {
        Spawner previous;
        synchronized (supervisor.lock) {
            previous = spawner;
            spawner = s;
        }
        arrived("spawner", s);
        supervisor.inbox.submit(previous == null ? supervisor.lifecycle::applyListening
                : supervisor.lifecycle::retireChildren);
    }

    /** The spawner is leaving: its children finish their request and exit, and it reaps them. */
    void unsetSpawner(Spawner s) {
        synchronized (supervisor.lock) {
            if (spawner != s) {
                return;
            }
            spawner = null;
            if (!closed) {
                Supervisor.DETAIL.info("the spawner left: its children finish their request and exit; clients wait"
                        + " until a spawner is back");
            }
        }
        supervisor.inbox.submit(supervisor.lifecycle::retireChildren);
    }

    /** Stops everything: no task runs after this. Channels are closed by the caller. Lock held. */
    void close() {
        stopWatching();
        closed = true;
    }

    private void startWatching() {
        for (ServiceEntry entry : supervisor.table.all()) {
            if (supervisor.handover.isRetiring()) {
                policy.availListen(entry.state, supervisor.context); // the new policy's decision; nothing watched
                continue; // their status channels are closed; only the timers of their cleanup run
            }
            entry.watch(loop);
            policy.availListen(entry.state, supervisor.context);
            entry.watch.setListening(entry.state.isListening() && spawner != null);
        }
        watching = true;
        supervisor.timers.resume(loop);
    }

    private void stopWatching() {
        if (!watching) {
            return;
        }
        watching = false;
        supervisor.timers.suspend();
        supervisor.table.all().forEach(ServiceEntry::unwatch);
    }

    private void left(String what) {
        if (!closed) {
            Supervisor.DETAIL.info("the " + what + " left: services keep their sockets; clients wait until it is back");
        }
    }

    private static void arrived(String what, Object component) {
        Bundle bundle = FrameworkUtil.getBundle(component.getClass());
        Supervisor.DETAIL.info("the " + what + " arrived: " + component.getClass().getName() + " from bundle "
                + (bundle == null ? "(none)" : bundle.getSymbolicName() + " " + bundle.getVersion() + " #"
                        + bundle.getBundleId()));
    }
}
