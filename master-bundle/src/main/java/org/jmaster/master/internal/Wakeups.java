package org.jmaster.master.internal;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.spi.loop.EventLoop;
import org.jmaster.api.spi.policy.ServiceState;

/**
 * NAME
 *     Wakeups - periodic wakeup triggers (Postfix master_wakeup.c)
 * SUMMARY
 *     init(entry)     cancel, then unless no wakeup or waiting for the first spawn: trigger now,
 *                     and every N seconds
 *     cancel(entry)   no more triggers
 * DESCRIPTION
 *     A trigger is a normal client of the service's own endpoint that sends the request 'W': it
 *     wakes the master's listen event (a child is spawned) or an idle child takes it. The event
 *     loop sends it (EventLoop.trigger: inet, unix, fifo and pass as Postfix does; unix-dgram
 *     cannot be triggered and gets a warning every period), on the service's first endpoint.
 *     Without a loop bound at that moment, the trigger is skipped; the timer keeps running.
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
        ServiceDefinition definition = service.definition();
        String address = entry.endpoints().get(0);
        sender.execute(() -> {
            EventLoop loop = supervisor.binding.loop();
            if (loop == null) {
                return; // skipped: the timer comes again next period
            }
            try {
                loop.trigger(definition, address, DEADLINE_MILLIS);
            } catch (IOException e) {
                supervisor.context.warning("master_wakeup_timer_event: service " + service + ": " + e.getMessage());
            }
        });
    }

    @Override
    public void close() {
        sender.shutdownNow();
    }
}
