package org.jmaster.dist;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients that keep connecting to an echo service, each request with its own line, and remember
 * every request that was refused, failed or got another reply.
 */
final class Clients implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong served = new AtomicLong();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    Clients(int port, int count) {
        for (int i = 0; i < count; i++) {
            int client = i;
            Thread thread = new Thread(() -> {
                for (long n = 0; running.get(); n++) {
                    String line = "client " + client + " request " + n;
                    try {
                        String reply = Container.echo(port, line);
                        if (line.equals(reply)) {
                            served.incrementAndGet();
                        } else {
                            failures.add(line + ": got " + reply);
                        }
                    } catch (IOException e) {
                        failures.add(line + ": " + e);
                    }
                }
            }, "client-" + i);
            thread.start();
            threads.add(thread);
        }
    }

    long served() {
        return served.get();
    }

    List<String> failures() {
        return failures;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join(60_000);
        }
    }
}
