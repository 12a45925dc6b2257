package org.jmaster.master.internal;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.ServiceType;
import org.jmaster.api.spi.loop.EventLoop;
import org.jmaster.api.spi.loop.ListenSockets;
import org.jmaster.api.spi.loop.LoopEvents;
import org.jmaster.api.spi.loop.StatusChannel;
import org.jmaster.api.spi.loop.Timer;
import org.jmaster.api.spi.loop.Watch;

/**
 * An event loop for unit tests: the test thread is the loop thread (run() drains the tasks,
 * advance() moves the shared clock and runs the timers due), endpoints are unbound channels, and
 * every call is recorded.
 */
final class FakeLoop implements EventLoop {
    final List<String> calls = new ArrayList<>();
    final List<FakeWatch> watches = new ArrayList<>();
    final List<ListenSockets> opened = new ArrayList<>();
    final List<ListenSockets> kept = new ArrayList<>();
    private final FakeClock clock;
    private final Deque<Runnable> tasks = new ArrayDeque<>();
    private final List<FakeTimer> timers = new ArrayList<>();
    private int nextFd = 100;
    /** A service name whose endpoint cannot be bound. */
    String busy;
    /** Status channels cannot be made. */
    boolean noStatusChannels;
    /** watch() fails. */
    boolean brokenWatch;
    /** Timers ignore cancel(), as a loop may run a timer cancelled from another thread too late. */
    boolean lateCancels;
    /** The delays of every schedule(), in order. */
    final List<Long> scheduled = new ArrayList<>();
    /** Every trigger(), as "type endpoint timeout", from the master's wakeup thread. */
    final BlockingQueue<String> triggers = new LinkedBlockingQueue<>();
    /** What trigger() throws, if anything. */
    volatile IOException triggerFailure;
    /** When set, trigger() waits for it after recording the call. */
    volatile CountDownLatch triggerGate;

    FakeLoop(FakeClock clock) {
        this.clock = clock;
    }

    final class FakeWatch implements Watch {
        final ListenSockets sockets;
        final LoopEvents events;
        StatusChannel status;
        boolean listening;
        boolean cancelled;

        FakeWatch(ListenSockets sockets, StatusChannel status, LoopEvents events) {
            this.sockets = sockets;
            this.status = status;
            this.events = events;
        }

        @Override
        public void setListening(boolean enabled) {
            listening = enabled;
        }

        @Override
        public void statusChannel(StatusChannel channel) {
            calls.add("status channel " + sockets.addresses());
            status = channel;
        }

        @Override
        public void cancel() {
            if (!cancelled) {
                calls.add("cancel " + sockets.addresses() + (status.masterEnd().isOpen() ? " (status open)" : "")
                        + (sockets.channels().get(0).isOpen() ? " (listen open)" : ""));
            }
            cancelled = true;
        }
    }

    private final class FakeTimer implements Timer {
        final long due;
        final Runnable task;
        boolean cancelled;

        FakeTimer(long due, Runnable task) {
            this.due = due;
            this.task = task;
        }

        @Override
        public void cancel() {
            cancelled = !lateCancels;
        }
    }

    @Override
    public String endpointName(ServiceDefinition definition, MasterSettings settings) {
        if (definition.type() == ServiceType.INET) {
            return definition.name().equals("smtp") ? "25" : definition.name();
        }
        return (definition.privateService() ? "private/" : "public/") + definition.name();
    }

    @Override
    public ListenSockets open(ServiceDefinition definition, MasterSettings settings, int backlog) throws IOException {
        calls.add("open " + definition.name());
        if (definition.name().equals(busy)) {
            throw new IOException("bind " + definition.name().replace(":", " port ") + ": Address already in use");
        }
        ListenSockets sockets = new ListenSockets(List.of(endpointName(definition, settings)),
                List.of(ServerSocketChannel.open()), new int[] {nextFd++}, true);
        opened.add(sockets);
        return sockets;
    }

    @Override
    public void keep(ListenSockets sockets, long millis) {
        calls.add("keep " + sockets.addresses() + " " + millis);
        kept.add(sockets);
    }

    @Override
    public StatusChannel openStatusChannel() throws IOException {
        calls.add("status channel");
        if (noStatusChannels) {
            throw new IOException("socketpair: Too many open files");
        }
        return new StatusChannel(SocketChannel.open(), SocketChannel.open(), nextFd++);
    }

    @Override
    public Watch watch(ListenSockets sockets, StatusChannel status, LoopEvents events) {
        calls.add("watch " + sockets.addresses());
        if (brokenWatch) {
            throw new IllegalStateException("cannot watch " + sockets.addresses());
        }
        FakeWatch watch = new FakeWatch(sockets, status, events);
        watches.add(watch);
        return watch;
    }

    @Override
    public void trigger(ServiceDefinition definition, String endpoint, int timeoutMillis) throws IOException {
        triggers.add(definition.type() + " " + endpoint + " " + timeoutMillis);
        CountDownLatch gate = triggerGate;
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        IOException failure = triggerFailure;
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public Timer schedule(long delayMillis, Runnable task) {
        scheduled.add(delayMillis);
        FakeTimer timer = new FakeTimer(clock.now + delayMillis, task);
        timers.add(timer);
        return timer;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    /** Runs what was submitted, and what that submits, as the loop thread would. */
    void run() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    /** Moves the clock, running every timer due on the way, in order, then the tasks. */
    void advance(long millis) {
        long target = clock.now + millis;
        while (true) {
            FakeTimer next = timers.stream().filter(t -> !t.cancelled && t.due <= target)
                    .min(Comparator.comparingLong(t -> t.due)).orElse(null);
            if (next == null) {
                break;
            }
            timers.remove(next);
            clock.now = Math.max(clock.now, next.due);
            next.task.run();
            run();
        }
        clock.now = target;
        run();
    }

    /** The watch the loop holds for this endpoint now (not cancelled), or null. */
    FakeWatch watchOf(String endpoint) {
        for (int i = watches.size() - 1; i >= 0; i--) {
            FakeWatch watch = watches.get(i);
            if (!watch.cancelled && watch.sockets.addresses().contains(endpoint)) {
                return watch;
            }
        }
        return null;
    }
}
