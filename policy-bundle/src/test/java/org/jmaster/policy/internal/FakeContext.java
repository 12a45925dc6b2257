package org.jmaster.policy.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.jmaster.api.ChildProcess;
import org.jmaster.api.ServiceEvent;
import org.jmaster.api.ServiceRuntime;
import org.jmaster.api.spi.PolicyContext;
import org.jmaster.api.spi.SpawnException;
import org.jmaster.api.spi.StressArgument;
import org.jmaster.api.spi.Timer;

/**
 * A master for unit tests: a clock moved by hand, a timer queue that runs when the clock passes
 * it, a spawner that hands out pids 1000, 1001, ... (or fails on demand), and a record of every
 * call the policy made.
 */
final class FakeContext implements PolicyContext {
    long now = 1_000_000_000_000L;
    int nextPid = 1000;
    long generation;
    String spawnFailure;
    final List<String> calls = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    final List<String> infos = new ArrayList<>();
    final List<ServiceEvent> events = new ArrayList<>();
    final List<StressArgument> spawnedStress = new ArrayList<>();
    final List<ServiceRuntime> services = new ArrayList<>();
    private final PriorityQueue<FakeTimer> timers = new PriorityQueue<>(Comparator.comparingLong(t -> t.due));

    final class FakeTimer implements Timer {
        final long due;
        final Runnable task;
        boolean cancelled;

        FakeTimer(long due, Runnable task) {
            this.due = due;
            this.task = task;
        }

        @Override
        public void cancel() {
            cancelled = true;
            timers.remove(this);
        }
    }

    /** Moves the clock, running every timer that falls due on the way, in order. */
    void advance(long millis) {
        long target = now + millis;
        while (!timers.isEmpty() && timers.peek().due <= target) {
            FakeTimer timer = timers.poll();
            now = Math.max(now, timer.due);
            timer.task.run();
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
    public void listen(ServiceRuntime service, boolean enabled) {
        calls.add("listen " + enabled);
    }

    @Override
    public ChildProcess spawn(ServiceRuntime service, StressArgument stress) throws SpawnException {
        generation++;
        calls.add("spawn " + stress);
        spawnedStress.add(stress);
        if (spawnFailure != null) {
            throw new SpawnException(spawnFailure);
        }
        return new ChildProcess(nextPid++, generation, Instant.EPOCH);
    }

    @Override
    public void signal(ChildProcess child, int signal) {
        calls.add("signal " + child.pid() + " " + signal);
    }

    @Override
    public void restart(ServiceRuntime service) {
        calls.add("restart");
    }

    @Override
    public Timer schedule(long delayMillis, Runnable task) {
        FakeTimer timer = new FakeTimer(now + delayMillis, task);
        timers.add(timer);
        return timer;
    }

    @Override
    public ServiceRuntime ownerOf(int pid) {
        for (ServiceRuntime service : services) {
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
    public void event(ServiceRuntime service, ServiceEvent event, String message) {
        events.add(event);
    }

    long count(String call) {
        return calls.stream().filter(call::equals).count();
    }

    long spawns() {
        return calls.stream().filter(c -> c.startsWith("spawn")).count();
    }
}
