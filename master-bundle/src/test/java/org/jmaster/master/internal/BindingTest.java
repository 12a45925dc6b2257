package org.jmaster.master.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jmaster.api.ExitStatus;
import org.jmaster.api.spi.policy.TimerKind;
import org.junit.jupiter.api.Test;

/** The policy, the loop and the spawner replaced while services keep their state and timers. */
class BindingTest extends MasterFixture {

    /**
     * A new policy instance takes over a throttled service: the master keeps the throttle timer
     * and re-arms it for the time left, so the throttle ends on time through the new instance.
     */
    @Test
    void aReplacedPolicyFindsItsTimersStillRunning() throws Exception {
        reload("smtp inet n - n - 4 smtpd");
        ServiceEntry smtp = entry("smtp");
        master.inbox.submit(() -> policy.throttleFor(smtp.state, 60_000, master.context));
        loop.run();
        loop.advance(20_000);
        master.binding.unsetPolicy(policy);
        FakePolicy successor = new FakePolicy();
        master.binding.setPolicy(successor);
        loop.run();
        assertTrue(successor.calls.contains("availListen smtp"), "the successor takes the service over");
        loop.advance(39_999);
        assertTrue(smtp.state.isThrottled());
        loop.advance(1);
        assertFalse(smtp.state.isThrottled());
        assertEquals(1, successor.calls.stream().filter(("timerExpired smtp " + TimerKind.THROTTLE)::equals).count());
    }

    /**
     * A replaced loop: the timers are armed on the new one for the time left; the old loop's
     * handles run nothing, even when its cancel comes too late to stop them.
     */
    @Test
    void timersMoveToANewLoopForTheTimeLeft() throws Exception {
        reload("smtp inet n - n - 4 smtpd");
        ServiceEntry smtp = entry("smtp");
        loop.lateCancels = true;
        master.inbox.submit(() -> policy.throttleFor(smtp.state, 60_000, master.context));
        loop.run();
        loop.advance(20_000);
        master.binding.unsetLoop(loop);
        FakeLoop next = new FakeLoop(clock);
        master.binding.setLoop(next);
        next.run();
        assertEquals(List.of(40_000L), next.scheduled, "the time left");
        loop.advance(40_000); // the old loop runs its handle anyway
        assertTrue(smtp.state.isThrottled(), "a handle of the old loop runs nothing");
        next.advance(0);
        assertFalse(smtp.state.isThrottled(), "the new loop's timer was due as well");
        assertEquals(1, policy.calls.stream().filter(("timerExpired smtp " + TimerKind.THROTTLE)::equals).count());
    }

    /**
     * A cleanup's stop_timeout is a deadline: a policy replaced in the middle of it does not
     * restart the count (the policy used to re-arm the whole stop_timeout when it took over).
     */
    @Test
    void aCleanupKeepsItsDeadlineAcrossAPolicySwap() throws Exception {
        reload("smtp inet n - n - 4 smtpd");
        int pid = connect("smtp");
        master.inbox.submit(() -> master.lifecycle.cleanup(entry("smtp"), () -> { }));
        loop.run();
        loop.advance(3_000);
        master.binding.unsetPolicy(policy);
        master.binding.setPolicy(new FakePolicy());
        loop.run();
        loop.advance(1_999);
        assertEquals(List.of(pid + " 15"), spawner.signals);
        loop.advance(1);
        assertEquals(List.of(pid + " 15", pid + " 9"), spawner.signals, "SIGKILL 5 s after SIGTERM, not 8");
    }

    /** A new loop watches the same channels, with the listen decision the policy had made. */
    @Test
    void aReplacedLoopWatchesTheSameChannels() throws Exception {
        reload("smtp inet n - n - 4 smtpd");
        ServiceEntry smtp = entry("smtp");
        FakeLoop.FakeWatch before = loop.watchOf("25");
        assertTrue(before.listening);
        master.binding.unsetLoop(loop);
        assertTrue(before.cancelled);
        FakeLoop next = new FakeLoop(clock);
        master.binding.setLoop(next);
        next.run();
        FakeLoop.FakeWatch after = next.watchOf("25");
        assertNotSame(before, after);
        assertSame(smtp.listenSockets, after.sockets);
        assertSame(smtp.statusChannel, after.status);
        assertTrue(after.listening);
    }

    /** Without a spawner nothing listens, and the children are retired so that their spawner reaps them. */
    @Test
    void aDepartingSpawnerRetiresTheChildren() throws Exception {
        reload("smtp inet n - n - 4 smtpd");
        int pid = connect("smtp");
        ServiceEntry smtp = entry("smtp");
        var status = smtp.statusChannel;
        master.binding.unsetSpawner(spawner);
        loop.run();
        assertFalse(loop.watchOf("25").listening);
        assertTrue(smtp.state.child(pid).isTerminating());
        assertFalse(status.masterEnd().isOpen(), "restarted: the children finish and exit");
        spawner.exit(pid, ExitStatus.killed(15));
        loop.run();
        assertEquals(0, smtp.state.totalProcesses());
        master.binding.setSpawner(new FakeSpawner());
        loop.run();
        assertTrue(loop.watchOf("25").listening, "a spawner is back: the policy's decision applies again");
    }

    /** Without a policy, what arrives waits in the inbox, in order. */
    @Test
    void withoutAPolicyTasksWait() throws Exception {
        master.binding.unsetPolicy(policy);
        put("org.jmaster.service~a", "127.0.0.1:10025 inet n - n - 4 cmd");
        remove("org.jmaster.service~a");
        put("org.jmaster.service~b", "127.0.0.1:10026 inet n - n - 4 cmd");
        assertTrue(entry("127.0.0.1:10026") == null, "not yet");
        master.binding.setPolicy(policy);
        loop.run();
        assertTrue(entry("127.0.0.1:10025") == null, "added, then removed");
        assertTrue(entry("127.0.0.1:10026") != null);
        assertEquals(List.of("added 127.0.0.1:10025", "removed 127.0.0.1:10025", "added 127.0.0.1:10026"), observed);
    }
}
