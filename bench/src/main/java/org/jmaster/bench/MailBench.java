package org.jmaster.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NAME
 *     MailBench - the whole mail system under each master: smtp-source to local(8)'s maildir
 * DESCRIPTION
 *     Debian's stock master.cf.dist (its smtp service on a loopback port of its own instead of 25)
 *     and a private main.cf, first under one master, then under the other, alternating which goes
 *     first in each repetition. Postfix's own load client, smtp-source, sends messages (one
 *     connection each, as it does by default) through smtpd, cleanup, qmgr and local(8) into a
 *     maildir in a private spool (queue, spool and log where Bench says: a tmpfs unless told
 *     otherwise). Each master is measured twice: right after it starts (the first 2,000
 *     messages, 20 sessions), then, after a warm-up of 500, 3,000 messages at each of 1, 10 and
 *     50 sessions.
 *
 *     A measurement runs from smtp-source's start until the mail log has a "status=sent" line for
 *     every message: messages/s over that time; submission-to-mailbox latency from those lines'
 *     delay= (Postfix's own: from the queue file's arrival to the delivery, logged to the
 *     millisecond: delay_logging_resolution_limit = 3); the master's CPU per message, wake-ups per
 *     message and CPU per wake-up (/proc, as in Bench); its RSS at the end.
 */
final class MailBench {
    static final Path MASTER_CF_DIST = Path.of("/usr/share/postfix/master.cf.dist");
    private static final Path SMTP_SOURCE = Path.of("/usr/sbin/smtp-source");
    private static final Pattern DELAY = Pattern.compile(" delay=([0-9.]+), .* status=sent \\(delivered to maildir\\)");

    private final Bench bench;
    private final Path distribution;
    private final Path dir;
    private final Path mailDir;
    private final boolean smoke;
    private final int reps;
    private Path etc;
    private Path maillog;
    private Path mailbox;
    private int port;
    private int jmxPort;
    private int starts;

    MailBench(Bench bench, Path distribution, Path dir, Path mailDir, int reps, boolean smoke) {
        this.bench = bench;
        this.distribution = distribution;
        this.dir = dir;
        this.mailDir = mailDir;
        this.reps = reps;
        this.smoke = smoke;
    }

    /** The session counts measured warm. */
    int[] sessions() {
        return smoke ? new int[] {10} : new int[] {1, 10, 50};
    }

    void run() throws Exception {
        setUp();
        for (int rep = 0; rep < reps; rep++) {
            for (String master : rep % 2 == 0 ? List.of("postfix", "jmaster") : List.of("jmaster", "postfix")) {
                try (Instances.Master m = start(master)) {
                    measure(m, 20, smoke ? 20 : 2000, "mail, right after start, 20 sessions");
                    send(10, smoke ? 10 : 500); // the warm-up
                    for (int s : sessions()) {
                        measure(m, s, smoke ? 20 : 3000, "mail, warm, " + s + " sessions");
                    }
                }
            }
        }
    }

    /** The mail system's configuration: Postfix's own master.cf, a main.cf of its own, a private spool and log. */
    private void setUp() throws Exception {
        Path home = Files.createDirectories(mailDir.resolve("mail"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        etc = Files.createDirectories(home.resolve("postfix"));
        Path queue = Files.createDirectories(home.resolve("spool"));
        Path data = Files.createDirectories(home.resolve("lib"));
        Instances.run("chown", "postfix:postfix", data.toString());
        Path spool = Files.createDirectories(home.resolve("mail"));
        Instances.run("chmod", "1777", spool.toString());
        mailbox = spool.resolve("nobody"); // a maildir: see mail_spool_directory below
        Path logs = Files.createDirectories(home.resolve("log"));
        maillog = logs.resolve("mail.log");
        int[] ports = Bench.ports(2);
        port = ports[0];
        jmxPort = ports[1];
        Files.writeString(etc.resolve("main.cf"), String.join("\n",
                "compatibility_level = 3.6",
                "queue_directory = " + queue,
                "data_directory = " + data,
                "myhostname = mx.example.test",
                "mydomain = example.test",
                "mydestination = $myhostname, localhost, $mydomain",
                "inet_interfaces = loopback-only",
                "inet_protocols = ipv4",
                // maildir delivery (the trailing slash): no mailbox lock. With Debian's mailbox
                // locks (fcntl and a dot-lock) two local(8)s that deliver to the one mailbox at
                // once collide, and the loser sleeps deliver_lock_delay (1 s by default): a stall
                // that neither master has a part in
                "mail_spool_directory = " + spool + "/",
                "alias_maps =",
                "alias_database =",
                "biff = no",
                "delay_logging_resolution_limit = 3",
                "maillog_file = " + maillog,
                "maillog_file_prefixes = " + logs,
                ""));
        Files.writeString(etc.resolve("master.cf"), masterCf(port));
        Instances.run("postfix", "-c", etc.toString(), "check");
    }

    /** Debian's master.cf as it ships, its smtp service on 127.0.0.1:port. */
    static String masterCf(int port) throws IOException {
        StringBuilder out = new StringBuilder();
        for (String line : Files.readAllLines(MASTER_CF_DIST, StandardCharsets.ISO_8859_1)) {
            out.append(line.startsWith("smtp      inet") ? "127.0.0.1:" + port + line.substring(4) : line).append('\n');
        }
        if (out.indexOf("127.0.0.1:" + port + " ") < 0) {
            throw new IOException(MASTER_CF_DIST + " has no \"smtp      inet\" line");
        }
        return out.toString();
    }

    private Instances.Master start(String master) throws Exception {
        if (Files.exists(mailbox)) {
            Bench.deleteTree(mailbox);
        }
        if (master.equals("postfix")) {
            return Instances.postfix(etc, masterCf(port).lines().toList());
        }
        return Instances.jmaster(distribution, dir.resolve("mail-jmaster-" + ++starts), etc, masterCf(port).lines()
                .toList(), jmxPort);
    }

    /** The warm-up: count messages over this many sessions, all delivered. */
    private void send(int sessions, int count) throws Exception {
        long offset = Files.exists(maillog) ? Files.size(maillog) : 0;
        String failed = smtpSource(sessions, count);
        if (failed != null) {
            throw new IOException("smtp-source failed: " + failed);
        }
        awaitDelivered(offset, count);
    }

    /** Postfix's smtp-source: count messages over this many sessions, one connection each; null when all were sent. */
    private String smtpSource(int sessions, int count) throws Exception {
        Process source = new ProcessBuilder(SMTP_SOURCE.toString(), "-s", Integer.toString(sessions), "-m",
                Integer.toString(count), "-f", "sender@example.test", "-t", "nobody@example.test", "-M",
                "client.example.test", "127.0.0.1:" + port).redirectErrorStream(true).start();
        String said = new String(source.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!source.waitFor(300, TimeUnit.SECONDS)) {
            source.destroyForcibly();
            return "no end within 300 s: " + said;
        }
        return source.exitValue() == 0 ? null : "exit " + source.exitValue() + ": " + said;
    }

    private void measure(Instances.Master m, int sessions, int count, String name) throws Exception {
        long offset = Files.exists(maillog) ? Files.size(maillog) : 0;
        double cpu = Proc.cpuSeconds(m.pid());
        boolean jvm = m.name().equals("jmaster");
        double[][] threads = jvm ? byThread(m.pid()) : null;
        long sleeps = Proc.sleeps(m.pid());
        long start = System.nanoTime();
        String failed = smtpSource(sessions, count);
        if (failed != null) {
            bench.failed(m.name() + " " + name + ": smtp-source failed: " + failed);
            return;
        }
        List<Double> delays = awaitDelivered(offset, count);
        double seconds = (System.nanoTime() - start) / 1e9;
        double used = Proc.cpuSeconds(m.pid()) - cpu;
        long wakeups = Proc.sleeps(m.pid()) - sleeps;
        if (delays.size() < count) {
            bench.failed(m.name() + " " + name + ": " + delays.size() + " of " + count + " messages delivered");
            return;
        }
        double[] sorted = delays.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        bench.record(name + ": messages/s", m.name(), count / seconds);
        bench.record(name + ": latency p50 ms", m.name(), percentile(sorted, 50) * 1000);
        bench.record(name + ": latency p99 ms", m.name(), percentile(sorted, 99) * 1000);
        bench.record(name + ": master CPU µs/message", m.name(), used * 1e6 / count);
        bench.record(name + ": master wake-ups/message", m.name(), (double) wakeups / count);
        bench.record(name + ": master CPU µs/wake-up", m.name(), used * 1e6 / Math.max(1, wakeups));
        bench.record(name + ": master RSS MiB", m.name(), Proc.rssMiB(m.pid()));
        if (jvm) {
            double[][] after = byThread(m.pid());
            double named = 0;
            long namedWakeups = 0;
            for (int i = 0; i < THREADS.size(); i++) {
                String thread = THREADS.get(i).what();
                double part = after[i][0] - threads[i][0];
                long woken = (long) (after[i][1] - threads[i][1]);
                named += part;
                namedWakeups += woken;
                bench.record(name + ": jmaster CPU µs/message in " + thread, m.name(), part * 1e6 / count);
                bench.record(name + ": jmaster wake-ups/message of " + thread, m.name(), (double) woken / count);
            }
            bench.record(name + ": jmaster CPU µs/message in its other threads", m.name(), (used - named) * 1e6 / count);
            bench.record(name + ": jmaster wake-ups/message of its other threads", m.name(),
                    (double) (wakeups - namedWakeups) / count);
        }
    }

    /** A kind of the JVM master's threads: the start of their name as the kernel shows it, and what they are. */
    private record Threads(String prefix, String what) {
    }

    private static final List<Threads> THREADS = List.of(new Threads("jmaster-loop", "the event loop"),
            new Threads("jmaster-reaper", "the reaper"), new Threads("C1 CompilerThre", "the JIT compiler"),
            new Threads("VM Thread", "the VM thread (GC, safepoints)"));

    /** For each of THREADS, its CPU seconds and voluntary context switches so far. */
    private static double[][] byThread(long pid) throws IOException {
        double[][] figures = new double[THREADS.size()][];
        for (int i = 0; i < figures.length; i++) {
            String prefix = THREADS.get(i).prefix();
            figures[i] = new double[] {Proc.threadCpuSeconds(pid, prefix), Proc.threadSleeps(pid, prefix)};
        }
        return figures;
    }

    /**
     * Waits until the mail log, from offset, has count deliveries (up to 5 minutes); returns their
     * delays. Reads only what was appended since it last looked, every 10 ms, so that the
     * waiting takes little of the CPU the mail system is measured on.
     */
    private List<Double> awaitDelivered(long offset, int count) throws Exception {
        long deadline = System.currentTimeMillis() + 300_000;
        List<Double> delays = new ArrayList<>();
        long position = offset;
        while (delays.size() < count && System.currentTimeMillis() < deadline) {
            long read = Files.exists(maillog) ? appendedDelays(position, delays) : 0;
            if (read == 0) {
                Thread.sleep(10);
            }
            position += read;
        }
        return delays;
    }

    /** Adds the delay= of each delivery to the mailbox in the whole lines from position on; returns the bytes read. */
    private long appendedDelays(long position, List<Double> delays) throws IOException {
        try (RandomAccessFile log = new RandomAccessFile(maillog.toFile(), "r")) {
            if (log.length() <= position) {
                return 0;
            }
            log.seek(position);
            byte[] rest = new byte[(int) Math.min(log.length() - position, 1 << 20)];
            log.readFully(rest);
            String text = new String(rest, StandardCharsets.ISO_8859_1);
            int end = text.lastIndexOf('\n') + 1; // a line still being written is read next time
            Matcher m = DELAY.matcher(text.substring(0, end));
            while (m.find()) {
                delays.add(Double.parseDouble(m.group(1)));
            }
            return end;
        }
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(p / 100 * sorted.length) - 1))];
    }
}
