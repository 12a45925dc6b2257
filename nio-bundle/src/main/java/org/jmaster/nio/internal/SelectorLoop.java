package org.jmaster.nio.internal;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jmaster.api.spi.loop.Timer;

/**
 * NAME
 *     SelectorLoop - one thread, one Selector, timers and tasks (Postfix util/events.c)
 * SUMMARY
 *     register(channel, ops, handler)   any thread; see flushCancelled for a channel just cancelled
 *     schedule(delay, task)             any thread; returns a Timer cancellable on the loop thread
 *     execute(task)                     any thread
 *     stop()                            any thread but the loop's; channels stay open
 * DESCRIPTION
 *     The thread blocks in select() until a channel is ready, the next timer is due, or a task is
 *     submitted; with nothing to do it sleeps, no polling. Each round runs the ready handlers,
 *     then the submitted tasks, then the due timers, in that order. A handler or task that throws
 *     is logged and the loop goes on: one service's trouble must not stop the others.
 *
 *     Stopping closes the Selector, which deregisters every channel without closing it, so that
 *     a successor can watch the same channels.
 */
final class SelectorLoop {
    private static final Logger LOG = Logger.getLogger("org.jmaster.nio");

    /** Called on the loop thread when its channel is ready. */
    interface Handler {
        void ready(SelectionKey key);
    }

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<LoopTimer> timers = new PriorityQueue<>();
    private volatile boolean running = true;
    private final AtomicLong timerSequence = new AtomicLong();
    private SelectionKey[] ready = new SelectionKey[16];

    private final class LoopTimer implements Timer, Comparable<LoopTimer> {
        final long due;
        final long sequence = timerSequence.getAndIncrement();
        final Runnable task;
        volatile boolean cancelled;

        LoopTimer(long due, Runnable task) {
            this.due = due;
            this.task = task;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(LoopTimer o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    SelectorLoop(String name) throws IOException {
        selector = Selector.open();
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    SelectionKey register(SelectableChannel channel, int ops, Handler handler) throws ClosedChannelException {
        SelectionKey key = channel.register(selector, ops, handler);
        changed();
        return key;
    }

    /** Registrations and interest changes take effect at the next select: wake the loop for them. */
    void changed() {
        if (!inLoop()) {
            selector.wakeup();
        }
    }

    Timer schedule(long delayMillis, Runnable task) {
        LoopTimer timer = new LoopTimer(System.nanoTime() + Math.max(0, delayMillis) * 1_000_000, task);
        if (inLoop()) {
            timers.add(timer);
        } else {
            execute(() -> timers.add(timer));
        }
        return timer;
    }

    void execute(Runnable task) {
        tasks.add(task);
        if (!inLoop()) {
            selector.wakeup();
        }
    }

    void stop() throws InterruptedException {
        running = false;
        selector.wakeup();
        thread.join(10_000);
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "closing the selector", e);
        }
    }

    private void run() {
        while (running) {
            try {
                select();
                runTasks();
                runTimers();
            } catch (IOException | RuntimeException | Error e) {
                LOG.log(Level.SEVERE, "event loop: " + e, e);
            }
        }
    }

    private void select() throws IOException {
        LoopTimer next = timers.peek();
        while (next != null && next.cancelled) {
            timers.poll();
            next = timers.peek();
        }
        if (!tasks.isEmpty()) {
            selector.selectNow();
        } else if (next == null) {
            selector.select();
        } else {
            long millis = (next.due - System.nanoTime() + 999_999) / 1_000_000;
            if (millis <= 0) {
                selector.selectNow();
            } else {
                selector.select(millis);
            }
        }
        // the ready keys are copied out first, as a handler may select again (flushCancelled); into
        // an array kept from round to round: toArray(new SelectionKey[0]) creates it reflectively,
        // which C1 does not compile inline, and was 5 % of the loop's CPU under the mail workload
        Set<SelectionKey> selected = selector.selectedKeys();
        int count = selected.size();
        if (count == 0) {
            return;
        }
        if (ready.length < count) {
            ready = new SelectionKey[Math.max(count, 2 * ready.length)];
        }
        selected.toArray(ready);
        selected.clear();
        for (int i = 0; i < count; i++) {
            SelectionKey key = ready[i];
            ready[i] = null; // a cancelled key and its channel are not kept alive here
            if (key.isValid()) {
                try {
                    ((Handler) key.attachment()).ready(key);
                } catch (RuntimeException e) {
                    LOG.log(Level.SEVERE, "event loop handler: " + e, e);
                }
            }
        }
    }

    /**
     * Completes the deregistration of cancelled keys now, so that their channels can be
     * registered again at once. Loop thread only (safe inside a handler: the ready keys of this
     * round were taken already).
     */
    void flushCancelled() throws IOException {
        selector.selectNow();
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "event loop task: " + e, e);
            }
        }
    }

    private void runTimers() {
        long now = System.nanoTime();
        LoopTimer timer;
        while ((timer = timers.peek()) != null && (timer.cancelled || timer.due - now <= 0)) {
            timers.poll();
            if (!timer.cancelled) {
                timer.cancelled = true;
                try {
                    timer.task.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.SEVERE, "event loop timer: " + e, e);
                }
            }
        }
    }
}
