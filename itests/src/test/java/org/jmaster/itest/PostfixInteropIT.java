package org.jmaster.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jmaster.api.ServiceSnapshot;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;

/**
 * Debian's Postfix 3.7 daemons, unchanged, under jmaster: spawn(8) with /bin/cat, smtpd(8), stress
 * mode on a non-loopback address, a reload in mid-session, a bad start-up, and the same argv as
 * Postfix's own master. Runs as root in a network namespace of its own (src/test/netns/bin/java),
 * with a private Postfix configuration (spec section 9.2).
 */
@RunWith(PaxExam.class)
public class PostfixInteropIT extends JmasterTestSupport {
    private static final Path DAEMONS = Path.of("/usr/lib/postfix/sbin");
    private Path etc;

    @Override
    protected Hashtable<String, Object> masterConfig() {
        assertTrue("Debian's postfix package must be installed (.ci/run installs it)",
                Files.isExecutable(DAEMONS.resolve("smtpd")));
        assertEquals("the daemons need root", "root", System.getProperty("user.name"));
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            etc = Files.createDirectories(dir.resolve("etc"));
            Path data = Files.createDirectories(dir.resolve("data"));
            UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(data, users.lookupPrincipalByName("postfix"));
            Files.createDirectories(queue.resolve("pid"));
            Files.writeString(etc.resolve("main.cf"), String.join("\n",
                    "compatibility_level = 3.6",
                    "queue_directory = " + queue,
                    "data_directory = " + data,
                    "mail_owner = postfix",
                    "setgid_group = postdrop",
                    "myhostname = probe.example.test",
                    "mydomain = example.test",
                    "inet_interfaces = loopback-only",
                    "inet_protocols = ipv4",
                    "smtpd_banner = $myhostname ESMTP jmaster",
                    "maillog_file =",
                    "local_recipient_maps =",
                    "service_throttle_time = 2s",
                    "") );
            Files.writeString(etc.resolve("master.cf"), ""); // the services come from each test
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Hashtable<String, Object> config = new Hashtable<>();
        config.put("daemon_directory", DAEMONS.toString());
        config.put("config_directory", etc.toString());
        return config;
    }

    /** spawn(8) running /bin/cat echoes what a client sends. */
    @Test
    public void spawnWithCatEchoes() throws Exception {
        int port = freePort();
        service("cat", "127.0.0.1:" + port + " inet n n n - 4 spawn user=nobody argv=/bin/cat");
        awaitStarted("127.0.0.1:" + port);
        for (int i = 0; i < 3; i++) {
            try (Socket client = connect(port)) {
                client.getOutputStream().write(("hello " + i + "\n").getBytes(StandardCharsets.UTF_8));
                client.shutdownOutput();
                assertEquals("hello " + i + "\n", new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    /** smtpd answers 220, EHLO and QUIT; with max_use=2 a child exits after two sessions, counted as 2 requests. */
    @Test
    public void smtpdServesAndRetiresAfterMaxUse() throws Exception {
        int port = freePort();
        String name = "127.0.0.1:" + port;
        service("smtp", name + " inet n - n - 4 smtpd -o max_use=2");
        awaitStarted(name);
        ProcessHandle first = null;
        for (int i = 0; i < 2; i++) {
            if (i > 0) {
                awaitServed(name, 1);
            }
            try (Smtp smtp = new Smtp(port)) {
                assertEquals("220 probe.example.test ESMTP jmaster", smtp.banner);
                assertTrue(smtp.ehlo().contains("250-PIPELINING"));
                first = onlyChild(name);
                assertEquals("221 2.0.0 Bye", smtp.quit());
            }
        }
        ProcessHandle retired = first;
        await("the child retires after two sessions", 10_000, () -> !retired.isAlive());
        snapshot(name);
        await("two completed requests", 5000, () -> now(name).requestsCompleted() == 2);
        assertEquals(0, logs.count("exit status"));
        try (Smtp smtp = new Smtp(port)) {
            assertEquals("221 2.0.0 Bye", smtp.quit());
        }
    }

    /**
     * A service on a non-loopback address is stress-eligible: its children get "-o stress=", the
     * one that takes the last slot "-o stress=yes", the three-line warning is logged once, and an
     * idle client of a stress-mode smtpd is dropped after 10 s instead of 300 s (cases 17, 21, 23).
     */
    @Test
    public void stressModeWithRealSmtpd() throws Exception {
        int port = freePort();
        String name = "10.200.0.1:" + port;
        service("public", name + " inet n - n - 2 smtpd");
        awaitStarted(name);
        try (Smtp one = new Smtp("10.200.0.1", port)) {
            ProcessHandle first = onlyChild(name);
            assertTrue(arguments(first).containsAll(List.of("-o", "stress=")));
            long idleFrom = System.currentTimeMillis();
            try (Smtp two = new Smtp("10.200.0.1", port)) {
                await("a second child", 10_000, () -> children(name).size() == 2);
                ProcessHandle second = children(name).stream().filter(p -> p.pid() != first.pid()).findFirst().get();
                List<String> argv = arguments(second);
                assertEquals("stress=yes", argv.get(argv.indexOf("-o") + 1));
                logs.await("service \"" + name + "\" ([10.200.0.1]:" + port + ") has reached its process limit \"2\":"
                        + " new clients may experience noticeable delays");
                logs.await("to avoid this condition, increase the process count in master.cf or reduce the service"
                        + " time per client");
                logs.await("see http://www.postfix.org/STRESS_README.html for examples of stress-adapting configuration"
                        + " settings");
                try (Socket third = new Socket()) {
                    third.connect(new InetSocketAddress("10.200.0.1", port), 5000);
                    Thread.sleep(500);
                }
                assertEquals("the warning is given once", 1, logs.count("has reached its process limit"));
                two.socket.setSoTimeout(20_000);
                String dropped = two.reader.readLine();
                long idleSeconds = (System.currentTimeMillis() - idleFrom) / 1000;
                assertTrue(dropped, dropped.startsWith("421 4.4.2 probe.example.test Error: timeout exceeded"));
                assertTrue("about 10 s, was " + idleSeconds, idleSeconds >= 8 && idleSeconds <= 15);
            }
        }
    }

    /** A reload in mid-session lets the session finish; the next client gets a child of a new generation. */
    @Test
    public void reloadInMidSessionLetsItFinish() throws Exception {
        int port = freePort();
        String name = "127.0.0.1:" + port;
        service("smtp", name + " inet n - n - 4 smtpd");
        awaitStarted(name);
        try (Smtp session = new Smtp(port)) {
            assertTrue(session.ehlo().contains("250 "));
            ProcessHandle old = onlyChild(name);
            long oldGeneration = generation(old);
            master().reload();
            assertTrue(session.ehlo().contains("250 "));
            assertEquals("221 2.0.0 Bye", session.quit());
            await("the old child exits after its session", 10_000, () -> !old.isAlive());
            try (Smtp next = new Smtp(port)) {
                assertTrue(generation(onlyChild(name)) > oldGeneration);
                assertEquals("221 2.0.0 Bye", next.quit());
            }
        }
        assertEquals(0, logs.count("exit status"));
    }

    /** A daemon started with a bad option exits 1 after about a second: a bad start-up that throttles. */
    @Test
    public void badOptionIsABadStartup() throws Exception {
        int port = freePort();
        service("bad", "127.0.0.1:" + port + " inet n - n - 4 smtpd -Q");
        awaitStarted("127.0.0.1:" + port);
        try (Socket client = connect(port)) {
            logs.await("process " + DAEMONS.resolve("smtpd") + " pid ", " exit status 1");
            logs.await(DAEMONS.resolve("smtpd") + ": bad command startup -- throttling");
            assertTrue(snapshot("127.0.0.1:" + port).throttled());
        }
    }

    /** The same master.cf lines give the same child argv under jmaster as under Postfix's own master. */
    @Test
    public void argvIsTheSameAsUnderPostfixsMaster() throws Exception {
        int[] ports = {freePort(), freePort(), freePort(), freePort()};
        List<String> lines = List.of(
                "127.0.0.1:" + ports[0] + " inet n - n - 4 smtpd -o { smtpd_banner = $myhostname long form works }",
                "10.200.0.1:" + ports[1] + " inet n - n - 2 smtpd -o smtpd_helo_required=yes",
                "127.0.0.1:" + ports[2] + " inet n - y - 1 smtpd",
                "127.0.0.1:" + ports[3] + " inet n n n - 0 spawn user=nobody argv=/bin/cat");
        String[] hosts = {"127.0.0.1", "10.200.0.1", "127.0.0.1", "127.0.0.1"};

        assertEquals("jmaster has read master.cf while empty, and does not watch it", 0, master().services().size());
        Files.writeString(etc.resolve("master.cf"), String.join("\n", lines) + "\n");
        Process start = new ProcessBuilder(DAEMONS.resolve("master").toString(), "-c", etc.toString(), "-w")
                .redirectErrorStream(true).start();
        String output = new String(start.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (start.waitFor() != 0) {
            // its reason goes to syslog, which a build machine may lack; a port taken is the usual one
            StringBuilder taken = new StringBuilder();
            for (int port : ports) {
                taken.append(port).append(ProcFs.listeningSocket(port).isEmpty() ? " free, " : " taken, ");
            }
            fail("Postfix's master -w exited " + start.exitValue() + (output.isBlank() ? "" : ": " + output.strip())
                    + "; ports " + taken + "jmaster's log " + logs.messages());
        }
        long masterPid = Long.parseLong(Files.readString(queue.resolve("pid/master.pid")).trim());
        Map<String, List<String>> postfix;
        try {
            postfix = childArgv(ProcessHandle.of(masterPid).get(), hosts, ports);
        } finally {
            new ProcessBuilder("kill", "-TERM", Long.toString(masterPid)).start().waitFor();
            await("Postfix's master is gone", 10_000, () -> ProcessHandle.of(masterPid).isEmpty());
        }

        for (int i = 0; i < lines.size(); i++) {
            service("line" + i, lines.get(i));
            awaitStarted(hosts[i] + ":" + ports[i]);
        }
        Map<String, List<String>> jmaster = childArgv(ProcessHandle.current(), hosts, ports);
        assertEquals(postfix, jmaster);
        assertEquals(4, jmaster.size());
    }

    /** Connects to each service and reads the argv of the child that serves it, by service name. */
    private static Map<String, List<String>> childArgv(ProcessHandle master, String[] hosts, int[] ports) throws Exception {
        Map<String, List<String>> argv = new TreeMap<>();
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < ports.length; i++) {
                Socket client = new Socket();
                client.connect(new InetSocketAddress(hosts[i], ports[i]), 5000);
                clients.add(client);
                String name = hosts[i] + ":" + ports[i];
                await("a child for " + name, 20_000, () -> master.children().anyMatch(p -> arguments(p).contains(name)));
                ProcessHandle child = master.children().filter(p -> arguments(p).contains(name)).findFirst().get();
                argv.put(name, arguments(child));
            }
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }
        return argv;
    }

    /** Case 47: "smtp inet" replaced by "25 inet" is the same service: restarted, not rebound. */
    @Test
    public void case47_smtpAnd25AreOneService() throws Exception {
        Path file = etc.resolve("master.cf");
        Files.writeString(file, "smtp inet n - n - 4 smtpd\n");
        org.osgi.service.cm.Configuration config = configAdmin.getConfiguration("org.jmaster.master", null);
        java.util.Dictionary<String, Object> settings = config.getProperties();
        settings.put("master_cf", file.toString());
        config.update(settings);
        awaitStarted("smtp");
        ServiceSnapshot smtp = snapshot("smtp");
        String socket = ProcFs.listeningSocket(25);
        assertFalse("smtp listens on 25", socket.isEmpty());
        Files.writeString(file, "25 inet n - n - 4 smtpd\n");
        master().reload();
        ServiceSnapshot after = snapshot("25");
        assertEquals("the same service", smtp.started(), after.started());
        assertEquals("the same listen socket", socket, ProcFs.listeningSocket(25));
        logs.await("service 25(25) restarted: ");
        try (Smtp client = new Smtp(25)) {
            assertEquals("221 2.0.0 Bye", client.quit());
        }
    }

    /** Debian's own master.cf loads: every service with a daemon starts, postlog (unix-dgram) too. */
    @Test
    public void debiansMasterCfLoads() throws Exception {
        org.osgi.service.cm.Configuration config = configAdmin.getConfiguration("org.jmaster.master", null);
        java.util.Dictionary<String, Object> settings = config.getProperties();
        settings.put("master_cf", "/etc/postfix/master.cf");
        config.update(settings);
        List<String> names = List.of("smtp(25)", "pickup(public/pickup)", "cleanup(public/cleanup)", "qmgr(public/qmgr)",
                "tlsmgr(private/tlsmgr)", "rewrite(private/rewrite)", "bounce(private/bounce)", "defer(private/defer)",
                "trace(private/trace)", "verify(private/verify)", "flush(public/flush)", "proxymap(private/proxymap)",
                "proxywrite(private/proxywrite)", "smtp(private/smtp)", "relay(private/relay)", "showq(public/showq)",
                "error(private/error)", "retry(private/retry)", "discard(private/discard)", "local(private/local)",
                "virtual(private/virtual)", "lmtp(private/lmtp)", "anvil(private/anvil)", "scache(private/scache)",
                "maildrop(private/maildrop)", "uucp(private/uucp)", "ifmail(private/ifmail)", "bsmtp(private/bsmtp)",
                "scalemail-backend(private/scalemail-backend)", "mailman(private/mailman)", "postlog(public/postlog)");
        for (String service : names) {
            logs.await("service " + service + " started: ");
        }
        List<String> refused = logs.messages().stream().filter(m -> m.startsWith("SEVERE"))
                .collect(Collectors.toList());
        assertEquals(refused.toString(), 0, refused.size());
        assertEquals(31, master().services().size());
        try (Smtp smtp = new Smtp(25)) {
            assertEquals("221 2.0.0 Bye", smtp.quit());
        }
    }

    private static long generation(ProcessHandle child) throws IOException {
        return Arrays.stream(proc(child.pid(), "environ").split("\0")).filter(v -> v.startsWith("GENERATION="))
                .mapToLong(v -> Long.parseLong(v.substring(11), 8)).findFirst().getAsLong();
    }

    /** A minimal SMTP client. */
    private static final class Smtp implements AutoCloseable {
        final Socket socket = new Socket();
        final BufferedReader reader;
        final String banner;

        Smtp(int port) throws IOException {
            this("127.0.0.1", port);
        }

        Smtp(String host, int port) throws IOException {
            socket.connect(new InetSocketAddress(host, port), 5000);
            socket.setSoTimeout(20_000);
            reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            banner = reader.readLine();
        }

        String ehlo() throws IOException {
            send("EHLO client.example.test");
            StringBuilder reply = new StringBuilder();
            String line;
            do {
                line = reader.readLine();
                reply.append(line).append('\n');
            } while (line != null && line.startsWith("250-"));
            return reply.toString();
        }

        String quit() throws IOException {
            send("QUIT");
            return reader.readLine();
        }

        private void send(String command) throws IOException {
            socket.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
