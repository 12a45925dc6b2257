package org.jmaster.master.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jmaster.api.ExitStatus;
import org.jmaster.api.spi.loop.ListenSockets;
import org.jmaster.api.spi.loop.StatusChannel;
import org.junit.jupiter.api.Test;

/** A service's start as ordered steps, their undo in reverse, and removal on the master's own check. */
class ServiceLifecycleTest extends MasterFixture {

    /** Postfix's master_start_service, jmaster's way: the steps in order, the undo in reverse. */
    @Test
    void startRunsTheStepsInOrderAndStopUndoesThemInReverse() throws Exception {
        reload("pickup unix n - n 60 1 pickup");
        ServiceEntry pickup = entry("pickup");
        assertEquals(List.of("open pickup", "status channel", "watch [public/pickup]", "MBean added"), loop.calls);
        assertTrue(policy.calls.contains("availListen pickup"));
        assertTrue(master.timers.isArmed(pickup.state, "wakeup"), "the wakeup is armed");
        StatusChannel status = pickup.statusChannel;
        ListenSockets sockets = pickup.listenSockets;
        loop.calls.clear();

        reload();

        assertEquals(List.of("MBean removed (in the table)", "cancel [public/pickup] (status open) (listen open)"),
                loop.calls, "the MBean goes while the service is whole; the watch before the channels close");
        assertEquals(List.of("added pickup", "removed pickup"), observed);
        assertFalse(master.timers.isArmed(pickup.state, "wakeup"));
        assertFalse(status.masterEnd().isOpen());
        assertFalse(sockets.channels().get(0).isOpen());
        assertNull(entry("pickup"));
    }

    /** A step that fails undoes the ones before it: nothing is left open, nothing is in the table. */
    @Test
    void aFailedStepUndoesTheStepsBeforeIt() throws Exception {
        loop.noStatusChannels = true;
        reload("smtp inet n - n - 4 smtpd");
        assertNull(entry("smtp"));
        assertFalse(loop.opened.get(0).channels().get(0).isOpen(), "the listen socket opened first is closed");
        assertEquals(List.of(), observed);
        assertEquals(1, logged(masterCf + ": line 1: service smtp(25): socketpair: Too many open files -- service not started"));
    }

    /** A missing command is refused before anything is opened; a busy port after nothing else. */
    @Test
    void refusedStartsNameTheOriginAndTheCause() throws Exception {
        loop.busy = "127.0.0.1:10025";
        reload("nothere unix n - n - 1 nosuchcommand", "127.0.0.1:10025 inet n - n - 4 cmd", "pickup unix n - n - 1 pickup");
        assertEquals(1, logged(masterCf + ": line 1: service nothere(public/nothere): command " + dir.resolve("libexec")
                .resolve("nosuchcommand") + " does not exist or is not executable -- service not started"));
        assertEquals(1, logged(masterCf + ": line 2: service 127.0.0.1:10025(127.0.0.1:10025): bind 127.0.0.1 port 10025:"
                + " Address already in use -- service not started"));
        assertTrue(entry("pickup") != null, "the other services start");
        assertEquals(List.of("open 127.0.0.1:10025", "open pickup", "status channel", "watch [public/pickup]",
                "MBean added"), loop.calls);
    }

    /** A step that fails after opening its channels undoes itself too: nothing is left watched or open. */
    @Test
    void aFailedWatchLeavesNothingOpen() throws Exception {
        loop.brokenWatch = true;
        reload("smtp inet n - n - 4 smtpd");
        assertNull(entry("smtp"));
        assertFalse(loop.opened.get(0).channels().get(0).isOpen());
        assertEquals(List.of(), observed);
        assertEquals(1, logged("service smtp(25): cannot watch [25] -- service not started"));
    }

    /** A cleanup that outlasts stop_timeout gets SIGKILL from the policy's timer; the removal then ends. */
    @Test
    void removalEscalatesAtStopTimeoutAndEnds() throws Exception {
        reload("smtp inet n - n - 4 smtpd");
        int pid = connect("smtp");
        reload();
        loop.advance(4_999);
        assertEquals(List.of(pid + " 15"), spawner.signals);
        loop.advance(1);
        assertEquals(List.of(pid + " 15", pid + " 9"), spawner.signals);
        spawner.exit(pid, ExitStatus.killed(9));
        loop.run();
        assertNull(entry("smtp"));
    }

    /**
     * Removal ends on the master's own check after each reap, not on a notification: this policy
     * sends none. Until the last child is gone the service stays, and its listen sockets too.
     */
    @Test
    void removalFinishesWhenTheCleanupIsOverWithoutANotification() throws Exception {
        reload("smtp inet n - n - 4 smtpd");
        int first = connect("smtp");
        int second = connect("smtp");
        reload();
        ServiceEntry smtp = entry("smtp");
        spawner.exit(first, ExitStatus.killed(15));
        loop.run();
        assertTrue(entry("smtp") == smtp && smtp.listenSockets.channels().get(0).isOpen(), "one child is left");
        spawner.exit(second, ExitStatus.killed(15));
        loop.run();
        assertNull(entry("smtp"));
        assertFalse(smtp.listenSockets.channels().get(0).isOpen());
        assertFalse(observed.stream().anyMatch(o -> o.startsWith("CLEANUP")), observed.toString());
    }

    /** An operator's cleanup is done when the policy's cleanup has ended, told on the loop. */
    @Test
    void operatorCleanupIsDoneWhenTheLastChildIsReaped() throws Exception {
        reload("smtp inet n - n - 4 smtpd");
        int pid = connect("smtp");
        AtomicBoolean done = new AtomicBoolean();
        master.inbox.submit(() -> master.lifecycle.cleanup(entry("smtp"), () -> done.set(true)));
        loop.run();
        assertFalse(done.get());
        spawner.exit(pid, ExitStatus.killed(15));
        loop.run();
        assertTrue(done.get());
        assertTrue(entry("smtp") != null, "a cleanup does not remove the service");
        AtomicBoolean empty = new AtomicBoolean();
        master.inbox.submit(() -> master.lifecycle.cleanup(entry("smtp"), () -> empty.set(true)));
        loop.run();
        assertTrue(empty.get(), "nothing to clean up: done at once");
    }

    /** A restart gives the service a new status channel and starts its wakeup again, from now. */
    @Test
    void restartReplacesTheStatusChannel() throws Exception {
        reload("pickup unix n - n 60 1 pickup");
        ServiceEntry pickup = entry("pickup");
        StatusChannel old = pickup.statusChannel;
        loop.advance(30_000);
        loop.scheduled.clear();
        master.inbox.submit(() -> master.lifecycle.restart(pickup));
        loop.run();
        assertFalse(old.masterEnd().isOpen());
        assertEquals(pickup.statusChannel, loop.watchOf("public/pickup").status);
        assertEquals(List.of(60_000L), loop.scheduled, "the next wakeup is a whole period after the restart");
    }
}
