package org.jmaster.policy.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.jmaster.api.ServiceEvent;
import org.jmaster.api.SpawnException;
import org.jmaster.api.StressArgument;
import org.jmaster.api.spi.policy.ChildState;
import org.jmaster.api.spi.policy.PolicyContext;
import org.jmaster.api.spi.policy.ProcessPolicy;
import org.jmaster.api.spi.policy.ServiceState;
import org.jmaster.api.spi.policy.TimerKind;

/**
 * A master for unit tests: a clock moved by hand, timers keyed by service and kind that run (on
 * the policy in place) when the clock passes them, a spawner that hands out pids 1000, 1001, ...
 * (or fails on demand), and a record of every call the policy made.
 */
final class FakeContext implements PolicyContext {
    long now = 1_000_000_000_000L;
    int nextPid = 1000;
    long generation;
    String spawnFailure;
    /** Whose timerExpired runs when a timer is due: the master routes to the policy in place. */
    ProcessPolicy policy;
    final List<String> calls = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    final List<String> infos = new ArrayList<>();
    final List<ServiceEvent> events = new ArrayList<>();
    final List<StressArgument> spawnedStress = new ArrayList<>();
    final List<ServiceState> services = new ArrayList<>();
    private final PriorityQueue<FakeTimer> timers = new PriorityQueue<>(Comparator.comparingLong(FakeTimer::due));

    private record FakeTimer(ServiceState service, TimerKind kind, long due) {
    }

    /** Moves the clock, running every timer that falls due on the way, in order. */
    void advance(long millis) {
        long target = now + millis;
        while (!timers.isEmpty() && timers.peek().due() <= target) {
            FakeTimer timer = timers.poll();
            now = Math.max(now, timer.due());
            policy.timerExpired(timer.service(), timer.kind(), this);
        }
        now = target;
    }

    int pendingTimers() {
        return timers.size();
    }

    @Override
    public long now() {
        return now;
    }

    @Override
    public void listen(ServiceState service, boolean enabled) {
        calls.add("listen " + enabled);
    }

    @Override
    public ChildState spawn(ServiceState service, StressArgument stress) throws SpawnException {
        generation++;
        calls.add("spawn " + stress);
        spawnedStress.add(stress);
        if (spawnFailure != null) {
            throw new SpawnException(spawnFailure);
        }
        return new ChildState(nextPid++, generation, Instant.EPOCH);
    }

    @Override
    public void signal(ChildState child, int signal) {
        calls.add("signal " + child.pid() + " " + signal);
    }

    @Override
    public void restart(ServiceState service) {
        calls.add("restart");
    }

    @Override
    public void schedule(ServiceState service, TimerKind kind, long delayMillis) {
        cancel(service, kind);
        timers.add(new FakeTimer(service, kind, now + delayMillis));
    }

    @Override
    public void cancel(ServiceState service, TimerKind kind) {
        timers.removeIf(t -> t.service() == service && t.kind() == kind);
    }

    @Override
    public ServiceState ownerOf(int pid) {
        for (ServiceState service : services) {
            if (service.child(pid) != null) {
                return service;
            }
        }
        return null;
    }

    @Override
    public void warning(String message) {
        warnings.add(message);
    }

    @Override
    public void info(String message) {
        infos.add(message);
    }

    @Override
    public void event(ServiceState service, ServiceEvent event, String message) {
        events.add(event);
    }

    long count(String call) {
        return calls.stream().filter(call::equals).count();
    }

    long spawns() {
        return calls.stream().filter(c -> c.startsWith("spawn")).count();
    }
}
