package org.jmaster.master.internal;

import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.jmaster.api.spi.loop.EventLoop;

/**
 * NAME
 *     Inbox - what other threads ask of the master, run on the event loop
 * SUMMARY
 *     submit(task)          run it on the loop, as soon as the master can act
 *     call(task, millis)    the same, and wait for its result
 *     kick()                a loop is there: drain what waits
 * DESCRIPTION
 *     Configuration changes, reaped children, operator requests and reloads arrive on other
 *     threads; every change of the master's state happens on the loop thread with the
 *     supervisor's lock held. So they are queued here, and drained on the loop when the binding
 *     says the master can act (a policy and a loop are bound): without them the tasks wait, in
 *     order, and nothing is lost. A task that throws is logged; the next one runs.
 */
final class Inbox {
    private final Supervisor supervisor;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

    Inbox(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    void submit(Runnable task) {
        tasks.add(task);
        kick();
    }

    /**
     * Runs the task on the event loop and waits for its result.
     *
     * @throws IllegalStateException when the master cannot act now (no policy or loop)
     * @throws java.util.concurrent.ExecutionException with what the task threw
     * @throws java.util.concurrent.TimeoutException when it did not run within the time
     */
    <T> T call(Callable<T> task, long millis) throws Exception {
        if (!supervisor.binding.canRun()) {
            throw new IllegalStateException("the master cannot act now: its policy or event loop bundle is not active");
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        submit(() -> {
            try {
                result.complete(task.call());
            } catch (Exception | LinkageError e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(millis, TimeUnit.MILLISECONDS);
    }

    void kick() {
        EventLoop loop = supervisor.binding.loop();
        if (loop != null) {
            loop.execute(() -> drain(loop));
        }
    }

    /** Runs what waits, on the thread of the loop bound now: a drain queued on a departed loop does nothing. */
    private void drain(EventLoop loop) {
        synchronized (supervisor.lock) {
            if (supervisor.binding.loop() != loop || !supervisor.binding.beginRound()) {
                return;
            }
            Runnable task;
            while ((task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    Supervisor.LOG.log(Level.SEVERE, "master task failed: " + e, e);
                }
            }
        }
    }
}
