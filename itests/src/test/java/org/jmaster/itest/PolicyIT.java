package org.jmaster.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;

/** The process creation policy seen from outside: real clients, real children, the master's log. */
@RunWith(PaxExam.class)
public class PolicyIT extends JmasterTestSupport {

    private String start(String extra, int maxproc, String command) throws Exception {
        int port = freePort();
        String name = "127.0.0.1:" + port;
        service("svc", name + " inet n - n - " + maxproc + " " + command + extra);
        awaitStarted(name);
        return name;
    }

    private static int port(String name) {
        return Integer.parseInt(name.substring(name.indexOf(':') + 1));
    }

    private static long spawns(Path log) throws Exception {
        return Files.exists(log) ? Files.readAllLines(log).size() : 0;
    }

    /** Case 2: three clients queued at once: children are started one at a time (R9). */
    @Test
    public void case02_childrenStartOneAtATime() throws Exception {
        launcher("slowecho", ECHO_MAIN, "sleep 1");
        String name = start("", 5, "slowecho");
        ExecutorService clients = Executors.newFixedThreadPool(3);
        List<Future<String>> replies = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String line = "client" + i;
            replies.add(clients.submit(() -> echo(port(name), line)));
        }
        Thread.sleep(600);
        assertEquals("one child while the first has not taken its client", 1, children(name).size());
        for (int i = 0; i < 3; i++) {
            assertEquals("client" + i, replies.get(i).get(20, TimeUnit.SECONDS));
        }
        clients.shutdown();
    }

    /** Case 3: the first child took its client; a second waiting client gets a second child at once. */
    @Test
    public void case03_aTakenChildLetsTheNextClientSpawn() throws Exception {
        String name = start("", 5, "echo");
        try (Socket first = connect(port(name)); Socket second = connect(port(name))) {
            await("two children", 10_000, () -> children(name).size() == 2);
            assertEquals("2", exchange(second, "2"));
            assertEquals("1", exchange(first, "1"));
        }
    }

    /** Case 4: at the limit, a third client waits in the backlog until a child is available again. */
    @Test
    public void case04_atTheLimitClientsWaitForAChild() throws Exception {
        String name = start("", 2, "echo");
        try (Socket first = connect(port(name)); Socket second = connect(port(name));
                Socket third = connect(port(name))) {
            await("two children", 10_000, () -> children(name).size() == 2);
            send(third, "3");
            assertNull("nobody serves the third client yet", receive(third, 1500));
            assertEquals(2, children(name).size());
            assertEquals("1", exchange(first, "1"));
            first.close();
            assertEquals("3", receive(third, 5000));
            assertEquals(2, children(name).size());
            assertEquals("2", exchange(second, "2"));
        }
    }

    /**
     * Cases 7 and 34: a child that dies at start-up throttles the service; nothing is spawned until
     * the throttle ends, then the waiting client is served.
     */
    @Test
    public void case07and34_badStartupThrottlesThenTheWaitingClientIsServed() throws Exception {
        Path fail = Files.createFile(dir.resolve("fail"));
        Path spawnLog = dir.resolve("spawns");
        String name = start(" -o fail_if=" + fail + " -o spawn_log=" + spawnLog, 4, "testchild");
        try (Socket client = connect(port(name))) {
            send(client, "waiting");
            logs.await("testchild: bad command startup -- throttling");
            assertTrue(logs.messages().toString(), logs.count("testchild pid ") == 1 && logs.count(" exit status 1") == 1);
            Files.delete(fail);
            Thread.sleep(1000);
            assertEquals("no spawn while throttled", 1, spawns(spawnLog));
            assertEquals("waiting", receive(client, 10_000));
            assertEquals(2, spawns(spawnLog));
        }
    }

    /** Case 33: a child that served a request and exits 3 is warned about, but nothing is throttled. */
    @Test
    public void case33_usedChildExitingNonZeroIsOnlyWarned() throws Exception {
        String name = start(" -o max_use=1 -o exit_status=3", 4, "testchild");
        assertEquals("a", echo(port(name), "a"));
        logs.await("testchild pid ", " exit status 3");
        long before = System.currentTimeMillis();
        assertEquals("b", echo(port(name), "b"));
        assertTrue("served without a throttle", System.currentTimeMillis() - before < 1800);
        assertEquals(0, logs.count("bad command startup"));
    }

    /** Case 35: two unused children die: one "bad command startup", the throttle is not re-armed. */
    @Test
    public void case35_noSecondThrottleWhileThrottled() throws Exception {
        String name = start("", 4, "testchild");
        try (Socket a = connect(port(name)); Socket b = connect(port(name))) {
            await("two children", 10_000, () -> children(name).size() == 2);
            for (ProcessHandle child : children(name)) {
                signal(child, "KILL");
            }
            await("both reaped", 5000, () -> logs.count("killed by signal 9") == 2);
            assertEquals(1, logs.count("bad command startup -- throttling"));
        }
    }

    /** Case 36: an unused child killed by SIGTERM from outside is a bad start-up. */
    @Test
    public void case36_sigtermFromOutsideIsABadStartup() throws Exception {
        String name = start("", 4, "testchild");
        try (Socket client = connect(port(name))) {
            signal(onlyChild(name), "TERM");
            logs.await("testchild pid ", " killed by signal 15");
            logs.await("testchild: bad command startup -- throttling");
        }
    }

    /** A command that fails at every start-up is retried once per throttle period, not in a storm, and recovers. */
    @Test
    public void crashLoopIsThrottledAndRecovers() throws Exception {
        Path fail = Files.createFile(dir.resolve("fail"));
        Path spawnLog = dir.resolve("spawns");
        String name = start(" -o fail_if=" + fail + " -o spawn_log=" + spawnLog, 4, "testchild");
        try (Socket client = connect(port(name))) {
            send(client, "patient");
            Thread.sleep(5000);
            long spawns = spawns(spawnLog);
            assertTrue("retried, but at most once per 2 s throttle: " + spawns, spawns >= 2 && spawns <= 4);
            Files.delete(fail);
            assertEquals("patient", receive(client, 10_000));
        }
        assertTrue(logs.count("bad command startup") >= 2);
    }

    /** kill -9 of a child in the middle of a connection: the client sees the close, the next is served. */
    @Test
    public void killedMidConnectionIsReapedAndTheServiceServesOn() throws Exception {
        String name = start("", 4, "echo");
        assertEquals("warm", echo(port(name), "warm"));
        ProcessHandle child = onlyChild(name);
        awaitServed(name, 1);
        try (Socket client = connect(port(name))) {
            Thread.sleep(300); // the idle child accepts it
            signal(child, "KILL");
            assertEquals("EOF", receive(client, 5000));
        }
        logs.await("pid " + child.pid() + " killed by signal 9");
        await("reaped", 2000, () -> !Files.exists(Path.of("/proc/" + child.pid())));
        assertEquals("next", echo(port(name), "next"));
        assertEquals("a used child's death does not throttle", 0, logs.count("bad command startup"));
    }
}
