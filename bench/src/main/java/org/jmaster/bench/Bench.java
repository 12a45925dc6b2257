package org.jmaster.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleBinaryOperator;

/**
 * NAME
 *     Bench - jmaster beside Postfix's own master, the same service, the same load
 * SYNOPSIS
 *     java -cp bench.jar org.jmaster.bench.Bench [--reps 3] [--seconds 10] [--idle-seconds 60]
 *         [--scale 1000] [--smoke] [--out results.md] [--only spawn,mail,echo] [--charts DIR]
 *         [--mail-dir DIR] [--keep] DISTRIBUTION_DIR
 * DESCRIPTION
 *     Starts Postfix 3.7's master and the jmaster distribution side by side, each with ten services
 *     from identical master.cf lines (inet on 127.0.0.1, Debian's spawn(8) running /bin/cat), and
 *     drives them with the same Java client, alternating which one goes first in each repetition.
 *     Measures steady connections/s and latency at 1, 8 and 32 clients, the master's CPU per
 *     connection (/proc/<pid>/stat), the makespan of a cold burst of 50 clients at maxproc 4 and
 *     100, spawn-bound throughput (max_use=1), idle CPU over a minute, resident memory idle, under
 *     load and with --scale slow clients holding a child each (maxproc 0). Then the whole mail
 *     system under each master (MailBench), and jmaster alone with the Java echo child, with and
 *     without its class-data archive. Prints medians, the jmaster/Postfix ratios, and writes them
 *     to --out, and (--charts) the mail figures as PNG charts (Charts). The mail system's queue
 *     and spool go on a tmpfs unless --mail-dir says where; the instances' files are deleted after
 *     a good run unless --keep.
 *     Must run as root (spawn(8) is a privileged daemon); binds only 127.0.0.1.
 */
public final class Bench {
    private final Path distribution;
    private int reps = 3;
    private double seconds = 10;
    private double idleSeconds = 60;
    private int scale = 1000;
    private boolean smoke;
    private boolean keep;
    private Path mailOn;
    /** What runs: spawn (spawn(8) and cat under both masters), mail (MailBench), echo (the Java echo child). */
    private List<String> parts = List.of("spawn", "mail", "echo");
    /** Where the charts go (--charts), or none. */
    private Path charts;
    private Path out = Path.of("bench-results.md");
    private final Map<String, Map<String, List<Double>>> figures = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();

    private Bench(Path distribution) {
        this.distribution = distribution;
    }

    public static void main(String[] args) throws Exception {
        Bench bench = null;
        Path distribution = null;
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            if (a.equals("--smoke") || a.equals("--keep")) {
                options.put(a, "true");
            } else if (a.startsWith("--")) {
                options.put(a, rest.get(++i));
            } else {
                distribution = Path.of(a);
            }
        }
        if (distribution == null) {
            System.err.println("usage: Bench [--reps N] [--seconds S] [--idle-seconds S] [--scale N] [--smoke] [--keep] [--mail-dir DIR] [--out FILE]"
                    + " [--only spawn,mail,echo]"
                    + " [--charts DIR] DISTRIBUTION_DIR");
            System.exit(2);
        }
        bench = new Bench(distribution);
        bench.reps = Integer.parseInt(options.getOrDefault("--reps", "3"));
        bench.seconds = Double.parseDouble(options.getOrDefault("--seconds", "10"));
        bench.idleSeconds = Double.parseDouble(options.getOrDefault("--idle-seconds", "60"));
        bench.scale = Integer.parseInt(options.getOrDefault("--scale", "1000"));
        bench.smoke = options.containsKey("--smoke");
        bench.keep = options.containsKey("--keep");
        bench.mailOn = options.containsKey("--mail-dir") ? Path.of(options.get("--mail-dir")) : null;
        bench.charts = options.containsKey("--charts") ? Path.of(options.get("--charts")) : null;
        bench.parts = List.of(options.getOrDefault("--only", "spawn,mail,echo").split(","));
        bench.out = Path.of(options.getOrDefault("--out", "bench-results.md"));
        System.exit(bench.run() ? 0 : 1);
    }

    /** The smoke run of CI: a few seconds, both masters, every connection served. */
    static List<String> smoke(Path distribution) throws Exception {
        Bench bench = new Bench(distribution);
        bench.smoke = true;
        bench.reps = 1;
        bench.seconds = 2;
        bench.out = Files.createTempFile("bench-smoke", ".md");
        bench.run();
        return bench.failures;
    }

    /** The ten master.cf lines of a master, one per port. */
    static List<String> lines(int[] ports, String command) {
        List<String> lines = new ArrayList<>();
        String[] maxproc = {"16", "4", "100", "16", "0", "16", "16", "16", "16", "16"};
        String[] maxUse = {"100", "100", "100", "1", "100", "100", "100", "100", "100", "100"};
        for (int i = 0; i < ports.length; i++) {
            lines.add("127.0.0.1:" + ports[i] + " inet n n n - " + maxproc[i] + " " + command.replace("MAXUSE", maxUse[i]));
        }
        return lines;
    }

    private boolean run() throws Exception {
        Path dir = Files.createTempDirectory("jmaster-bench-");
        Path etc = Instances.postfixConfiguration(dir);
        if (parts.contains("spawn")) {
            spawnCat(dir, etc);
        }
        List<Path> scratch = new ArrayList<>(List.of(dir));
        if (parts.contains("mail")) {
            Path mailDir = mailDirectory(dir);
            if (!mailDir.equals(dir)) {
                scratch.add(mailDir);
            }
            new MailBench(this, distribution, dir, mailDir, reps, smoke).run();
        }
        if (!smoke && parts.contains("echo")) {
            javaEcho(dir, etc, true);
            javaEcho(dir, etc, false);
        }
        String report = report();
        System.out.println(report);
        Files.writeString(out, report);
        if (charts != null && !smoke) {
            Charts.write(figures, Bench::median, charts).forEach(chart -> System.out.println("chart: " + chart));
        }
        failures.forEach(f -> System.out.println("FAILURE: " + f));
        for (Path d : scratch) {
            if (failures.isEmpty() && !keep) {
                deleteTree(d); // the instances' homes, queues and logs; kept to look at when something failed
            } else {
                System.out.println("the instances' homes, queues and logs are in " + d);
            }
        }
        return failures.isEmpty();
    }

    /**
     * Where the mail system's queue, spool and log go: --mail-dir, else a tmpfs (/dev/shm) with 2 GiB
     * free, else the bench's own directory. cleanup(8) and local(8) each fsync every message, and on
     * this machine's virtual disk local(8)'s time per delivery went from 1.1 to 8.4 ms from one minute
     * to the next, under either master: on the disk, the disk decided messages/s. On a tmpfs an
     * fsync costs nothing, and what is left to decide is the CPU, where the masters differ.
     */
    private Path mailDirectory(Path dir) throws IOException {
        Path base = mailOn;
        Path shm = Path.of("/dev/shm");
        if (base == null && Files.isDirectory(shm)) {
            FileStore store = Files.getFileStore(shm);
            base = store.type().equals("tmpfs") && store.getUsableSpace() >= 2L << 30 ? shm : null;
        }
        if (base == null) {
            System.out.println("mail system: queue and spool on " + dir + " (no tmpfs with 2 GiB free at /dev/shm)");
            return dir;
        }
        Path mailDir = Files.createTempDirectory(base, "jmaster-bench-mail-");
        Files.setPosixFilePermissions(mailDir, PosixFilePermissions.fromString("rwxr-xr-x")); // local(8) runs as nobody
        System.out.println("mail system: queue and spool on " + mailDir + " (" + Files.getFileStore(mailDir).type() + ")");
        return mailDir;
    }

    static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** Both masters side by side, ten services each run by spawn(8) and /bin/cat. */
    private void spawnCat(Path dir, Path etc) throws Exception {
        String spawnCat = "spawn -o max_use=MAXUSE user=nobody argv=/bin/cat";
        int[] both = ports(21);
        int[] postfixPorts = Arrays.copyOfRange(both, 0, 10);
        int[] jmasterPorts = Arrays.copyOfRange(both, 10, 20);
        List<Instances.Master> masters = new ArrayList<>();
        // the two masters run side by side, so each has a queue of its own: both lock theirs, as Postfix's master does
        Path jmasterEtc = Instances.postfixConfiguration(Files.createDirectories(dir.resolve("for-jmaster")));
        try (Instances.Master postfix = Instances.postfix(etc, lines(postfixPorts, spawnCat));
                Instances.Master jmaster = Instances.jmaster(distribution, dir, jmasterEtc, lines(jmasterPorts, spawnCat),
                        both[20])) {
            masters.add(postfix);
            masters.add(jmaster);
            Map<Instances.Master, int[]> ports = Map.of(postfix, postfixPorts, jmaster, jmasterPorts);
            warmClient();
            for (Instances.Master m : masters) {
                // the first client either master has served since its start, on the max_use=1 service
                Load.Result first = Load.once(ports.get(m)[3], 1, 0);
                check(m, "first connection after start", first);
                record("first connection after start ms", m, first.seconds * 1000);
            }
            for (Instances.Master m : masters) {
                Load.steady(ports.get(m)[0], 4, smoke ? 0.5 : 2, Long.MAX_VALUE); // warm-up
            }
            for (int rep = 0; rep < reps; rep++) {
                List<Instances.Master> order = rep % 2 == 0 ? masters : List.of(jmaster, postfix);
                for (int clients : smoke ? new int[] {8} : new int[] {1, 8, 32}) {
                    for (Instances.Master m : order) {
                        steady(m, ports.get(m)[0], clients, "steady " + clients);
                    }
                }
                for (int i : smoke ? new int[] {1} : new int[] {1, 2}) {
                    for (Instances.Master m : order) {
                        burst(m, ports.get(m)[i], "cold burst 50, maxproc " + (i == 1 ? 4 : 100));
                    }
                }
                for (Instances.Master m : order) {
                    steady(m, ports.get(m)[3], 8, "spawn-bound");
                }
                if (!smoke) {
                    idle(masters);
                }
            }
            if (!smoke) {
                for (Instances.Master m : masters) {
                    scale(m, ports.get(m)[4]);
                }
            }
        }
    }

    /** One connection of the load client to an echo of its own: its first-time costs are not the first master's. */
    private static void warmClient() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket client = echo.accept()) {
                    client.getOutputStream().write(client.getInputStream().readAllBytes());
                } catch (IOException e) {
                    // the client reports it
                }
            });
            server.start();
            Load.once(echo.getLocalPort(), 1, 0);
            server.join();
        }
    }

    private void steady(Instances.Master m, int port, int clients, String name) throws Exception {
        double cpu = Proc.cpuSeconds(m.pid());
        long sleeps = Proc.sleeps(m.pid());
        double[] rss = {0};
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                try {
                    rss[0] = Math.max(rss[0], Proc.rssMiB(m.pid()));
                    Thread.sleep(200);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        Load.Result r = Load.steady(port, clients, seconds, Long.MAX_VALUE);
        sampling.set(false);
        sampler.join();
        double used = Proc.cpuSeconds(m.pid()) - cpu;
        long wakeups = Proc.sleeps(m.pid()) - sleeps;
        record(name + ": connections/s", m, r.perSecond());
        if (!name.endsWith("spawn-bound")) {
            record(name + ": p50 ms", m, r.percentileMillis(50));
            record(name + ": p99 ms", m, r.percentileMillis(99));
            record(name + ": master CPU µs/connection", m, used * 1e6 / Math.max(1, r.connections));
            record(name + ": master wake-ups/connection", m, (double) wakeups / Math.max(1, r.connections));
            record(name + ": master CPU µs/wake-up", m, used * 1e6 / Math.max(1, wakeups));
            record("RSS MiB under load", m, rss[0]);
        }
        check(m, name, r);
    }

    private void burst(Instances.Master m, int port, String name) throws Exception {
        m.reload();
        String marker = "127.0.0.1:" + port;
        long deadline = System.currentTimeMillis() + 30_000;
        while (!Proc.children(m.pid(), marker).isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(200);
        Load.Result r = Load.once(port, smoke ? 10 : 50, 0);
        record(name + ": makespan ms", m, r.seconds * 1000);
        check(m, name, r);
    }

    private void idle(List<Instances.Master> masters) throws Exception {
        Thread.sleep(2000);
        Map<Instances.Master, double[]> before = new LinkedHashMap<>();
        for (Instances.Master m : masters) {
            before.put(m, new double[] {Proc.cpuSeconds(m.pid()), Proc.threadCpuSeconds(m.pid(), "fileinstall")});
        }
        Thread.sleep((long) (idleSeconds * 1000));
        for (Instances.Master m : masters) {
            double all = Proc.cpuSeconds(m.pid()) - before.get(m)[0];
            double polling = Proc.threadCpuSeconds(m.pid(), "fileinstall") - before.get(m)[1];
            record("idle CPU % of a core, 10 services", m, all * 100 / idleSeconds);
            record("idle CPU % of a core, without FileInstall's polling", m, (all - polling) * 100 / idleSeconds);
            record("RSS MiB idle", m, Proc.rssMiB(m.pid()));
        }
    }

    private void scale(Instances.Master m, int port) throws Exception {
        double[] peak = {0, 0};
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                try {
                    peak[0] = Math.max(peak[0], Proc.rssMiB(m.pid()));
                    peak[1] = Math.max(peak[1], Proc.children(m.pid(), "127.0.0.1:" + port).size());
                    Thread.sleep(250);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        Load.Result r = Load.once(port, scale, 10_000);
        sampling.set(false);
        sampler.join();
        record("scale: " + scale + " slow clients, maxproc 0: peak children", m, peak[1]);
        record("scale: RSS MiB at peak", m, peak[0]);
        record("scale: makespan s", m, r.seconds);
        record("scale: connections served", m, r.connections);
        check(m, "scale", r);
    }

    /**
     * jmaster alone with the Java echo child: what a Java user sees; with the class-data archive
     * bin/jmaster makes for the children's JVM, or without it (removed after the start: the
     * child's launcher looks for it at each start).
     */
    private void javaEcho(Path dir, Path etc, boolean archive) throws Exception {
        int[] ports = ports(11); // ten services and the JMX port
        Path home = Files.createDirectories(dir.resolve(archive ? "jmaster-echo" : "jmaster-echo-without-archive"));
        String echo = home.resolve("jmaster/libexec/jmaster-echo") + " -o max_use=MAXUSE";
        String prefix = archive ? "Java echo: " : "Java echo without its archive: ";
        try (Instances.Master m = Instances.jmaster(distribution, home, etc, lines(Arrays.copyOf(ports, 10), echo), ports[10])) {
            if (!archive) {
                Files.delete(home.resolve("jmaster/data/cds/jmaster-child.jsa"));
            }
            Load.steady(ports[0], 4, 2, Long.MAX_VALUE);
            for (int rep = 0; rep < reps; rep++) {
                firstReply(m, ports[3], prefix + "spawn to first reply ms");
                for (int clients : archive ? new int[] {1, 8, 32} : new int[0]) {
                    steady(m, ports[0], clients, prefix + "steady " + clients);
                }
                burst(m, ports[1], prefix + "cold burst 50, maxproc 4");
                steady(m, ports[3], 8, prefix + "spawn-bound");
            }
        }
    }

    /**
     * The time from a client's connect, with no child alive, to its reply: the master's wake-up,
     * the spawn, the child's start-up, its accept and reply. The median of 10, each after the
     * last child has gone (max_use=1: each exits after its request).
     */
    private void firstReply(Instances.Master m, int port, String name) throws Exception {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long deadline = System.currentTimeMillis() + 10_000;
            while (!Proc.children(m.pid(), "127.0.0.1:" + port).isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            Load.Result r = Load.once(port, 1, 0);
            check(m, name, r);
            times.add(r.seconds * 1000);
        }
        record(name, m, median(times));
    }

    private void check(Instances.Master m, String name, Load.Result r) {
        if (r.failures > 0) {
            failures.add(m.name() + " " + name + ": " + r.failures + " of " + (r.failures + r.connections)
                    + " connections failed, first " + r.firstFailure);
        }
        if (r.connections == 0) {
            failures.add(m.name() + " " + name + ": no connection served");
        }
    }

    private void record(String figure, Instances.Master m, double value) {
        record(figure, m.name(), value);
    }

    void record(String figure, String master, double value) {
        figures.computeIfAbsent(figure, f -> new LinkedHashMap<>()).computeIfAbsent(master, n -> new ArrayList<>())
                .add(value);
    }

    void failed(String failure) {
        failures.add(failure);
    }

    private String report() throws IOException {
        StringBuilder text = new StringBuilder();
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 2)).orElse("?");
        text.append("Run ").append(ZonedDateTime.now()).append(" on ").append(Runtime.getRuntime().availableProcessors())
                .append(" CPUs (").append(cpu).append("), ").append(reps).append(" repetitions, medians")
                .append(smoke ? " (smoke run)" : "").append("\n\n");
        text.append("| figure | Postfix master | jmaster | jmaster/Postfix |\n|---|---:|---:|---:|\n");
        for (Map.Entry<String, Map<String, List<Double>>> f : figures.entrySet()) {
            Double p = median(f.getValue().get("postfix"));
            Double j = median(f.getValue().get("jmaster"));
            text.append("| ").append(f.getKey()).append(" | ").append(format(p)).append(" | ").append(format(j))
                    .append(" | ").append(p == null || j == null || p == 0 ? "" : String.format("%.2f", j / p)).append(" |\n");
        }
        return text.toString();
    }

    private static Double median(List<Double> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        DoubleBinaryOperator mean = (a, b) -> (a + b) / 2;
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : mean.applyAsDouble(sorted[sorted.length / 2 - 1], sorted[sorted.length / 2]);
    }

    private static String format(Double value) {
        if (value == null) {
            return "";
        }
        return value >= 100 ? String.format("%.0f", value) : value >= 10 ? String.format("%.1f", value)
                : String.format("%.3f", value);
    }

    /**
     * Distinct free ports below the kernel's ephemeral range (32768 and up), so that neither an
     * earlier pick nor a client's outgoing connection can hold one when a master binds it.
     */
    static synchronized int[] ports(int count) throws IOException {
        int[] ports = new int[count];
        List<ServerSocket> held = new ArrayList<>();
        try {
            int port = 20000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(10000);
            for (int i = 0; i < count && port < 32768; port++) {
                try {
                    held.add(new ServerSocket(port, 1, InetAddress.getLoopbackAddress()));
                    ports[i++] = port;
                } catch (IOException taken) {
                    // try the next one
                }
            }
            if (held.size() < count) {
                throw new IOException("no " + count + " free ports between 20000 and 32767 on 127.0.0.1");
            }
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
        return ports;
    }

}
