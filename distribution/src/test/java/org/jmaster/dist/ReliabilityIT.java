package org.jmaster.dist;

import static org.jmaster.dist.Container.await;
import static org.jmaster.dist.Container.echo;
import static org.jmaster.dist.JmxIT.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.jmaster.api.postfix.MasterCfSyntax;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reliability suite, against the real distribution: load, children that misbehave, a master
 * killed, resources exhausted. Every case records its figures (target/reliability/figures.md).
 * Reduced in CI; -Djmaster.reliability.full=true for the full size of RELIABILITY.md.
 */
class ReliabilityIT {
    private static final ObjectName MEMORY = name("java.lang:type=Memory");
    @TempDir
    Path dir;

    private static long heapAfterGc(MBeanServerConnection jmx) throws Exception {
        jmx.invoke(MEMORY, "gc", null, null);
        Thread.sleep(200);
        jmx.invoke(MEMORY, "gc", null, null);
        return (Long) ((CompositeData) jmx.getAttribute(MEMORY, "HeapMemoryUsage")).get("used");
    }

    /** Writes a service configuration (etc/org.jmaster.service-NAME.cfg) from a master.cf line. */
    private static void cfg(Container c, String name, String masterCfLine) throws IOException {
        List<String> columns = MasterCfSyntax.columns(masterCfLine);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            text.append(MasterCfSyntax.COLUMNS.get(i)).append(" = ").append(columns.get(i)).append('\n');
        }
        Files.writeString(c.home.resolve("etc/org.jmaster.service-" + name + ".cfg"), text.toString());
    }

    /**
     * Case 1: many connections through maxproc 8 and max_use 100 as fast as the machine allows:
     * every one answered, never more than 8 children, and the master's descriptors, threads and
     * heap back where they were (tolerance: 2 descriptors, 2 threads, 16 MiB of heap after GC).
     */
    @Test
    void load() throws Exception {
        int connections = Figures.size(5_000, 20_000);
        try (Container c = new Container(dir)) {
            int port = c.moveEcho();
            cfg(c, "echo", "127.0.0.1:" + port + " inet n n n - 8 jmaster-echo -o max_use=100");
            c.start("127.0.0.1:" + port);
            MBeanServerConnection jmx = c.jmx();
            ObjectName service = JmxIT.service("127.0.0.1:" + port + "/inet");
            for (int i = 0; i < 200; i++) {
                assertEquals("warm " + i, echo(port, "warm " + i));
            }
            Thread.sleep(1000);
            int[] before = c.fdsAndThreads();
            long heapBefore = heapAfterGc(jmx);
            AtomicInteger mostChildren = new AtomicInteger();
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    mostChildren.accumulateAndGet(c.children().size(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.start();
            AtomicLong next = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            List<Thread> clients = new ArrayList<>();
            long started = System.nanoTime();
            for (int t = 0; t < 16; t++) {
                Thread client = new Thread(() -> {
                    for (long n; (n = next.getAndIncrement()) < connections;) {
                        try {
                            if (!("load " + n).equals(echo(port, "load " + n))) {
                                failures.incrementAndGet();
                            }
                        } catch (IOException e) {
                            failures.incrementAndGet();
                        }
                    }
                });
                client.start();
                clients.add(client);
            }
            for (Thread client : clients) {
                client.join();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            sampling.set(false);
            sampler.join();
            Thread.sleep(2000);
            int[] after = c.fdsAndThreads();
            long heapAfter = heapAfterGc(jmx);
            long requests = (Long) jmx.getAttribute(service, "RequestsCompleted");
            Figures.record("1. load, maxproc 8, max_use 100", String.format("%d connections in %.1f s (%.0f/s), %d failed,"
                    + " %d requests counted, at most %d children; descriptors %d -> %d, threads %d -> %d, heap after GC"
                    + " %.1f -> %.1f MiB", connections, seconds, connections / seconds, failures.get(), requests,
                    mostChildren.get(), before[0], after[0], before[1], after[1], heapBefore / 1048576.0,
                    heapAfter / 1048576.0));
            assertEquals(0, failures.get());
            assertTrue(mostChildren.get() <= 8, "children: " + mostChildren.get());
            assertTrue(after[0] <= before[0] + 2, "descriptors " + before[0] + " -> " + after[0]);
            assertTrue(after[1] <= before[1] + 2, "threads " + before[1] + " -> " + after[1]);
            assertTrue(heapAfter <= heapBefore + 16 * 1048576, "heap " + heapBefore + " -> " + heapAfter);
        }
    }

    /**
     * Case 2, children that misbehave: killed in mid-request; crashing at start-up in a loop;
     * ignoring SIGTERM; never reporting TAKEN; writing garbage and other children's pids; stopped.
     */
    @Test
    void childrenThatMisbehave() throws Exception {
        int kills = Figures.size(5, 20);
        try (Container c = new Container(dir)) {
            int echoPort = c.moveEcho();
            int crashPort = Container.freePort();
            int stubbornPort = Container.freePort();
            int silentPort = Container.freePort();
            int gossipPort = Container.freePort();
            Path foreign = dir.resolve("foreign.pid");
            c.setting("service_throttle_time", "2s");
            c.setting("stop_timeout", "2s");
            c.launcher("stubborn", "trap '' TERM\nexec \"$(dirname \"$0\")/jmaster-echo\" \"$@\"");
            c.pythonChild("silent-child");
            c.pythonChild("gossip-child");
            c.masterCf("127.0.0.1:" + crashPort + " inet n n n - 4 /bin/false",
                    "127.0.0.1:" + stubbornPort + " inet n n n - 4 stubborn",
                    "127.0.0.1:" + silentPort + " inet n n n - 2 silent-child silent",
                    "127.0.0.1:" + gossipPort + " inet n n n - 2 gossip-child -o foreign_pid_file=" + foreign + " gossip");
            c.start("127.0.0.1:" + echoPort, "127.0.0.1:" + crashPort, "127.0.0.1:" + stubbornPort,
                    "127.0.0.1:" + silentPort, "127.0.0.1:" + gossipPort);
            MBeanServerConnection jmx = c.jmx();

            // killed with SIGKILL in mid-request: the client sees the close, the next one is served
            int closed = 0;
            for (int i = 0; i < kills; i++) {
                assertEquals("before " + i, echo(echoPort, "before " + i));
                try (Socket held = new Socket()) {
                    held.connect(new InetSocketAddress("127.0.0.1", echoPort), 5000);
                    held.setSoTimeout(10_000);
                    await("a child took the client", 10_000, () -> busyChild(c, jmx, echoPort) > 0);
                    kill(busyChild(c, jmx, echoPort), "KILL");
                    closed += held.getInputStream().read() < 0 ? 1 : 0;
                }
                assertEquals("after " + i, echo(echoPort, "after " + i));
            }
            Figures.record("2a. child killed with SIGKILL in mid-request", kills + " kills, " + closed
                    + " clients saw the connection close, " + kills + " next clients served");
            assertEquals(kills, closed);

            // exiting at start-up in a loop: one spawn per throttle period, no fork storm
            ObjectName crash = JmxIT.service("127.0.0.1:" + crashPort + "/inet");
            long seconds = Figures.size(8, 20);
            try (Socket waiting = new Socket()) {
                waiting.connect(new InetSocketAddress("127.0.0.1", crashPort), 5000);
                Thread.sleep(seconds * 1000);
            }
            long spawns = (Long) jmx.getAttribute(crash, "ProcessesSpawned");
            long bad = (Long) jmx.getAttribute(crash, "BadStartups");
            Figures.record("2b. command exiting at start-up in a loop (throttle 2s)", spawns + " spawns and " + bad
                    + " bad start-ups in " + seconds + " s");
            assertTrue(spawns <= seconds / 2 + 1 && spawns >= 2, "spawns " + spawns);
            assertTrue(c.log().contains("/bin/false: bad command startup -- throttling"));

            // ignoring SIGTERM: cleanup escalates to SIGKILL within stop_timeout
            ObjectName stubborn = JmxIT.service("127.0.0.1:" + stubbornPort + "/inet");
            long stubbornPid;
            try (Socket held = new Socket()) {
                held.connect(new InetSocketAddress("127.0.0.1", stubbornPort), 5000);
                await("a stubborn child", 20_000, () -> ((CompositeData[]) attribute(jmx, stubborn, "Processes")).length == 1);
                stubbornPid = (Integer) ((CompositeData[]) jmx.getAttribute(stubborn, "Processes"))[0].get("pid");
                long start = System.nanoTime();
                jmx.invoke(stubborn, "cleanup", null, null);
                double took = (System.nanoTime() - start) / 1e9;
                Figures.record("2c. child ignoring SIGTERM", String.format("cleanup() returned after %.1f s"
                        + " (stop_timeout 2s), SIGKILL named pid %d", took, stubbornPid));
                assertTrue(took >= 1.9 && took < 8, "took " + took);
            }
            assertTrue(ProcessHandle.of(stubbornPid).isEmpty());
            assertTrue(c.log().contains("sending SIGKILL to pid [" + stubbornPid + "]"));

            // never reporting TAKEN: the master believes it idle; it still serves, one client at a time
            int silentServed = 0;
            for (int i = 0; i < 5; i++) {
                silentServed += ("silent " + i).equals(echo(silentPort, "silent " + i)) ? 1 : 0;
            }
            ObjectName silent = JmxIT.service("127.0.0.1:" + silentPort + "/inet");
            Figures.record("2d. child never reporting TAKEN", silentServed + " of 5 clients served, "
                    + attribute(jmx, silent, "TotalProcesses") + " child(ren), requests counted "
                    + attribute(jmx, silent, "RequestsCompleted"));
            assertEquals(5, silentServed);
            assertEquals(1, jmx.getAttribute(silent, "TotalProcesses"));

            // gossip: garbage, a partial record, an unknown pid, a wrong generation, a foreign pid
            assertEquals("e", echo(echoPort, "e"));
            int echoChild = (Integer) ((CompositeData[]) jmx.getAttribute(JmxIT.service("127.0.0.1:" + echoPort + "/inet"),
                    "Processes"))[0].get("pid");
            Files.writeString(foreign, Integer.toString(echoChild));
            int gossipServed = 0;
            for (int i = 0; i < 5; i++) {
                gossipServed += ("gossip " + i).equals(echo(gossipPort, "gossip " + i)) ? 1 : 0;
            }
            ObjectName gossip = JmxIT.service("127.0.0.1:" + gossipPort + "/inet");
            await("the warnings", 10_000, () -> c.log().contains("sent partial status update (5 bytes)")
                    && c.log().contains("ignoring unknown status: 42") && c.log().contains("generation")
                    && c.log().contains("ignoring status update from child pid " + echoChild + " of service"));
            int total = (Integer) jmx.getAttribute(gossip, "TotalProcesses");
            int available = (Integer) jmx.getAttribute(gossip, "AvailableProcesses");
            Figures.record("2e. child writing garbage and other children's pids", gossipServed + " of 5 clients served;"
                    + " partial, unknown-status, stale-generation and foreign-pid warnings logged; counts " + available + "/"
                    + total + " available/total");
            assertEquals(5, gossipServed);
            assertTrue(0 <= available && available <= total && total <= 2);
            assertEquals(1, jmx.getAttribute(JmxIT.service("127.0.0.1:" + echoPort + "/inet"), "TotalProcesses"),
                    "the echo service was not disturbed");

            // stopped with SIGSTOP while busy: kept, as Postfix keeps it; the next client gets another child
            ObjectName echo = JmxIT.service("127.0.0.1:" + echoPort + "/inet");
            try (Socket held = new Socket()) {
                held.connect(new InetSocketAddress("127.0.0.1", echoPort), 5000);
                held.setSoTimeout(20_000);
                await("the child takes it", 10_000, () -> busyChild(c, jmx, echoPort) > 0);
                int stopped = busyChild(c, jmx, echoPort);
                kill(stopped, "STOP");
                String served = echo(echoPort, "while stopped");
                int totalWhileStopped = (Integer) jmx.getAttribute(echo, "TotalProcesses");
                kill(stopped, "CONT");
                held.getOutputStream().write("continued\n".getBytes(StandardCharsets.UTF_8));
                String resumed = new String(held.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                Figures.record("2f. child stopped with SIGSTOP", "kept in the table (" + totalWhileStopped
                        + " children while it was stopped); the next client was served by another child: "
                        + "while stopped".equals(served) + "; after SIGCONT it finished its client: " + resumed);
                assertEquals("while stopped", served);
                assertEquals(2, totalWhileStopped);
                assertEquals("continued", resumed);
                assertTrue(ProcessHandle.of(stopped).isPresent(), "not reaped while stopped");
            }
        }
    }

    private static Object attribute(MBeanServerConnection jmx, ObjectName name, String attribute) {
        try {
            return jmx.getAttribute(name, attribute);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int busyChild(Container c, MBeanServerConnection jmx, int port) {
        for (CompositeData row : (CompositeData[]) attribute(jmx, JmxIT.service("127.0.0.1:" + port + "/inet"), "Processes")) {
            if ("TAKEN".equals(row.get("state"))) {
                return (Integer) row.get("pid");
            }
        }
        return 0;
    }

    private static void kill(long pid, String signal) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor());
    }

    /**
     * Case 3: the JVM killed with SIGKILL while children are busy and idle: each child exits on its
     * own (the idle one at once, the busy one after its request), none is left after 10 s, and
     * the container started again binds its ports and serves.
     */
    @Test
    void masterKilled() throws Exception {
        try (Container c = new Container(dir)) {
            int port = c.moveEcho();
            c.start("127.0.0.1:" + port);
            Socket busy = new Socket();
            busy.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            busy.setSoTimeout(10_000);
            await("a busy child", 20_000, () -> c.children().size() == 1);
            assertEquals("idle", echo(port, "idle"));
            await("two children", 20_000, () -> c.children().size() == 2);
            List<ProcessHandle> children = c.children();
            kill(c.pid(), "KILL");
            await("the JVM is gone", 10_000, () -> ProcessHandle.of(c.pid()).isEmpty());
            long killed = System.nanoTime();
            await("the idle child exits at once", 2_000, () -> children.stream().filter(ProcessHandle::isAlive).count() == 1);
            double idleExit = (System.nanoTime() - killed) / 1e9;
            busy.getOutputStream().write("finishing\n".getBytes(StandardCharsets.UTF_8));
            String reply = new String(busy.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            busy.close();
            await("no child left after 10 s", 10_000, () -> children.stream().noneMatch(ProcessHandle::isAlive));
            Files.deleteIfExists(c.home.resolve("data/jmaster.pid"));
            c.start("127.0.0.1:" + port);
            String again = echo(port, "again");
            Figures.record("3. JVM killed with SIGKILL", String.format("idle child exited %.2f s after, busy child finished"
                    + " its request (\"%s\") and exited, 0 of %d children left; restarted, binds again and serves: %s",
                    idleExit, reply, children.size(), again.equals("again")));
            assertEquals("finishing", reply);
            assertEquals("again", again);
        }
    }

    /**
     * Case 4: spawning fails (RLIMIT_NPROC of the container's user, then a command that vanished):
     * Postfix's throttling message, the other services serve, and it recovers when the cause goes.
     */
    @Test
    void spawnFailsAndRecovers() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "the process limit case runs the container as nobody");
        try (Container c = new Container(dir)) {
            int port = c.moveEcho();
            int other = Container.freePort();
            c.setting("service_throttle_time", "2s");
            c.pythonChild("py-child");
            c.masterCf("127.0.0.1:" + other + " inet n n n - 8 py-child -o max_idle=2 normal");
            c.runAs("nobody");
            c.start("127.0.0.1:" + port, "127.0.0.1:" + other);
            assertEquals("first", echo(port, "first"));
            long tasks = userTasks("nobody");
            String hard = Files.readAllLines(Path.of("/proc/" + c.pid() + "/limits")).stream()
                    .filter(l -> l.startsWith("Max processes")).findFirst().orElseThrow().trim().split("\\s+")[3];
            nproc(c.pid(), Long.toString(tasks + 2));
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", other), 5000);
                    s.setSoTimeout(30_000);
                    held.add(s);
                }
                await("the fork failure", 20_000, () -> c.log().contains(
                        "master_spawn: fork: Resource temporarily unavailable -- throttling"));
                String meanwhile = echo(port, "meanwhile");
                nproc(c.pid(), hard);
                int served = 0;
                for (int i = 0; i < held.size(); i++) {
                    held.get(i).getOutputStream().write(("held " + i + "\n").getBytes(StandardCharsets.UTF_8));
                    String reply = new String(held.get(i).getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                    served += reply.equals("held " + i) ? 1 : 0;
                }
                Figures.record("4a. fork fails (RLIMIT_NPROC)", "\"master_spawn: fork: Resource temporarily unavailable"
                        + " -- throttling\"; the other service served meanwhile: " + meanwhile.equals("meanwhile")
                        + "; after the limit was lifted " + served + " of " + held.size() + " waiting clients served");
                assertEquals("meanwhile", meanwhile);
                assertEquals(held.size(), served);
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }

            Path launcher = c.home.resolve("libexec/jmaster-echo");
            Path aside = c.home.resolve("libexec/jmaster-echo.aside");
            ObjectName echo = JmxIT.service("127.0.0.1:" + port + "/inet");
            c.jmx().invoke(echo, "cleanup", null, null);
            Files.move(launcher, aside);
            try (Socket waiting = new Socket()) {
                waiting.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                waiting.setSoTimeout(30_000);
                await("the exec failure", 20_000, () -> c.log().contains("master_spawn: exec " + launcher
                        + ": No such file or directory") && c.log().contains(launcher + ": bad command startup -- throttling"));
                Files.move(aside, launcher);
                waiting.getOutputStream().write("back\n".getBytes(StandardCharsets.UTF_8));
                String reply = new String(waiting.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                Figures.record("4b. command missing, then back", "exec failure throttled the service with Postfix's"
                        + " message; once the command was back the waiting client got \"" + reply + "\"");
                assertEquals("back", reply);
            }
        }
    }

    /**
     * Sets the soft RLIMIT_NPROC of the container's JVM, as its own user (the same user may lower
     * and raise a soft limit up to the hard one; root without CAP_SYS_RESOURCE may not).
     */
    private static void nproc(long pid, String soft) throws Exception {
        Process prlimit = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "prlimit",
                "--pid", Long.toString(pid), "--nproc=" + soft + ":").redirectErrorStream(true).start();
        String out = new String(prlimit.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, prlimit.waitFor(), out);
    }

    private static long userTasks(String user) throws Exception {
        Process ps = new ProcessBuilder("ps", "-L", "-u", user, "--no-headers").start();
        return new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().count();
    }

    /**
     * Case 5 (the container's part): random configuration changes through FileInstall: services
     * added, changed and deleted; afterwards the services, MBeans, listening sockets, children and
     * threads are exactly those of the configuration left.
     */
    @Test
    void configurationChurn() throws Exception {
        int operations = Figures.size(200, 1_000);
        try (Container c = new Container(dir)) {
            int echoPort = c.moveEcho();
            c.start("127.0.0.1:" + echoPort);
            MBeanServerConnection jmx = c.jmx();
            Thread.sleep(1000);
            int[] before = c.fdsAndThreads();
            int[] ports = new int[8];
            for (int i = 0; i < ports.length; i++) {
                ports[i] = Container.freePort();
            }
            java.util.Random random = new java.util.Random(42);
            Set<Integer> present = ConcurrentHashMap.newKeySet();
            int creates = 0;
            int changes = 0;
            int deletes = 0;
            for (int op = 0; op < operations; op++) {
                int k = random.nextInt(ports.length);
                Path file = c.home.resolve("etc/org.jmaster.service-churn" + k + ".cfg");
                int choice = random.nextInt(10);
                if (choice < 6) {
                    if (present.add(k)) {
                        creates++;
                    } else {
                        changes++;
                    }
                    cfg(c, "churn" + k, "127.0.0.1:" + ports[k] + " inet n n n - " + (1 + random.nextInt(4))
                            + " jmaster-echo" + (random.nextBoolean() ? "" : " -o max_use=" + (1 + random.nextInt(50))));
                } else if (choice < 8 && present.remove(k)) {
                    Files.deleteIfExists(file);
                    deletes++;
                } else if (choice == 9) {
                    Files.writeString(file, "service = 127.0.0.1:" + ports[k] + "\ntype = inet\nmaxproc = x\ncommand = jmaster-echo\n");
                    present.remove(k);
                    changes++;
                }
                if (random.nextInt(4) == 0 && present.contains(k)) {
                    try {
                        echo(ports[k], "churn");
                    } catch (IOException e) {
                        // a service being replaced may refuse: that is not what this case measures
                    }
                }
                Thread.sleep(random.nextInt(15));
            }
            for (int k = 0; k < ports.length; k++) {
                if (!present.contains(k)) {
                    Files.deleteIfExists(c.home.resolve("etc/org.jmaster.service-churn" + k + ".cfg"));
                }
            }
            // quiet: the log stops growing
            long last = -1;
            for (int settled = 0; settled < 3;) {
                Thread.sleep(1000);
                long length = c.log().length();
                settled = length == last ? settled + 1 : 0;
                last = length;
            }
            Set<String> expected = new java.util.TreeSet<>();
            expected.add("127.0.0.1:" + echoPort + "/inet");
            present.forEach(k -> expected.add("127.0.0.1:" + ports[k] + "/inet"));
            Set<String> services = new java.util.TreeSet<>(List.of((String[]) jmx.getAttribute(
                    name("org.jmaster:type=Master"), "Services")));
            Set<ObjectName> mbeans = jmx.queryNames(name("org.jmaster:type=Service,*"), null);
            int listening = 0;
            for (int k = 0; k < ports.length; k++) {
                try (Socket probe = new Socket()) {
                    probe.connect(new InetSocketAddress("127.0.0.1", ports[k]), 1000);
                    listening++;
                } catch (IOException closed) {
                    // not listening
                }
            }
            c.jmx().invoke(name("org.jmaster:type=Master"), "reload", null, null);
            Thread.sleep(2000); // the old children are gone; the probes above may have started new ones
            List<String> strays = new ArrayList<>();
            for (ProcessHandle child : c.children()) {
                List<String> argv = List.of(child.info().arguments().orElse(new String[0]));
                int n = argv.indexOf("-n");
                String service = n >= 0 && n + 1 < argv.size() ? argv.get(n + 1) + "/inet" : "?";
                if (!expected.contains(service)) {
                    strays.add(child.pid() + " " + service);
                }
            }
            int[] after = c.fdsAndThreads();
            // every churn service deleted: the master is back to its one service and its descriptors
            for (int k = 0; k < ports.length; k++) {
                Files.deleteIfExists(c.home.resolve("etc/org.jmaster.service-churn" + k + ".cfg"));
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (((String[]) jmx.getAttribute(name("org.jmaster:type=Master"), "Services")).length > 1
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            Thread.sleep(1000);
            int[] emptied = c.fdsAndThreads();
            Figures.record("5b. random configuration changes through FileInstall", String.format("%d operations (%d creates,"
                    + " %d changes, %d deletes); services %s = configuration %s; %d service MBeans; %d churn ports"
                    + " listening of %d configured; %d children of unconfigured services; descriptors %d -> %d"
                    + " (%d once every churn service was deleted), threads %d -> %d", operations, creates, changes,
                    deletes, services.size(), expected.size(), mbeans.size(), listening, present.size(), strays.size(),
                    before[0], after[0], emptied[0], before[1], after[1]));
            assertTrue(emptied[0] <= before[0] + 2, "descriptors " + before[0] + " -> " + emptied[0]
                    + " once every churn service was deleted");
            assertEquals(List.of(), strays);
            assertEquals(expected, services);
            assertEquals(expected.size(), mbeans.size());
            assertEquals(present.size(), listening);
            assertTrue(after[1] <= before[1] + 2, "threads " + before[1] + " -> " + after[1]);
        }
    }

    /**
     * Case 6: a live child holds only descriptors 0-6, also after a reload and after the spawner
     * bundle was replaced; the unix endpoints and their directories have Postfix's modes.
     */
    @Test
    void securityBasics() throws Exception {
        try (Container c = new Container(dir)) {
            int port = c.moveEcho();
            int sleeper = Container.freePort();
            c.launcher("sleeper", "exec /bin/sleep 60");
            c.masterCf("127.0.0.1:" + sleeper + " inet n n n - 4 sleeper", "relay unix n n n - 2 jmaster-echo",
                    "private-relay unix y n n - 2 jmaster-echo");
            c.start("127.0.0.1:" + port, "127.0.0.1:" + sleeper, "relay", "private-relay");
            List<String> layouts = new ArrayList<>();
            Set<Long> seen = new java.util.HashSet<>();
            ObjectName sleepers = JmxIT.service("127.0.0.1:" + sleeper + "/inet");
            String[] when = {"at start", "after a reload", "after the spawner bundle was replaced"};
            for (int round = 0; round < 3; round++) {
                if (round == 1) {
                    c.jmx().invoke(name("org.jmaster:type=Master"), "reload", null, null);
                } else if (round == 2) {
                    c.jmx().invoke(name("org.jmaster:type=Master"), "updateBundle", new Object[] {"org.jmaster.spawner",
                        c.inBundleDirectory(System.getProperty("jmaster.rebuilt.org.jmaster.spawner"))},
                            new String[] {String.class.getName(), String.class.getName()});
                }
                c.jmx().invoke(sleepers, "cleanup", null, null); // a sleeper does not read fd 5: it must be told
                try (Socket client = new Socket()) {
                    client.connect(new InetSocketAddress("127.0.0.1", sleeper), 5000);
                    await("a new sleeper", 10_000, () -> newSleeper(c, seen) != null);
                    ProcessHandle child = newSleeper(c, seen);
                    seen.add(child.pid());
                    List<String> fds = new ArrayList<>(List.of(new java.io.File("/proc/" + child.pid() + "/fd").list()));
                    fds.sort(java.util.Comparator.comparingInt(Integer::parseInt));
                    layouts.add(when[round] + ": " + fds);
                    assertEquals(List.of("0", "1", "2", "3", "4", "5", "6"), fds, when[round]);
                }
            }
            c.jmx().invoke(sleepers, "cleanup", null, null);
            Path queue = c.home.resolve("queue");
            String modes = "private/ " + mode(queue.resolve("private")) + ", public/ " + mode(queue.resolve("public"))
                    + ", sockets " + mode(queue.resolve("public/relay")) + " " + mode(queue.resolve("private/private-relay"));
            Figures.record("6. security basics", "children's descriptors " + String.join("; ", layouts) + "; " + modes
                    + "; JMX on 127.0.0.1 only and password roles: JmxIT");
            assertEquals("private/ rwx------, public/ rwx--x---, sockets rw-rw-rw- rw-rw-rw-", modes);
        }
    }

    private static ProcessHandle newSleeper(Container c, Set<Long> seen) {
        return c.children().stream().filter(p -> p.info().command().orElse("").endsWith("sleep") && !seen.contains(p.pid()))
                .findFirst().orElse(null);
    }

    private static String mode(Path path) throws IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
