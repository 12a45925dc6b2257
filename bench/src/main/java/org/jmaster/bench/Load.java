package org.jmaster.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load client: connections to 127.0.0.1 that each send one line, half-close, and read the reply
 * to the end (what spawn(8) with /bin/cat, and the echo child, answer), timed from connect to end of
 * file. Bounded in connections and in time; a connection that fails or gets another reply is a
 * failure, counted.
 */
final class Load {
    private Load() {
    }

    /** What a run measured. */
    static final class Result {
        long connections;
        long failures;
        double seconds;
        long[] latencies = new long[0];
        String firstFailure;

        double perSecond() {
            return connections / seconds;
        }

        double percentileMillis(double p) {
            if (latencies.length == 0) {
                return Double.NaN;
            }
            long[] sorted = latencies.clone();
            Arrays.sort(sorted);
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)] / 1e6;
        }
    }

    /** One request; returns its latency in nanoseconds, or -1 on failure. */
    static long request(int port, byte[] line, int timeoutMillis) {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            socket.getOutputStream().write(line);
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[line.length + 1];
            int n = 0;
            for (int r; (r = in.read(reply, n, reply.length - n)) > 0;) {
                n += r;
            }
            if (n != line.length || !Arrays.equals(line, Arrays.copyOf(reply, n))) {
                return -1;
            }
            return System.nanoTime() - start;
        } catch (IOException e) {
            return -1;
        }
    }

    /** {@code clients} threads, each connecting again and again for the time, or until the cap. */
    static Result steady(int port, int clients, double seconds, long maxConnections) throws InterruptedException {
        AtomicLong started = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        long[][] latencies = new long[clients][];
        String[] firstFailure = new String[1];
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        List<Thread> threads = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int c = 0; c < clients; c++) {
            int id = c;
            Thread thread = new Thread(() -> {
                long[] mine = new long[1024];
                int count = 0;
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (long n = 0; System.nanoTime() < deadline && started.incrementAndGet() <= maxConnections; n++) {
                    byte[] line = ("client " + id + " request " + n + "\n").getBytes();
                    long latency = request(port, line, 30_000);
                    if (latency < 0) {
                        failures.incrementAndGet();
                        synchronized (firstFailure) {
                            if (firstFailure[0] == null) {
                                firstFailure[0] = "client " + id + " request " + n;
                            }
                        }
                        continue;
                    }
                    if (count == mine.length) {
                        mine = Arrays.copyOf(mine, count * 2);
                    }
                    mine[count++] = latency;
                }
                latencies[id] = Arrays.copyOf(mine, count);
            });
            threads.add(thread);
        }
        Result result = new Result();
        result.seconds = release(threads, go);
        result.latencies = Arrays.stream(latencies).flatMapToLong(Arrays::stream).toArray();
        result.connections = result.latencies.length;
        result.failures = failures.get();
        result.firstFailure = firstFailure[0];
        return result;
    }

    /**
     * {@code clients} connections released at once, each holding its line for {@code holdMillis}
     * before sending it (0 for a burst; more for slow clients that each need a child of their own).
     * The result's seconds is the makespan: from the release to the last reply.
     */
    static Result once(int port, int clients, int holdMillis) throws InterruptedException {
        long[] latencies = new long[clients];
        AtomicLong failures = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int id = c;
            Thread thread = new Thread(() -> {
                byte[] line = ("burst client " + id + "\n").getBytes();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                long start = System.nanoTime();
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 60_000);
                    socket.setSoTimeout(120_000);
                    if (holdMillis > 0) {
                        Thread.sleep(holdMillis);
                    }
                    socket.getOutputStream().write(line);
                    socket.shutdownOutput();
                    byte[] reply = socket.getInputStream().readAllBytes();
                    if (Arrays.equals(line, reply)) {
                        latencies[id] = System.nanoTime() - start;
                        return;
                    }
                } catch (IOException | InterruptedException e) {
                    // counted below
                }
                failures.incrementAndGet();
                latencies[id] = -1;
            }, "burst-" + c);
            threads.add(thread);
        }
        Result result = new Result();
        result.seconds = release(threads, go);
        result.latencies = Arrays.stream(latencies).filter(l -> l >= 0).toArray();
        result.connections = result.latencies.length;
        result.failures = failures.get();
        return result;
    }

    /** Starts the threads, lets them go at once, waits for all: the seconds from the release to the last. */
    private static double release(List<Thread> threads, CountDownLatch go) throws InterruptedException {
        threads.forEach(Thread::start);
        long begin = System.nanoTime();
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        return (System.nanoTime() - begin) / 1e9;
    }
}
