package org.jmaster.master.internal;

import java.util.ArrayList;
import java.util.List;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jmaster.api.ExitStatus;
import org.jmaster.api.ServiceEvent;
import org.jmaster.api.SpawnException;
import org.jmaster.api.StressArgument;
import org.jmaster.api.spi.policy.ChildState;
import org.jmaster.api.spi.policy.PolicyContext;
import org.jmaster.api.spi.policy.ServiceState;
import org.jmaster.api.spi.policy.TimerKind;
import org.jmaster.api.spi.spawner.SpawnRequest;
import org.jmaster.api.spi.spawner.Spawner;

/**
 * NAME
 *     MasterContext - what the policy can do, and how the master does it (Postfix master_spawn.c,
 *     the master's side)
 * SUMMARY
 *     now, listen, spawn, signal, restart, schedule/cancel, ownerOf, warning/info, event
 *     reaped(pid)    a child's death, moved onto the loop
 * DESCRIPTION
 *     The PolicyContext the master gives the policy, on the loop thread with the supervisor's
 *     lock held. Listening goes to the service's watch (never while no spawner is bound); a
 *     spawn takes the next value of the master-wide generation counter (also when it fails, as
 *     Postfix's) and hands the service's descriptors to the spawner; timers are the master's,
 *     keyed by service and kind, and whichever policy is bound when one is due handles it.
 *
 *     Deaths come from the spawner's thread, keyed by pid until the loop handles them. When the
 *     kernel gives a new child the pid of one whose death is still queued (pid reuse), that death
 *     is handled first, so that no table ever holds two records for one pid. After the policy
 *     handled a death, the lifecycle is told (a removed service finishes when its last child is
 *     gone).
 */
final class MasterContext implements PolicyContext {
    private final Supervisor supervisor;
    /** Deaths reported by the spawner and not yet handled on the loop, by pid. */
    private final Map<Integer, ExitStatus> deaths = new ConcurrentHashMap<>();
    private volatile long generation;

    MasterContext(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    /** The generation of the newest child. */
    long generation() {
        return generation;
    }

    @Override
    public long now() {
        return supervisor.clock.millis();
    }

    @Override
    public void listen(ServiceState service, boolean enabled) {
        ServiceEntry entry = supervisor.table.entryOf(service);
        if (entry != null && entry.watch != null) {
            entry.watch.setListening(enabled && supervisor.binding.hasSpawner());
        }
    }

    @Override
    public ChildState spawn(ServiceState service, StressArgument stress) throws SpawnException {
        long next = (generation + 1) & 0xFFFF_FFFFL;
        generation = next;
        Spawner spawner = supervisor.binding.spawner();
        ServiceEntry entry = supervisor.table.entryOf(service);
        if (spawner == null) {
            throw new SpawnException("fork: no spawner");
        }
        if (entry == null) {
            throw new SpawnException("fork: service " + service + " is no longer configured");
        }
        SpawnRequest request = new SpawnRequest(service.definition(), service.path(), supervisor.settings(), next,
                stress, entry.statusChannel.childFd(), entry.listenSockets.fds());
        int pid;
        try {
            pid = spawner.spawn(request, (dead, status) -> {
                deaths.put(dead, status);
                supervisor.inbox.submit(() -> reaped(service, dead));
            });
        } catch (RuntimeException | LinkageError e) {
            throw new SpawnException("fork: " + e);
        }
        if (deaths.containsKey(pid)) {
            ServiceState stale = supervisor.table.ownerOf(pid);
            if (stale != null) {
                exited(stale, pid, deaths.remove(pid));
            }
        }
        supervisor.lifecycle.spawned(entry);
        return new ChildState(pid, next, Instant.now());
    }

    /** A reaped child's death, on the loop: unless it was handled already (pid reuse, see spawn). */
    private void reaped(ServiceState service, int pid) {
        ExitStatus status = deaths.remove(pid);
        if (status != null && service.child(pid) != null && supervisor.table.isCurrent(service)) {
            exited(service, pid, status);
        }
    }

    private void exited(ServiceState owner, int pid, ExitStatus status) {
        supervisor.binding.policy().childExited(owner, pid, status, this);
        supervisor.lifecycle.reaped(supervisor.table.entryOf(owner));
    }

    @Override
    public void signal(ChildState child, int signal) {
        Spawner spawner = supervisor.binding.spawner();
        if (spawner != null) {
            spawner.signal(child.pid(), signal);
        }
    }

    @Override
    public void restart(ServiceState service) {
        ServiceEntry entry = supervisor.table.entryOf(service);
        if (entry != null) {
            supervisor.lifecycle.restart(entry);
        }
    }

    @Override
    public void schedule(ServiceState service, TimerKind kind, long delayMillis) {
        supervisor.timers.schedule(service, kind, delayMillis,
                () -> supervisor.binding.policy().timerExpired(service, kind, this));
    }

    @Override
    public void cancel(ServiceState service, TimerKind kind) {
        supervisor.timers.cancel(service, kind);
    }

    /** While the first load runs (loop thread, lock held): what it refused. */
    private List<String> startupErrors;

    @Override
    public ServiceState ownerOf(int pid) {
        return supervisor.table.ownerOf(pid);
    }

    @Override
    public void warning(String message) {
        Supervisor.LOG.warning(message);
    }

    @Override
    public void info(String message) {
        Supervisor.LOG.info(message);
    }

    /** jmaster's own account of what it did, which Postfix's master does not log: jmaster's log only. */
    void detail(String message) {
        Supervisor.DETAIL.info(message);
    }

    /** A configuration error: the entry or the value is refused. */
    void error(String message) {
        error(message, message);
    }

    /**
     * A configuration error, and what Postfix's master would have died of at start-up for it
     * (strict_start): "bind 0.0.0.0 port 25: Address already in use".
     */
    void error(String message, String fatal) {
        Supervisor.LOG.severe(message);
        if (startupErrors != null) {
            startupErrors.add(fatal);
        }
    }

    /** Collects the errors of the start-up's first load, until it ends: what strict_start is fatal on. */
    void collectStartupErrors() {
        startupErrors = new ArrayList<>();
    }

    /** The errors since collectStartupErrors, and no more collecting. */
    List<String> startupErrors() {
        List<String> errors = startupErrors == null ? List.of() : startupErrors;
        startupErrors = null;
        return errors;
    }

    @Override
    public void event(ServiceState service, ServiceEvent event, String message) {
        Supervisor.LOG.fine(() -> event.notificationType() + ": " + message);
        supervisor.observer().event(service, event, message);
    }
}
