package org.jmaster.dist;

import static org.jmaster.dist.Container.echo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution with the real Prometheus JMX exporter agent and the shipped
 * etc/prometheus-jmx.yaml, as the README says to run it: every service figure is scraped from
 * /metrics on 127.0.0.1 with its service and type as labels, its HELP and its TYPE, and follows
 * what the service does (a served client, a throttle from JMX).
 */
class PrometheusIT {
    private static final int ECHO = 19310;
    private static final int METRICS = 19311;
    private static final int JMX = 19312;
    private static final String LABELS = "{service=\"127.0.0.1:" + ECHO + "\",type=\"inet\"}";
    @TempDir
    Path dir;

    @Test
    void servicesScrapedWithTheirLabels() throws Exception {
        try (Container c = new Container(dir)) {
            Path agent = Files.copy(Path.of(System.getProperty("jmaster.prometheus.agent")),
                    c.home.resolve("lib/jmx_prometheus_javaagent.jar"));
            assertTrue(Files.size(agent) > 0, agent.toString());
            Files.writeString(c.home.resolve("etc/org.jmaster.service-echo.cfg"), String.join("\n",
                    "service = 127.0.0.1:" + ECHO, "type = inet", "private = n", "unpriv = n", "chroot = n", "wakeup = -",
                    "maxproc = 3", "command = jmaster-echo", ""));
            // two services of one name and type, private and public: two MBeans, two series
            c.masterCf("twin unix y n n - 1 jmaster-echo", "twin unix n n n - 1 jmaster-echo");
            c.environment("JMASTER_JMX_PORT", Integer.toString(JMX));
            c.environment("JMASTER_OPTS",
                    "-javaagent:lib/jmx_prometheus_javaagent.jar=127.0.0.1:" + METRICS + ":etc/prometheus-jmx.yaml");
            c.start("127.0.0.1:" + ECHO);
            try {
                scraped(c);
            } catch (AssertionError | IOException e) {
                System.out.println("jmaster.log:\n" + c.log());
                throw e;
            }
        }
    }

    /** The figures after a served client, and while the service is throttled from JMX. */
    private void scraped(Container c) throws Exception {
        assertEquals("counted", echo(ECHO, "counted"));
        // the child's AVAIL may reach the master a moment after its reply reaches the client
        String metrics = scrapeWhen("jmaster_service_requests_completed_total", 1);
        assertEquals(3, value(metrics, "jmaster_service_process_limit"), "the configured maxproc");
        assertEquals(1, value(metrics, "jmaster_service_processes"), metrics);
        assertEquals(1, value(metrics, "jmaster_service_processes_available"), "the child idles after its client");
        assertEquals(0, value(metrics, "jmaster_service_listening"), "an idle child watches the socket");
        assertEquals(0, value(metrics, "jmaster_service_throttled"));
        assertEquals(0, value(metrics, "jmaster_service_throttle_remaining_seconds"));
        assertEquals(0, value(metrics, "jmaster_service_stress"));
        assertTrue(value(metrics, "jmaster_service_requests_completed_total") >= 1, metrics);
        assertEquals(1, value(metrics, "jmaster_service_processes_spawned_total"));
        assertEquals(0, value(metrics, "jmaster_service_bad_startups_total"));
        assertEquals(0, value(metrics, "jmaster_service_throttles_total"));
        assertEquals(0, value(metrics, "jmaster_service_limit_reached_total"));
        for (String gauge : List.of("process_limit", "processes", "processes_available", "listening", "throttled",
                "throttle_remaining_seconds", "stress")) {
            assertTrue(metrics.contains("# TYPE jmaster_service_" + gauge + " gauge\n"), gauge + "\n" + metrics);
            assertTrue(Pattern.compile("(?m)^# HELP jmaster_service_" + gauge + " \\S").matcher(metrics).find(), gauge);
        }
        for (String counter : List.of("requests_completed", "processes_spawned", "bad_startups", "throttles",
                "limit_reached")) {
            assertTrue(Pattern.compile("(?m)^# TYPE jmaster_service_" + counter + "(_total)? counter$").matcher(metrics)
                    .find(), counter + "\n" + metrics);
            assertTrue(Pattern.compile("(?m)^# HELP jmaster_service_" + counter + "(_total)? \\S").matcher(metrics)
                    .find(), counter);
        }
        assertTrue(metrics.contains("jvm_memory_used_bytes"), "the JVM's own metrics too");
        List<String> twins = metrics.lines().filter(l -> l.startsWith("jmaster_service_process_limit{")
                && l.contains("service=\"twin\"")).sorted().toList();
        assertEquals(2, twins.size(), "one series each, told apart by endpoint:\n" + metrics);
        assertTrue(twins.stream().filter(l -> l.contains("endpoint=\"private/twin\"")
                || l.contains("endpoint=\"public/twin\"")).count() == 1, twins.toString());
        assertTrue(listensOnLoopbackOnly(METRICS), "the agent's port is on 127.0.0.1 only");

        // the figures follow the service: a throttle from JMX is a 1, a count and seconds to go
        ObjectName service = JmxIT.service("127.0.0.1:" + ECHO + "/inet");
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + JMX + "/jmxrmi");
        try (JMXConnector connector = JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS,
                c.credentials("operator")))) {
            MBeanServerConnection jmx = connector.getMBeanServerConnection();
            jmx.invoke(service, "throttle", new Object[] {120}, new String[] {"int"});
            String throttled = scrape();
            assertEquals(1, value(throttled, "jmaster_service_throttled"));
            assertEquals(1, value(throttled, "jmaster_service_throttles_total"));
            double remaining = value(throttled, "jmaster_service_throttle_remaining_seconds");
            assertTrue(remaining > 100 && remaining <= 120, "remaining " + remaining);
            assertEquals(((Number) jmx.getAttribute(service, "RequestsCompleted")).doubleValue(),
                    value(throttled, "jmaster_service_requests_completed_total"), "the MBean's own figure");
            jmx.invoke(service, "unthrottle", null, null);
            assertEquals(0, value(scrape(), "jmaster_service_throttled"));
        }
        assertEquals("again", echo(ECHO, "again"));
        scrapeWhen("jmaster_service_requests_completed_total", 2);
    }

    /** A scrape in which this metric of the echo service is at least this, within 10 s. */
    private static String scrapeWhen(String name, double atLeast) throws Exception {
        String[] metrics = {scrape()};
        Container.await(name + " >= " + atLeast, 10_000, () -> {
            try {
                metrics[0] = scrape();
                return value(metrics[0], name) >= atLeast;
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        return metrics[0];
    }

    private static String scrape() throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + METRICS
                + "/metrics")).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** The value of the one sample of this metric with the echo service's labels. */
    private static double value(String metrics, String name) {
        Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(name + LABELS) + " (\\S+)$").matcher(metrics);
        assertTrue(sample.find(), "no " + name + LABELS + " in\n" + metrics);
        double value = Double.parseDouble(sample.group(1));
        assertTrue(!sample.find(), "one sample of " + name + LABELS);
        return value;
    }

    /** True when this port has a listening TCP socket, and every one (IPv4 and IPv6) is bound to 127.0.0.1. */
    private static boolean listensOnLoopbackOnly(int port) throws IOException {
        Map<String, Integer> found = new HashMap<>();
        String hexPort = String.format(":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file)) {
                String[] fields = line.trim().split("\\s+");
                // local address, remote address, state (0A: LISTEN)
                if (fields.length > 3 && fields[1].endsWith(hexPort) && fields[3].equals("0A")) {
                    found.merge(fields[1], 1, Integer::sum);
                }
            }
        }
        // 127.0.0.1 in tcp, or as the IPv4-mapped ::ffff:127.0.0.1 of a dual-stack socket in tcp6
        return !found.isEmpty() && java.util.Set.of("0100007F" + hexPort, "0000000000000000FFFF00000100007F" + hexPort)
                .containsAll(found.keySet());
    }
}
