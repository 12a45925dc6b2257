package org.jmaster.master.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jmaster.api.spi.loop.EventLoop;
import org.jmaster.api.spi.policy.ServiceState;

/**
 * NAME
 *     Timers - the master's timers, keyed by service and kind (Postfix event_request_timer)
 * SUMMARY
 *     schedule(service, kind, delay, task)   arm, replacing the one of that key
 *     cancel(service, kind), cancelAll(service)
 *     suspend() / resume(loop)              the loop went away / a loop is back
 * DESCRIPTION
 *     Postfix keys a timer by its callback and context, not by a handle; so does the master,
 *     by service and kind (the policy's TimerKind, or the master's own wakeup). The due time is
 *     kept here, on the master's clock, so that a timer outlives the loop that ran it: suspend()
 *     forgets the loop's handles when the loop or the policy goes away, and resume() arms every
 *     timer again on the new loop for the time left. A timer that falls due while suspended
 *     runs as soon as the timers are resumed.
 *
 *     A task runs on the loop thread with the supervisor's lock held; a handle of a timer that
 *     was replaced, cancelled or suspended meanwhile runs nothing.
 */
final class Timers {
    private final Object lock;
    private final Clock clock;
    private final Map<Key, Armed> armed = new HashMap<>();
    private EventLoop loop;
    /** Counts suspensions, so that a handle of an earlier loop runs nothing. */
    private long epoch;

    private record Key(ServiceState service, Object kind) {
    }

    private static final class Armed {
        final long due;
        final Runnable task;
        org.jmaster.api.spi.loop.Timer handle;

        Armed(long due, Runnable task) {
            this.due = due;
            this.task = task;
        }
    }

    Timers(Object lock, Clock clock) {
        this.lock = lock;
        this.clock = clock;
    }

    /** Arms the timer of this service and kind, replacing the one armed. */
    void schedule(ServiceState service, Object kind, long delayMillis, Runnable task) {
        Key key = new Key(service, kind);
        cancel(key);
        Armed timer = new Armed(clock.millis() + Math.max(0, delayMillis), task);
        armed.put(key, timer);
        if (loop != null) {
            arm(key, timer);
        }
    }

    void cancel(ServiceState service, Object kind) {
        cancel(new Key(service, kind));
    }

    /** Every timer of this service, whatever its kind. */
    void cancelAll(ServiceState service) {
        for (Key key : List.copyOf(armed.keySet())) {
            if (key.service() == service) {
                cancel(key);
            }
        }
    }

    /** True when the timer of this service and kind is armed. */
    boolean isArmed(ServiceState service, Object kind) {
        return armed.containsKey(new Key(service, kind));
    }

    /** The loop or the policy went away: the timers wait, their due times kept. */
    void suspend() {
        epoch++;
        loop = null;
        for (Armed timer : armed.values()) {
            if (timer.handle != null) {
                timer.handle.cancel();
                timer.handle = null;
            }
        }
    }

    /** A loop and a policy are in place: every timer is armed on this loop for the time left. */
    void resume(EventLoop next) {
        epoch++;
        loop = next;
        armed.forEach(this::arm);
    }

    void clear() {
        suspend();
        armed.clear();
    }

    private void cancel(Key key) {
        Armed timer = armed.remove(key);
        if (timer != null && timer.handle != null) {
            timer.handle.cancel();
        }
    }

    private void arm(Key key, Armed timer) {
        long armedIn = epoch;
        timer.handle = loop.schedule(Math.max(0, timer.due - clock.millis()), () -> fire(key, timer, armedIn));
    }

    private void fire(Key key, Armed timer, long armedIn) {
        synchronized (lock) {
            if (armedIn == epoch && armed.get(key) == timer) {
                armed.remove(key);
                timer.task.run();
            }
        }
    }
}
