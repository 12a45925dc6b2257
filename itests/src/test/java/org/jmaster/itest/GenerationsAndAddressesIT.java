package org.jmaster.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;

/** Generations across services and restarts; a service on two addresses. Both IPv4 and IPv6 here. */
@RunWith(PaxExam.class)
public class GenerationsAndAddressesIT extends JmasterTestSupport {

    @Override
    protected Hashtable<String, Object> masterConfig() {
        Hashtable<String, Object> config = new Hashtable<>();
        config.put("inet_protocols", "all");
        return config;
    }

    /** Case 27: generations strictly increase over every spawn of every service, restarts included. */
    @Test
    public void case27_generationsIncreaseAcrossServicesAndRestarts() throws Exception {
        Path log = dir.resolve("spawns");
        int a = freePort();
        int b = freePort();
        String options = " -o max_use=1 -o spawn_log=" + log;
        service("a", "127.0.0.1:" + a + " inet n - n - 4 testchild" + options);
        service("b", "127.0.0.1:" + b + " inet n - n - 4 testchild" + options);
        awaitStarted("127.0.0.1:" + a);
        awaitStarted("127.0.0.1:" + b);
        assertEquals("1", echo(a, "1"));
        assertEquals("2", echo(b, "2"));
        assertEquals("3", echo(a, "3"));
        service("a", "127.0.0.1:" + a + " inet n - n - 3 testchild" + options);
        logs.await("service 127.0.0.1:" + a + "(", " restarted");
        assertEquals("4", echo(a, "4"));
        assertEquals("5", echo(b, "5"));
        List<Long> generations = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            generations.add(Long.parseLong(line.split(" ")[1], 8));
        }
        assertEquals(5, generations.size());
        for (int i = 1; i < generations.size(); i++) {
            assertTrue("strictly increasing: " + generations, generations.get(i) > generations.get(i - 1));
        }
    }

    /** Case 29: loopback-only on both protocols is two addresses: -s 2, fds 6 and 7, both served. */
    @Test
    public void case29_twoAddressesAreTwoDescriptors() throws Exception {
        assumeTrue("this machine has IPv6", Files.exists(Path.of("/proc/net/if_inet6")));
        int port = freePort();
        String name = Integer.toString(port);
        service("dual", name + " inet n - n - 4 echo");
        awaitStarted(name);
        assertEquals("v4", echo(port, "v4"));
        long pid = onlyChild(name).pid();
        List<String> argv = Arrays.asList(proc(pid, "cmdline").split("\0"));
        assertEquals(List.of("-n", name, "-t", "inet", "-u", "-s", "2"),
                argv.subList(argv.indexOf(ECHO_MAIN) + 1, argv.size()));
        String[] tables = {"/proc/net/tcp", "/proc/net/tcp6"}; // address order: 127.0.0.1, then ::1
        for (int fd : new int[] {6, 7}) {
            String link = Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/" + fd)).toString();
            long inode = Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
            assertEquals("fd " + fd, port, ProcFs.tcpListenPort(inode, tables[fd - 6]));
        }
        awaitServed(name, 1);
        try (Socket v6 = new Socket()) {
            v6.connect(new InetSocketAddress(InetAddress.getByName("::1"), port), 5000);
            v6.setSoTimeout(10_000);
            assertTrue(v6.getInetAddress() instanceof Inet6Address);
            assertEquals("v6", exchange(v6, "v6"));
        }
        assertEquals(pid, onlyChild(name).pid());
    }
}
