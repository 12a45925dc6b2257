package org.jmaster.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import org.jmaster.api.ServiceSnapshot;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;

/** A master.cf file as a source of services, Postfix's reload, and wakeup timers, with Java children. */
@RunWith(PaxExam.class)
public class MasterCfIT extends JmasterTestSupport {
    private Path masterCf;
    private final int portA = freePortOrFail();
    private final int portB = freePortOrFail();

    private static int freePortOrFail() {
        try {
            return freePort();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    protected Hashtable<String, Object> masterConfig() {
        Hashtable<String, Object> config = new Hashtable<>();
        masterCf = Path.of(System.getProperty("java.io.tmpdir"), "jmaster-master-cf-" + portA, "master.cf");
        try {
            Files.createDirectories(masterCf.getParent());
            Files.writeString(masterCf, "# services of this test\n"
                    + "127.0.0.1:" + portA + " inet n - n - 4 echo\n"
                    + "127.0.0.1:" + portB + " inet n - n - 4 echo\n"
                    + "   -o first=yes\n"
                    + "127.0.0.1:" + portB + " inet n - n - 4 testchild\n"
                    + "   -o { greeting = last one wins }\n"
                    + "broken unix x - - - - echo\n"
                    + "postlog unix-dgram n - n - 1 echo\n");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        config.put("master_cf", masterCf.toString());
        config.put("master_cf_watch", "yes");
        return config;
    }

    @Override
    public void tearDown() throws Exception {
        try {
            super.tearDown();
        } finally {
            Files.deleteIfExists(masterCf);
            Files.deleteIfExists(masterCf.getParent());
        }
    }

    private void write(String... lines) throws Exception {
        Files.writeString(masterCf, String.join("\n", lines) + "\n");
    }

    /** The file's services start, unix-dgram too; bad lines are named; the last duplicate wins. */
    @Test
    public void servicesComeFromMasterCf() throws Exception {
        awaitStarted("127.0.0.1:" + portA);
        awaitStarted("127.0.0.1:" + portB);
        logs.await(masterCf + ": line 7: field \"private\": bad value: \"x\" -- line ignored");
        logs.await("service postlog(public/postlog) started: postlog unix-dgram n y n 0 1 echo on [" + queue
                + "/public/postlog]");
        logs.await("duplicate master.cf entry for service \"127.0.0.1:" + portB + "\" ([127.0.0.1]:" + portB
                + ") -- using the last entry");
        assertEquals("a", echo(portA, "a"));
        assertEquals("b", echo(portB, "b"));
        List<String> argv = arguments(onlyChild("127.0.0.1:" + portB));
        assertEquals(List.of("-n", "127.0.0.1:" + portB, "-t", "inet", "-u", "-o", "greeting = last one wins"),
                argv.subList(argv.indexOf(TEST_CHILD_MAIN) + 1, argv.size()));
    }

    /**
     * Reload (section 6.5): the busy child finishes, the idle one exits, the socket is never closed,
     * a throttle survives; an edited line takes effect; a removed line's service stops.
     */
    @Test
    public void reloadRestartsEveryServiceGracefully() throws Exception {
        awaitStarted("127.0.0.1:" + portA);
        String a = "127.0.0.1:" + portA;
        try (Socket busy = connect(portA)) {
            await("busy child", 10_000, () -> children(a).size() == 1);
            assertEquals("idle", echo(portA, "idle"));
            await("two children", 10_000, () -> children(a).size() == 2);
            List<ProcessHandle> before = children(a);
            long generation = master().processGeneration();
            write("127.0.0.1:" + portA + " inet n - n - 3 echo", "# B is gone");
            master().reload();
            logs.await("reload -- version ");
            await("the idle child exits", 2000, () -> children(a).size() == 1);
            try (Socket during = connect(portA)) {
                assertEquals("busy", exchange(busy, "busy"));
                busy.close();
                await("the old children are gone", 5000, () -> before.stream().noneMatch(ProcessHandle::isAlive));
                assertEquals("during", exchange(during, "during"));
            }
            assertTrue(master().processGeneration() > generation);
            assertEquals(3, snapshot(a).processLimit());
            logs.await("service 127.0.0.1:" + portB + "(", " stopped");
        }
        assertEquals(0, logs.count("exit status"));
        assertEquals(0, logs.count("killed by signal"));
    }

    /** A throttle, the busy-warning time and the stress expiry are kept across a reload. */
    @Test
    public void reloadKeepsTheThrottle() throws Exception {
        Path fail = Files.createFile(dir.resolve("fail"));
        write("127.0.0.1:" + portA + " inet n - n - 4 testchild -o fail_if=" + fail);
        master().reload();
        String a = "127.0.0.1:" + portA;
        try (Socket client = connect(portA)) {
            send(client, "later");
            logs.await("testchild: bad command startup -- throttling");
            ServiceSnapshot before = snapshot(a);
            long taken = System.nanoTime();
            Files.delete(fail);
            master().reload();
            ServiceSnapshot after = snapshot(a);
            long elapsed = (System.nanoTime() - taken) / 1_000_000;
            assertEquals("the same service", before.started(), after.started());
            assertTrue(after.throttled());
            assertTrue("the same expiry: " + before.throttleRemainingMillis() + " ms left, then "
                    + after.throttleRemainingMillis() + " ms, " + elapsed + " ms later",
                    after.throttleRemainingMillis() <= before.throttleRemainingMillis()
                            && after.throttleRemainingMillis() >= before.throttleRemainingMillis() - elapsed - 1);
            assertEquals("later", receive(client, 10_000));
        }
    }

    /** Editing the file is a reload; a broken line keeps the services the file defined. */
    @Test
    public void editingTheFileReloads() throws Exception {
        awaitStarted("127.0.0.1:" + portA);
        int portC = freePort();
        write("127.0.0.1:" + portA + " inet n - n - 4 echo", "127.0.0.1:" + portC + " inet n - n - 4 echo");
        awaitStarted("127.0.0.1:" + portC);
        assertEquals("c", echo(portC, "c"));
        write("127.0.0.1:" + portA + " inet n - n - 4 echo", "127.0.0.1:" + portC + " inet n - n - x echo");
        logs.await(masterCf + ": line 2: field \"maxproc\": bad value: \"x\" -- line ignored");
        logs.await("service 127.0.0.1:" + portC + "(", "kept as it was: " + masterCf + " has errors");
        assertEquals("still c", echo(portC, "still c"));
        write("127.0.0.1:" + portA + " inet n - n - 4 echo");
        logs.await("service 127.0.0.1:" + portC + "(", " stopped");
    }

    /** Case 48: a changed inet_interfaces is ignored on reload, with Postfix's two warnings per service. */
    @Test
    public void case48_inetInterfacesChangeIsIgnored() throws Exception {
        int port = freePort();
        write(port + " inet n - n - 4 echo");
        master().reload();
        ServiceSnapshot before = snapshot(Integer.toString(port));
        org.osgi.service.cm.Configuration config = configAdmin.getConfiguration("org.jmaster.master", null);
        java.util.Dictionary<String, Object> settings = config.getProperties();
        settings.put("inet_interfaces", "all");
        config.update(settings);
        logs.await("service " + port + ": ignoring inet_interfaces change");
        logs.await("to change inet_interfaces, stop and start jmaster");
        assertEquals(List.of("127.0.0.1:" + port), snapshot(Integer.toString(port)).endpoints());
        assertEquals(before.started(), snapshot(Integer.toString(port)).started());
        assertEquals("kept", echo(port, "kept"));
    }

    /** Case 40: wakeup N: a trigger at start and every N s, through the service's own endpoint. */
    @Test
    public void case40_wakeupTriggersAtStartAndPeriodically() throws Exception {
        write("127.0.0.1:" + portA + " inet n - n 1 4 echo");
        master().reload();
        String a = "127.0.0.1:" + portA;
        snapshot(a);
        await("the immediate trigger", 10_000, () -> now(a).requestsCompleted() >= 1);
        Thread.sleep(1500); // the file watch reloads too, and each reload triggers at once
        long first = now(a).requestsCompleted();
        long start = System.currentTimeMillis();
        await("three more triggers", 10_000, () -> now(a).requestsCompleted() >= first + 3);
        long millis = System.currentTimeMillis() - start;
        assertTrue("one per second, took " + millis + " ms", millis >= 1900 && millis <= 5000);
    }

    /** Case 41: wakeup N?: nothing before the first spawn; then a trigger at once and every N s. */
    @Test
    public void case41_conditionalWakeupWaitsForTheFirstSpawn() throws Exception {
        write("127.0.0.1:" + portA + " inet n - n 1? 4 echo");
        master().reload();
        String a = "127.0.0.1:" + portA;
        snapshot(a);
        Thread.sleep(2500);
        assertEquals(0, now(a).processesSpawned());
        assertEquals("first", echo(portA, "first"));
        await("triggers after the first spawn", 10_000, () -> now(a).requestsCompleted() >= 3);
    }

    /** Case 42: no trigger while throttled; the timer keeps running and triggers resume after it. */
    @Test
    public void case42_noWakeupWhileThrottled() throws Exception {
        Path fail = Files.createFile(dir.resolve("fail"));
        Path spawns = dir.resolve("spawns");
        write("127.0.0.1:" + portA + " inet n - n 1 4 testchild -o fail_if=" + fail + " -o spawn_log=" + spawns);
        master().reload();
        logs.await("testchild: bad command startup -- throttling");
        String a = "127.0.0.1:" + portA;
        snapshot(a);
        Files.delete(fail);
        Thread.sleep(1500);
        assertTrue(now(a).throttled());
        assertEquals("one spawn: the first trigger's", 1, Files.readAllLines(spawns).size());
        await("triggers resume after the throttle", 10_000, () -> now(a).requestsCompleted() >= 2);
    }

    /** Case 43 for the type Postfix cannot trigger either (unix-dgram): EOPNOTSUPP's warning each period. */
    @Test
    public void case43_untriggerableTypeWarnsEachPeriod() throws Exception {
        write("relay unix-dgram n - n 1 4 echo");
        master().reload();
        logs.await("master_wakeup_timer_event: service relay(public/relay): Operation not supported");
        Thread.sleep(2200);
        assertTrue(logs.count("master_wakeup_timer_event: service relay(public/relay)") >= 2);
    }

    /** A unix service is triggered through its socket. */
    @Test
    public void unixServicesAreTriggeredThroughTheirSocket() throws Exception {
        write("tick unix n - n 1 4 echo");
        master().reload();
        snapshot("tick");
        await("triggers", 10_000, () -> now("tick").requestsCompleted() >= 2);
        assertEquals(0, logs.count("master_wakeup_timer_event"));
    }
}
