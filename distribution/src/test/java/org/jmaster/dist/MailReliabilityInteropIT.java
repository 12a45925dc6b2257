package org.jmaster.dist;

import static org.jmaster.dist.Container.await;
import static org.jmaster.dist.PostfixSystem.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's mail-system case: Debian's stock master.cf.dist with a private main.cf, first under
 * jmaster, then under Postfix's own master, the same mail and the same kinds of faults (those
 * both can take), side by side. SMTP clients send messages with unique Message-IDs over several
 * sessions, and sendmail a share of them, while a fault injector, at random moments, SIGKILLs
 * children of every kind (smtpd mid-session, cleanup, trivial-rewrite, qmgr, local mid-delivery,
 * pickup, proxymap, anvil), sends SIGHUP, SIGKILLs the master itself and starts it again, fills
 * the queue's file system (a small tmpfs) for a while; under
 * jmaster also JMX reloads, restart(), cleanup() and throttle() of services and hot swaps of the
 * policy, nio, spawner and master bundles. Then: every accepted message is in the mailbox (0
 * lost), the queue drains, no child is left, and a sampler of /proc saw at most one qmgr and one
 * pickup on the queue at any moment. Duplicates are counted, not forbidden, where the faults hit
 * local(8), qmgr or the master (Postfix promises at-least-once); jmaster's may not exceed
 * Postfix's by more than the run-to-run noise of a handful. Reduced in mvn verify (300
 * messages), -Djmaster.reliability.full=true for 10,000. As root in a network namespace of its
 * own (failsafe's postfix-interop execution).
 */
class MailReliabilityInteropIT {
    private static final int MESSAGES = Figures.size(300, 10_000);
    private static final int SESSIONS = 4;
    /** The faults' random order and timing; -Djmaster.reliability.seed=N repeats a run's. */
    private static final long SEED = Long.getLong("jmaster.reliability.seed", System.nanoTime());
    /** While the master is being started again, the clients wait. */
    private static final AtomicBoolean PAUSED = new AtomicBoolean();
    /** Each session's pause between messages: 4 sessions send about 16 messages/s (full: 40), so faults meet mail. */
    private static final long PACE_MILLIS = Figures.FULL ? 100 : 250;
    private static final List<String> KINDS = List.of("smtpd", "cleanup", "trivial-rewrite", "qmgr", "local", "pickup",
            "proxymap", "anvil");
    /** What updateBundle replaces while jmaster runs. */
    private static final List<String> BUNDLES = List.of("org.jmaster.policy", "org.jmaster.nio", "org.jmaster.spawner",
            "org.jmaster.master");
    private static final ObjectName MASTER = JmxIT.name("org.jmaster:type=Master");

    @TempDir
    Path dir;

    /** One run's figures. */
    private static final class Run {
        final String master;
        final Set<String> accepted = ConcurrentHashMap.newKeySet();
        final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> faults = new ConcurrentHashMap<>();
        final AtomicInteger mostQmgr = new AtomicInteger();
        final AtomicInteger mostPickup = new AtomicInteger();
        final AtomicLong longestWaitMillis = new AtomicLong();
        int delivered;
        long drainSeconds;
        int duplicated;
        int lost;
        long seconds;

        Run(String master) {
            this.master = master;
        }

        void refused(String why) {
            refusals.computeIfAbsent(why, w -> new AtomicInteger()).incrementAndGet();
        }

        void fault(String kind) {
            faults.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        }

        String figures() {
            return master + ": " + mail() + ", in " + seconds + " s (the last " + drainSeconds + " s draining the queue);"
                    + " faults " + new TreeMap<>(flat(faults)) + "; at most " + mostQmgr + " qmgr and " + mostPickup
                    + " pickup at once";
        }

        /** What happened to the mail: accepted, delivered, duplicated, lost, the longest wait, what was refused. */
        String mail() {
            return accepted.size() + " accepted, " + delivered + " delivered, " + duplicated + " duplicated, " + lost
                    + " lost; longest client wait " + longestWaitMillis.get() / 1000 + " s; refused, then retried: "
                    + new TreeMap<>(flat(refusals));
        }

        private static Map<String, Integer> flat(Map<String, AtomicInteger> counts) {
            Map<String, Integer> flat = new HashMap<>();
            counts.forEach((k, v) -> flat.put(k, v.get()));
            return flat;
        }
    }

    @Test
    void noMessageLostUnderFaultsWithEitherMaster() throws Exception {
        try {
            underFaults();
        } finally {
            // the test's own mount namespace goes with its JVM; @TempDir wants the directory back before
            PostfixSystem.command(List.of("umount", "-l", dir.resolve("spool").toString()), Map.of());
        }
    }

    private void underFaults() throws Exception {
        // a child killed before it served is a bad start-up: Postfix throttles the service for
        // service_throttle_time (60 s by default, as the full run keeps it); the reduced run waits 5 s
        String throttle = Figures.FULL ? "60s" : "5s";
        // a delivery cut short (local or qmgr killed) is deferred: retried within seconds, not Postfix's 300 s;
        // the queue is a 64 MiB file system of its own, which a fault fills for a while
        // smtpd asks anvil(8) about every client not exempted from its limits (127.0.0.1 is, by default, in
        // mynetworks): with no exceptions anvil runs, and can be killed;
        // a local(8) killed while it holds the mailbox's dot-lock leaves nobody.lock behind, and every
        // delivery defers ("unable to create lock file") until the lock is stale_lock_time old: 500 s by
        // default, longer than the drain may take, so 10 s here (a delivery holds it for milliseconds)
        PostfixSystem postfix = PostfixSystem.onSmallQueue(dir, "service_throttle_time = " + throttle, "queue_run_delay = 2s",
                "minimal_backoff_time = 2s", "maximal_backoff_time = 4s", "smtpd_client_event_limit_exceptions =",
                "stale_lock_time = 10s");
        Run jmaster = new Run("jmaster");
        try (Container c = postfix.jmaster()) {
            c.start();
            Master master = new Master() {
                @Override
                public long pid() {
                    return c.pid();
                }

                @Override
                public void restart() throws Exception {
                    c.killed(30_000);
                    // the busy children of the killed master still hold port 25 until their session ends
                    // (as under Postfix's): started again as systemd's Restart= would, until it binds
                    await("jmaster started again", 120_000, () -> {
                        try {
                            c.start();
                            return true;
                        } catch (AssertionError | Exception e) {
                            return false;
                        }
                    });
                }
            };
            run(postfix, jmaster, master, c);
        }
        assertEquals(1, postfix.postfix("status").code(), "jmaster is gone");

        Path mailbox = postfix.mailbox;
        Files.move(mailbox, mailbox.resolveSibling("nobody.jmaster"));
        Run own = new Run("Postfix");
        PostfixSystem.Result start = postfix.postfix("start");
        assertEquals(0, start.code(), start.out() + read(postfix.maillog));
        try {
            Master master = new Master() {
                @Override
                public long pid() {
                    return Long.parseLong(read(postfix.queue.resolve("pid/master.pid")).strip());
                }

                @Override
                public void restart() throws Exception {
                    long old = pid();
                    await("Postfix's master gone", 30_000, () -> ProcessHandle.of(old).isEmpty());
                    await("Postfix's master started again", 120_000, () -> {
                        try {
                            return postfix.postfix("start").code() == 0;
                        } catch (Exception e) {
                            return false;
                        }
                    });
                }
            };
            run(postfix, own, master, null);
        } finally {
            postfix.postfix("stop");
        }

        Figures.record("7. the mail system under faults (" + MESSAGES + " messages, seed " + SEED + ")", jmaster.figures()
                + "<br>"
                + own.figures());
        for (Run run : List.of(jmaster, own)) {
            assertEquals(0, run.lost, run.figures());
            assertTrue(run.mostQmgr.get() <= 1 && run.mostPickup.get() <= 1, run.figures());
        }
        assertTrue(jmaster.duplicated <= own.duplicated + 5, "jmaster's duplicates beside Postfix's: " + jmaster.figures()
                + " / " + own.figures());
    }

    /**
     * The master stopped (SIGSTOP) under load, as an overloaded or swapped-out host may stop it:
     * as with Postfix, the children keep serving the clients they can, nothing is lost, and after
     * SIGCONT everything catches up.
     */
    @Test
    void theMasterStoppedUnderLoadLosesNothing() throws Exception {
        PostfixSystem postfix = new PostfixSystem(dir);
        Run run = new Run("jmaster stopped");
        int messages = Figures.size(200, 2_000);
        try (Container c = postfix.jmaster()) {
            c.start();
            AtomicInteger next = new AtomicInteger();
            AtomicInteger toSend = new AtomicInteger(messages);
            List<Thread> senders = new ArrayList<>();
            for (int i = 0; i < SESSIONS; i++) {
                senders.add(new Thread(() -> send(postfix, run, next, toSend, PACE_MILLIS), "sender-" + i));
            }
            senders.forEach(Thread::start);
            await("mail flowing", 60_000, () -> run.accepted.size() >= 20);
            int before = run.accepted.size();
            PostfixSystem.run("kill", "-STOP", Long.toString(c.pid()));
            int duringStop;
            try {
                Thread.sleep(Figures.FULL ? 30_000 : 5_000);
                duringStop = run.accepted.size() - before;
            } finally {
                PostfixSystem.run("kill", "-CONT", Long.toString(c.pid()));
            }
            for (Thread sender : senders) {
                sender.join(300_000);
            }
            drainAndCount(postfix, run);
            Figures.record("8. the master SIGSTOPped " + (Figures.FULL ? 30 : 5) + " s under load", run.mail()
                    + "; accepted while it was stopped: " + duringStop);
            assertEquals(0, run.lost, run.figures());
            assertEquals(0, run.duplicated, run.figures());
            assertTrue(duringStop > 0, "the children kept serving while the master was stopped: " + run.figures());
        }
    }

    /**
     * A soak: steady mail at about half this machine's rate with a reload every 30 s, for an hour
     * in the full run (two minutes here): the master's heap after GC, threads and descriptors stay
     * flat, and every message is delivered.
     */
    @Test
    void aSoakKeepsTheMasterFlat() throws Exception {
        PostfixSystem postfix = new PostfixSystem(dir);
        Run run = new Run("soak");
        long millis = Long.getLong("jmaster.soak.minutes", Figures.FULL ? 60 : 2) * 60_000;
        int perSecond = Integer.getInteger("jmaster.soak.rate", 20);
        try (Container c = postfix.jmaster()) {
            c.start();
            MBeanServerConnection jmx = c.jmx();
            AtomicInteger next = new AtomicInteger();
            AtomicInteger toSend = new AtomicInteger(Integer.MAX_VALUE);
            List<long[]> samples = new ArrayList<>(); // seconds, heap after GC, threads, descriptors, RSS
            long started = System.currentTimeMillis();
            Thread paced = new Thread(() -> {
                while (toSend.get() > 0) {
                    AtomicInteger one = new AtomicInteger(1);
                    send(postfix, run, next, one, 0);
                    sleepQuietly(1000 / perSecond);
                }
            }, "soak-sender");
            paced.start();
            long lastReload = started;
            while (System.currentTimeMillis() - started < millis) {
                Thread.sleep(10_000);
                if (System.currentTimeMillis() - lastReload >= 30_000) {
                    PostfixSystem.run("kill", "-HUP", Long.toString(c.pid()));
                    run.fault("SIGHUP");
                    lastReload = System.currentTimeMillis();
                }
                int[] fdsAndThreads = c.fdsAndThreads();
                samples.add(new long[] {(System.currentTimeMillis() - started) / 1000, heapAfterGc(jmx), fdsAndThreads[1],
                        fdsAndThreads[0], rssBytes(c.pid())});
            }
            toSend.set(0);
            paced.join(60_000);
            drainAndCount(postfix, run);
            // the first samples are the warm-up: the slope is taken over the second half
            List<long[]> steady = samples.subList(samples.size() / 2, samples.size());
            String slopes = "heap " + slope(steady, 1) / 1024 + " KiB/min, threads " + slope(steady, 2) + "/min, descriptors "
                    + slope(steady, 3) + "/min, RSS " + slope(steady, 4) / 1024 + " KiB/min (" + steady.get(steady.size() - 1)[4] / 1024 / 1024
                    + " MiB at the end) over the second half (" + steady.size() + " samples)";
            Figures.record("9. soak, " + millis / 60_000 + " min at " + perSecond + " messages/s, SIGHUP every 30 s",
                    run.mail() + "; " + slopes);
            assertEquals(0, run.lost, run.figures());
            long[] first = steady.get(0);
            long[] last = steady.get(steady.size() - 1);
            assertTrue(last[2] - first[2] <= 2 && last[3] - first[3] <= 4, "threads and descriptors flat: " + slopes);
            assertTrue(last[1] - first[1] < 16L << 20, "heap after GC flat: " + slopes);
            assertTrue(last[4] - first[4] < 32L << 20, "RSS flat: " + slopes);
        }
    }

    /** The resident set of a process, from /proc/<pid>/status (VmRSS, in kB). */
    private static long rssBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("/proc/" + pid + "/status: no VmRSS");
    }

    /** Least-squares slope of column k over seconds (column 0), per minute. */
    private static long slope(List<long[]> samples, int k) {
        double n = samples.size();
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (long[] s : samples) {
            sx += s[0];
            sy += s[k];
            sxx += (double) s[0] * s[0];
            sxy += (double) s[0] * s[k];
        }
        double d = n * sxx - sx * sx;
        return d == 0 ? 0 : Math.round((n * sxy - sx * sy) / d * 60);
    }

    private static long heapAfterGc(MBeanServerConnection jmx) throws Exception {
        ObjectName memory = JmxIT.name("java.lang:type=Memory");
        jmx.invoke(memory, "gc", null, null);
        Thread.sleep(200);
        return (Long) ((javax.management.openmbean.CompositeData) jmx.getAttribute(memory, "HeapMemoryUsage")).get("used");
    }

    /** The master under test: its pid now, and how to start it again after a SIGKILL. */
    private interface Master {
        long pid();

        void restart() throws Exception;
    }

    /** Sends the mail while the faults run, then waits for the queue to drain and counts. */
    private void run(PostfixSystem postfix, Run run, Master master, Container jmaster) throws Exception {
        long started = System.currentTimeMillis();
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger toSend = new AtomicInteger(MESSAGES);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            threads.add(new Thread(() -> send(postfix, run, next, toSend, PACE_MILLIS), "sender-" + i));
        }
        threads.add(new Thread(() -> sample(postfix, run, sending), "sampler"));
        threads.forEach(Thread::start);
        Random random = new Random(SEED);
        // every kind of fault at least once, in random order, then random ones while mail flows
        List<String> schedule = new ArrayList<>();
        KINDS.forEach(kind -> schedule.add("SIGKILL " + kind));
        schedule.addAll(List.of("SIGHUP", "SIGKILL master", "full disk"));
        if (jmaster != null) {
            schedule.addAll(List.of("JMX reload", "JMX restart", "JMX cleanup", "JMX throttle"));
            BUNDLES.forEach(bundle -> schedule.add("hot swap " + bundle));
        }
        Collections.shuffle(schedule, random);
        int masterKills = 0;
        while (toSend.get() > 0) {
            Thread.sleep(300 + random.nextInt(Figures.FULL ? 1500 : 600));
            if (toSend.get() <= 0) {
                break;
            }
            String fault = !schedule.isEmpty() ? schedule.remove(0) : randomFault(random, jmaster != null);
            if (fault.equals("SIGKILL master") && masterKills >= (Figures.FULL ? 5 : 1)) {
                fault = "SIGHUP";
            }
            if (fault.startsWith("SIGKILL ") && !fault.equals("SIGKILL master")) {
                String kind = fault.substring(8);
                List<ProcessHandle> victims = onQueue(postfix, List.of(kind));
                if (!victims.isEmpty()) {
                    victims.get(random.nextInt(victims.size())).destroyForcibly();
                    run.fault(fault);
                }
            } else if (fault.equals("full disk")) {
                fillTheQueue(postfix, Figures.FULL ? 20_000 : 5_000);
                run.fault(fault);
            } else if (fault.equals("SIGHUP")) {
                PostfixSystem.run("kill", "-HUP", Long.toString(master.pid()));
                run.fault(fault);
            } else if (fault.equals("SIGKILL master")) {
                PostfixSystem.run("kill", "-KILL", Long.toString(master.pid()));
                masterKills++;
                run.fault(fault);
                // the clients pause while no master runs: under a steady load the killed master's smtpd
                // children, which keep port 25, would go on taking sessions, under either master
                PAUSED.set(true);
                try {
                    master.restart();
                } finally {
                    PAUSED.set(false);
                }
            } else {
                jmxFault(jmaster, run, random, fault);
            }
        }
        for (Thread thread : threads.subList(0, SESSIONS)) {
            thread.join(600_000);
        }
        run.drainSeconds = drainAndCount(postfix, run);
        sending.set(false);
        threads.get(SESSIONS).join(10_000);
        run.seconds = (System.currentTimeMillis() - started) / 1000;
    }

    /**
     * The queue's file system full for a while: a file takes every free block, then goes. Clients
     * get Postfix's 4xx replies (and send again); nothing accepted may be lost.
     */
    private static void fillTheQueue(PostfixSystem postfix, long millis) throws Exception {
        Path filler = postfix.queue.resolve("jmaster-test-filler");
        try {
            // fails with ENOSPC once the file system is full: that is the point
            PostfixSystem.command(List.of("dd", "if=/dev/zero", "of=" + filler, "bs=1M"), Map.of());
            Thread.sleep(millis);
        } finally {
            Files.deleteIfExists(filler);
        }
    }

    /** A fault drawn at random: 60 % a child SIGKILLed, then SIGHUP, the master killed, JMX operations, swaps. */
    private static String randomFault(Random random, boolean jmaster) {
        int dice = random.nextInt(100);
        if (dice < 60 || !jmaster && dice < 85) {
            return "SIGKILL " + KINDS.get(random.nextInt(KINDS.size()));
        } else if (dice < 72 || !jmaster && dice < 98) {
            return "SIGHUP";
        } else if (dice < 74 || !jmaster) {
            return "SIGKILL master";
        }
        List<String> operations = List.of("JMX reload", "JMX restart", "JMX cleanup", "JMX throttle", "hot swap "
                + BUNDLES.get(random.nextInt(BUNDLES.size())));
        return operations.get(random.nextInt(operations.size()));
    }

    /**
     * Waits for the queue to drain, then counts the mailbox against what was accepted; returns
     * how long the drain took, in seconds. A qmgr killed after the last message has no new mail to
     * wake it before its 300 s wakeup, under either master: the operator's postqueue -f (postfix
     * flush) does, every 10 s. A queue that does not drain is reported with its content, its
     * processes and the end of the maillog.
     */
    private static long drainAndCount(PostfixSystem postfix, Run run) throws Exception {
        long from = System.currentTimeMillis();
        long deadline = from + (Figures.FULL ? 1_200_000 : 300_000);
        long lastFlush = 0;
        String flushed = "";
        String queue;
        while (!(queue = postfix.postqueue()).contains("Mail queue is empty")) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(run.master + "'s queue did not drain in " + (deadline - from) / 1000 + " s (seed "
                        + SEED + "); " + run.mail() + "\nthe last postqueue -f: " + flushed + "\npostqueue -p:\n"
                        + head(queue, 40) + "\non the queue: " + processes(postfix) + "\nthe maillog's end:\n"
                        + tail(read(postfix.maillog), 80));
            }
            if (System.currentTimeMillis() - lastFlush > 10_000) {
                lastFlush = System.currentTimeMillis();
                PostfixSystem.Result flush = PostfixSystem.command(List.of("postqueue", "-c", postfix.etc.toString(), "-f"),
                        Map.of());
                flushed = "exit " + flush.code() + " " + flush.out().strip();
            }
            Thread.sleep(200);
        }
        deadline = System.currentTimeMillis() + 10_000; // the last deliveries' mailbox writes
        while (!postfix.messageIds().containsAll(run.accepted) && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        List<String> ids = postfix.messageIds();
        Map<String, Integer> times = new HashMap<>();
        ids.forEach(id -> times.merge(id, 1, Integer::sum));
        run.delivered = times.size();
        run.duplicated = (int) times.values().stream().filter(n -> n > 1).count();
        run.lost = (int) run.accepted.stream().filter(id -> !times.containsKey(id)).count();
        return (System.currentTimeMillis() - from) / 1000;
    }

    /** The first lines of a text. */
    private static String head(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(0, Math.min(lines, all.size())))
                + (all.size() > lines ? "\n... (" + (all.size() - lines) + " more lines)" : "");
    }

    /** The last lines of a text. */
    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** The Postfix processes working on this queue now, by kind: pid, and how long each has run. */
    private static Map<String, List<String>> processes(PostfixSystem postfix) {
        List<String> kinds = new ArrayList<>(KINDS);
        kinds.addAll(List.of("master", "tlsmgr", "showq", "flush", "bounce", "defer", "trace", "scache", "postlog"));
        Map<String, List<String>> found = new TreeMap<>();
        for (ProcessHandle p : onQueue(postfix, kinds)) {
            String age = p.info().startInstant().map(t -> (System.currentTimeMillis() - t.toEpochMilli()) / 1000 + " s")
                    .orElse("?");
            found.computeIfAbsent(kind(p.pid()), k -> new ArrayList<>()).add(p.pid() + " (" + age + ")");
        }
        return found;
    }

    /** The operator's faults, which only jmaster takes: JMX reload, restart, cleanup, throttle, hot swaps. */
    private static void jmxFault(Container c, Run run, Random random, String fault) throws Exception {
        MBeanServerConnection jmx = c.jmx();
        List<String> services = List.of("smtp/inet", "cleanup/unix", "local/unix", "rewrite/unix", "qmgr/unix");
        ObjectName service = JmxIT.service(services.get(random.nextInt(services.size())));
        switch (fault) {
            case "JMX reload" -> jmx.invoke(MASTER, "reload", null, null);
            case "JMX restart" -> jmx.invoke(service, "restart", null, null);
            case "JMX cleanup" -> jmx.invoke(service, "cleanup", null, null);
            case "JMX throttle" -> jmx.invoke(service, "throttle", new Object[] {2}, new String[] {int.class.getName()});
            default -> {
                String bundle = fault.substring("hot swap ".length());
                c.swap(bundle);
                fault = "hot swap " + bundle.substring("org.jmaster.".length());
            }
        }
        run.fault(fault);
    }

    /** A client: sends messages over SMTP (every 25th through sendmail), pace ms apart, until there are none left. */
    private static void send(PostfixSystem postfix, Run run, AtomicInteger next, AtomicInteger toSend, long pace) {
        Smtp smtp = null;
        long waitingSince = System.currentTimeMillis();
        while (toSend.get() > 0) {
            sleepQuietly(pace);
            while (PAUSED.get()) {
                if (smtp != null) {
                    smtp.quit();
                    smtp = null;
                }
                sleepQuietly(100);
            }
            String id = "<" + run.master + "." + next.incrementAndGet() + "@example.test>";
            String message = "From: sender@example.test\r\nTo: nobody@example.test\r\nMessage-ID: " + id
                    + "\r\nSubject: reliability\r\n\r\nmessage " + id + "\r\n";
            try {
                boolean accepted;
                if (next.get() % 25 == 0) {
                    PostfixSystem.Result result = postfix.sendmail(message.replace("\r\n", "\n"));
                    accepted = result.code() == 0;
                    if (!accepted) {
                        run.refused("sendmail: " + result.out().strip().lines().findFirst().orElse("exit " + result.code()));
                    }
                } else {
                    if (smtp != null && smtp.sent >= 10) { // sessions end, as real clients' do
                        smtp.quit();
                        smtp = null;
                    }
                    if (smtp == null) {
                        smtp = new Smtp();
                    }
                    String reply = smtp.send(message);
                    accepted = reply.startsWith("250");
                    if (!accepted) {
                        run.refused(reply.length() > 40 ? reply.substring(0, 40) : reply);
                        smtp.close();
                        smtp = null;
                    }
                }
                if (accepted) {
                    run.accepted.add(id);
                    toSend.decrementAndGet();
                    long now = System.currentTimeMillis();
                    run.longestWaitMillis.accumulateAndGet(now - waitingSince, Math::max);
                    waitingSince = now;
                }
            } catch (Exception e) {
                run.refused(e.getClass().getSimpleName());
                if (smtp != null) {
                    smtp.close();
                    smtp = null;
                }
                sleepQuietly(200);
            }
        }
        if (smtp != null) {
            smtp.close();
        }
    }

    /** At most one qmgr and one pickup on the queue at any moment: sampled from /proc every 50 ms. */
    private static void sample(PostfixSystem postfix, Run run, AtomicBoolean sending) {
        while (sending.get()) {
            run.mostQmgr.accumulateAndGet(onQueue(postfix, List.of("qmgr")).size(), Math::max);
            run.mostPickup.accumulateAndGet(onQueue(postfix, List.of("pickup")).size(), Math::max);
            sleepQuietly(50);
        }
    }

    /** Live processes of these kinds (argv[0]'s name) working on this queue (their cwd), whoever started them. */
    private static List<ProcessHandle> onQueue(PostfixSystem postfix, List<String> kinds) {
        List<ProcessHandle> found = new ArrayList<>();
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            all.forEach(p -> {
                if (!kinds.contains(kind(p.pid()))) {
                    return;
                }
                try {
                    Path cwd = Files.readSymbolicLink(Path.of("/proc/" + p.pid() + "/cwd"));
                    // chrooted daemons see their cwd as / inside the queue; the kernel shows the real path
                    if (cwd.startsWith(postfix.queue) && !isZombie(p.pid())) {
                        found.add(p);
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            });
        }
        return found;
    }

    /** The file name of a process's argv[0] ("qmgr", "master"); "" when it has none or is gone. */
    private static String kind(long pid) {
        Path argv0 = Path.of(read(Path.of("/proc/" + pid + "/cmdline")).split("\0", 2)[0]).getFileName();
        return argv0 == null ? "" : argv0.toString();
    }

    private static boolean isZombie(long pid) {
        String stat = read(Path.of("/proc/" + pid + "/stat"));
        int paren = stat.lastIndexOf(')');
        return paren < 0 || stat.length() < paren + 3 || stat.charAt(paren + 2) == 'Z';
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An SMTP session that sends one message after another; a reply other than 250 ends it. */
    private static final class Smtp implements AutoCloseable {
        private final Socket socket = new Socket();
        private final BufferedReader in;
        private final OutputStream out;

        Smtp() throws IOException {
            socket.connect(new InetSocketAddress("127.0.0.1", 25), 10_000);
            socket.setSoTimeout(120_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            out = socket.getOutputStream();
            expect(reply(), "220");
            command("EHLO client.example.test");
            expect(reply(), "250");
        }

        int sent;

        String send(String message) throws IOException {
            sent++;
            command("MAIL FROM:<sender@example.test>");
            String reply = reply();
            if (!reply.startsWith("250")) {
                return reply;
            }
            command("RCPT TO:<nobody@example.test>");
            reply = reply();
            if (!reply.startsWith("250")) {
                return reply;
            }
            command("DATA");
            reply = reply();
            if (!reply.startsWith("354")) {
                return reply;
            }
            out.write((message + ".\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return reply();
        }

        void quit() {
            try {
                command("QUIT");
                reply();
            } catch (IOException e) {
                // the session ends either way
            }
            close();
        }

        private void command(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        /** The last line of a (multi-line) reply. */
        private String reply() throws IOException {
            String line;
            do {
                line = in.readLine();
                if (line == null) {
                    throw new IOException("connection closed");
                }
            } while (line.length() > 3 && line.charAt(3) == '-');
            return line;
        }

        private static void expect(String reply, String code) throws IOException {
            if (!reply.startsWith(code)) {
                throw new IOException(reply);
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
