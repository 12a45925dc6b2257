package org.jmaster.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ObjectName;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.Bundle;

/**
 * Reliability, case 5 (the bundles' part): every jmaster bundle stopped and started again and
 * again while clients keep connecting, each cycle waiting until a client was served again (a
 * replaced spawner retires the children of the old one, and a Java child needs a moment to start:
 * cycling faster than that only makes clients wait). Afterwards the JVM's descriptors, threads
 * and MBeans, and the children, are what they were; the service serves, and no client was refused or
 * lost: not even while the master bundle is stopped, as the event loop keeps its listen sockets
 * for the next master and its children finish their requests. Reduced in CI; full size
 * with -Djmaster.reliability.full=true.
 */
@RunWith(PaxExam.class)
public class BundleCyclesIT extends JmasterTestSupport {
    private static final boolean FULL = Boolean.getBoolean("jmaster.reliability.full");

    @Test
    public void stopStartCyclesUnderTrafficLeaveNothingBehind() throws Exception {
        int cycles = FULL ? 100 : 10;
        int port = freePort();
        String name = "127.0.0.1:" + port;
        service("echo", name + " inet n - n - 4 echo");
        awaitStarted(name);
        assertEquals("warm", echo(port, "warm"));
        Thread.sleep(500);
        int[] before = fdsAndThreads();
        int mbeansBefore = mbeans();
        StringBuilder figures = new StringBuilder();
        for (String bundle : List.of("org.jmaster.policy", "org.jmaster.nio", "org.jmaster.spawner", "org.jmaster.child",
                "org.jmaster.api", "org.jmaster.master")) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong served = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            AtomicLong longest = new AtomicLong();
            List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Thread client = new Thread(() -> {
                    for (long n = 0; running.get(); n++) {
                        long start = System.nanoTime();
                        try {
                            String reply = echo(port, "cycle " + n);
                            if (("cycle " + n).equals(reply)) {
                                served.incrementAndGet();
                                longest.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                            } else {
                                failed.incrementAndGet();
                                failures.add("reply " + reply);
                            }
                        } catch (java.net.ConnectException e) {
                            refused.incrementAndGet(); // no listen socket
                            failures.add(e.toString());
                            sleep(20);
                        } catch (IOException e) {
                            failed.incrementAndGet();
                            failures.add(e.toString());
                            sleep(20);
                        }
                    }
                });
                client.start();
                clients.add(client);
            }
            Bundle b = installedBundle(bundle);
            for (int cycle = 0; cycle < cycles; cycle++) {
                b.stop();
                b.start();
                if (bundle.equals("org.jmaster.master")) {
                    logs.await("service " + name + "(", " started");
                    logs.clear(); // the next cycle waits for the next start
                }
                long mark = served.get();
                await("served after cycle " + cycle + " of " + bundle, 20_000, () -> served.get() > mark);
            }
            running.set(false);
            for (Thread client : clients) {
                client.join(30_000);
            }
            figures.append(String.format("%s: %d cycles, %d requests served (longest %d ms), %d refused, %d lost; ",
                    bundle, cycles, served.get(), longest.get(), refused.get(), failed.get()));
            String firstFailures = failures.subList(0, Math.min(5, failures.size())).toString();
            assertEquals(bundle + " cycles lose no client: " + firstFailures, 0, failed.get());
            assertEquals(bundle + " cycles refuse no client", 0, refused.get());
        }
        assertEquals("after", echo(port, "after"));
        await("children settle", 20_000, () -> children(name).size() <= 4);
        master().reload();
        await("idle children recycled", 20_000, () -> children(name).isEmpty());
        Thread.sleep(1000);
        int[] after = fdsAndThreads();
        int mbeansAfter = mbeans();
        String result = String.format("%sdescriptors %d -> %d, threads %d -> %d, org.jmaster MBeans %d -> %d", figures,
                before[0], after[0], before[1], after[1], mbeansBefore, mbeansAfter);
        System.out.println("FIGURES 5c. bundle stop/start cycles under traffic: " + result);
        Path file = Path.of(System.getProperty("jmaster.figures", "target/reliability/figures.md"));
        Files.createDirectories(file.getParent());
        Files.writeString(file, "| 5c. bundle stop/start cycles under traffic (Felix) | " + result + " |\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        assertEquals(mbeansBefore, mbeansAfter);
        assertTrue("descriptors " + before[0] + " -> " + after[0], after[0] <= before[0] + 4);
        assertTrue("threads " + before[1] + " -> " + after[1], after[1] <= before[1] + 4);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int[] fdsAndThreads() throws IOException {
        long pid = ProcessHandle.current().pid();
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd")); var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            return new int[] {(int) fds.count(), (int) tasks.count()};
        }
    }

    private static int mbeans() throws Exception {
        return ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("org.jmaster:*"), null).size();
    }
}
