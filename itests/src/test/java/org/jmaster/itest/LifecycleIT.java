package org.jmaster.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.Bundle;

/** Services and bundles coming and going: no child left behind, bad input disturbs nothing else. */
@RunWith(PaxExam.class)
public class LifecycleIT extends JmasterTestSupport {

    /**
     * Stopping the spawner bundle: the idle child exits at once, the busy one finishes its
     * request; none is left (checked in /proc). A client that comes meanwhile waits and is served
     * when the spawner is back.
     */
    @Test
    public void stoppingTheSpawnerLeavesNoChildAndLosesNoClient() throws Exception {
        int port = freePort();
        String name = "127.0.0.1:" + port;
        service("echo", name + " inet n - n - 4 echo");
        awaitStarted(name);
        Socket busy = connect(port);
        await("busy child", 10_000, () -> children(name).size() == 1);
        assertEquals("idle", echo(port, "idle"));
        await("two children", 10_000, () -> children(name).size() == 2);
        List<ProcessHandle> before = children(name);

        Bundle spawner = installedBundle("org.jmaster.spawner");
        CompletableFuture<String> busyReply = CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(500);
                return exchange(busy, "busy");
            } catch (IOException | InterruptedException e) {
                return e.toString();
            }
        });
        spawner.stop();
        assertEquals("the busy request completes", "busy", busyReply.get(5, TimeUnit.SECONDS));
        for (ProcessHandle child : before) {
            assertFalse("pid " + child.pid() + " is gone", Files.exists(Path.of("/proc/" + child.pid())));
        }
        assertEquals(0, logs.count("killed by signal"));

        try (Socket waiting = connect(port)) {
            send(waiting, "waiting");
            assertEquals(null, receive(waiting, 500));
            spawner.start();
            assertEquals("waiting", receive(waiting, 10_000));
        }
        busy.close();
    }

    /** Deleting a configuration stops the service: children terminated, the port closed. */
    @Test
    public void deletingTheConfigurationStopsTheService() throws Exception {
        int port = freePort();
        String name = "127.0.0.1:" + port;
        org.osgi.service.cm.Configuration config = service("gone", name + " inet n - n - 4 echo");
        awaitStarted(name);
        Socket held = connect(port);
        await("a child", 10_000, () -> children(name).size() == 1);
        ProcessHandle child = children(name).get(0);
        config.delete();
        logs.await("service " + name + "(", " stopped");
        assertFalse(child.isAlive());
        assertEquals("no warning for children the master terminated: " + logs.messages(), 0, logs.count("WARNING"));
        // the selector closes a deregistered channel at its next select, microseconds later
        await("the port is closed", 1000, () -> {
            try (Socket refused = connect(port)) {
                return false;
            } catch (IOException expected) {
                return expected instanceof ConnectException;
            }
        });
        held.close();
    }

    /** A child that ignores SIGTERM: the cleanup sends SIGKILL after stop_timeout and names it. */
    @Test
    public void cleanupEscalatesToSigkillAndNamesTheChild() throws Exception {
        launcher("stubborn", ECHO_MAIN, "trap '' TERM");
        int port = freePort();
        String name = "127.0.0.1:" + port;
        org.osgi.service.cm.Configuration config = service("stubborn", name + " inet n - n - 4 stubborn");
        awaitStarted(name);
        try (Socket held = connect(port)) {
            ProcessHandle child = onlyChild(name);
            long deleted = System.currentTimeMillis();
            config.delete();
            logs.await("service " + name + "(", "1 process(es) still alive 2000 ms after SIGTERM, sending SIGKILL to pid ["
                    + child.pid() + "]");
            logs.await("service " + name + "(", " stopped");
            assertTrue("after stop_timeout", System.currentTimeMillis() - deleted >= 2000);
            assertFalse(child.isAlive());
        }
    }

    /** A missing command is refused at start by name; one that vanishes later throttles with Postfix's message. */
    @Test
    public void missingCommandIsRefusedAndAVanishedOneThrottles() throws Exception {
        int port = freePort();
        service("missing", "127.0.0.1:" + port + " inet n - n - 4 nonexistent");
        logs.await("org.jmaster.service~missing: service 127.0.0.1:" + port + "([127.0.0.1]:" + port + "): command "
                + daemons.resolve("nonexistent") + " does not exist or is not executable -- service not started");
        int other = freePort();
        launcher("vanishing", ECHO_MAIN);
        service("other", "127.0.0.1:" + other + " inet n - n - 4 vanishing");
        awaitStarted("127.0.0.1:" + other);
        Files.delete(daemons.resolve("vanishing"));
        try (Socket client = connect(other)) {
            logs.await("master_spawn: exec " + daemons.resolve("vanishing") + ": No such file or directory");
            logs.await(daemons.resolve("vanishing") + ": bad command startup -- throttling");
        }
    }

    /** A bad master setting is refused with the PID, key and value; the services keep serving. */
    @Test
    public void badMasterSettingIsRefused() throws Exception {
        int port = freePort();
        service("echo", "127.0.0.1:" + port + " inet n - n - 4 echo");
        awaitStarted("127.0.0.1:" + port);
        org.osgi.service.cm.Configuration master = configAdmin.getConfiguration("org.jmaster.master", null);
        java.util.Dictionary<String, Object> settings = master.getProperties();
        settings.put("stop_timeout", "soon");
        master.update(settings);
        logs.await("org.jmaster.master: key \"stop_timeout\": bad value: \"soon\" -- keeping the settings in force");
        assertEquals("fine", echo(port, "fine"));
    }

    /** A bad configuration is refused with its PID, key and value; the other services keep serving. */
    @Test
    public void badConfigurationIsRefusedAndOthersKeepServing() throws Exception {
        int port = freePort();
        String good = "127.0.0.1:" + port;
        service("good", good + " inet n - n - 4 echo");
        awaitStarted(good);
        java.util.Hashtable<String, Object> bad = new java.util.Hashtable<>();
        bad.put("service", "127.0.0.1:" + freePort());
        bad.put("type", "inet");
        bad.put("maxproc", "x");
        bad.put("command", "echo");
        configAdmin.getFactoryConfiguration("org.jmaster.service", "bad", null).update(bad);
        logs.await("org.jmaster.service~bad: field \"maxproc\": bad value: \"x\" -- service not started");
        assertEquals("still", echo(port, "still"));

        java.util.Hashtable<String, Object> worse = new java.util.Hashtable<>(columnsOf(good + " inet n - n - 4 echo"));
        worse.put("unpriv", "maybe");
        configAdmin.getFactoryConfiguration("org.jmaster.service", "good", null).update(worse);
        logs.await("org.jmaster.service~good: field \"unpriv\": bad value: \"maybe\" -- keeping the service as it was");
        assertEquals("serving", echo(port, "serving"));
        configAdmin.getFactoryConfiguration("org.jmaster.service", "bad", null).delete();
    }

    /** unix-dgram and fifo (Postfix's postlog, an old pickup): the endpoints of master_listen.c, with its modes. */
    @Test
    public void unixDgramAndFifoEndpointsAreMadeAsPostfixMakesThem() throws Exception {
        service("postlog", "postlog unix-dgram n - n - 1 echo");
        service("pickup", "pickup fifo n - n - 1 echo");
        awaitStarted("postlog");
        awaitStarted("pickup");
        int socket = (Integer) Files.getAttribute(queue.resolve("public/postlog"), "unix:mode");
        int fifo = (Integer) Files.getAttribute(queue.resolve("public/pickup"), "unix:mode");
        assertEquals("a socket, mode 0666", 0140666, socket);
        assertEquals("a fifo, mode 0622", 0010622, fifo);
    }

    /** A unix service: a stream socket under queue_directory, served by the same children. */
    @Test
    public void unixServiceServes() throws Exception {
        service("local", "local unix - - n - 2 echo");
        awaitStarted("local");
        Path socket = queue.resolve("private/local");
        assertTrue(Files.exists(socket));
        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            client.connect(UnixDomainSocketAddress.of(socket));
            client.write(ByteBuffer.wrap("over unix\n".getBytes(StandardCharsets.UTF_8)));
            ByteBuffer reply = ByteBuffer.allocate(64);
            while (client.read(reply) > 0) {
                // until the child closes
            }
            assertEquals("over unix\n", new String(reply.array(), 0, reply.position(), StandardCharsets.UTF_8));
        }
    }

    private static java.util.Map<String, Object> columnsOf(String line) {
        java.util.Map<String, Object> map = new java.util.HashMap<>();
        java.util.Dictionary<String, Object> d = columns(line);
        for (java.util.Enumeration<String> keys = d.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            map.put(key, d.get(key));
        }
        return map;
    }
}
