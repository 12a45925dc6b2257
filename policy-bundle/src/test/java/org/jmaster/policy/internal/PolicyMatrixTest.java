package org.jmaster.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jmaster.api.ExitStatus;
import org.jmaster.api.ServiceEvent;
import org.jmaster.api.StressArgument;
import org.jmaster.api.postfix.ProcessState;
import org.jmaster.api.postfix.StatusRecord;
import org.jmaster.api.spi.policy.ChildState;
import org.jmaster.api.spi.policy.ServiceState;
import org.junit.jupiter.api.Test;

/**
 * The policy cases of the test matrix in spec/postfix-master.md section 8, one test per case,
 * named after its number.
 */
class PolicyMatrixTest extends PolicyFixture {
    private static final String LOOPBACK_SMTP = "127.0.0.1:10025 inet n - n - 5 smtpd";
    private static final String PUBLIC_SMTP_2 = "192.0.2.1:25 inet n - n - 2 smtpd";

    /** Case 1: a client connects to an idle service: one child, counted available, listening stops. */
    @Test
    void case01_firstClientSpawnsOneChildAndStopsListening() {
        ServiceState s = start(LOOPBACK_SMTP, true);
        assertTrue(s.isListening());
        connect(s);
        assertEquals(1, s.totalProcesses());
        assertEquals(1, s.availableProcesses());
        assertFalse(s.isListening());
        assertEquals(List.of("listen true", "spawn NONE", "listen false"), context.calls);
    }

    /** Case 2: three clients queued, the first child has not sent TAKEN: no second child (R9). */
    @Test
    void case02_noSecondChildBeforeTheFirstIsTaken() {
        ServiceState s = start(LOOPBACK_SMTP, true);
        connect(s);
        connect(s);
        connect(s);
        policy.listenReady(s, context); // even a stale readiness event spawns nothing
        assertEquals(1, context.spawns());
        assertEquals(1, s.totalProcesses());
    }

    /** Case 3: C1 sent TAKEN while a second client waits: C2 is spawned at once. */
    @Test
    void case03_takenReopensListeningAndTheNextClientSpawns() {
        ServiceState s = start(LOOPBACK_SMTP, true);
        connectAndTake(s);
        assertTrue(s.isListening());
        connect(s);
        assertEquals(2, context.spawns());
        assertEquals(2, s.totalProcesses());
        assertEquals(1, s.availableProcesses());
    }

    /** Case 4: at the limit with every child busy: no spawn; the first AVAIL child takes the client. */
    @Test
    void case04_atTheLimitClientsWaitForAnAvailChild() {
        ServiceState s = start("127.0.0.1:10025 inet n - n - 2 smtpd", true);
        ChildState c1 = connectAndTake(s);
        connectAndTake(s);
        assertFalse(s.isListening());
        connect(s);
        assertEquals(2, context.spawns());
        avail(s, c1);
        assertEquals(1, s.availableProcesses());
        assertFalse(s.isListening(), "an idle child watches the socket, not the master");
        assertEquals(2, context.spawns());
    }

    /** Case 5: unlimited service: the 11th busy-child client still spawns, never with stress. */
    @Test
    void case05_unlimitedAlwaysSpawnsAndIsNeverStressed() {
        ServiceState s = start("192.0.2.1:25 inet n - n - 0 smtpd", false);
        for (int i = 0; i < 11; i++) {
            connectAndTake(s);
        }
        assertEquals(11, s.totalProcesses());
        assertTrue(s.isListening());
        assertTrue(context.spawnedStress.stream().allMatch(a -> a == StressArgument.NONE));
    }

    /** Case 6: process limit 1: no stress argument and never a busy warning. */
    @Test
    void case06_solitaryServiceHasNoStressAndNoWarning() {
        ServiceState s = start("192.0.2.1:25 inet n - n - 1 smtpd", false);
        connectAndTake(s);
        context.advance(5_000_000);
        policy.availListen(s, context);
        assertEquals(List.of(StressArgument.NONE), context.spawnedStress);
        assertTrue(context.warnings.isEmpty(), context.warnings.toString());
        assertFalse(s.isListening());
    }

    /** Case 7: a throttled service spawns nothing until the timer lifts the throttle, then one child. */
    @Test
    void case07_throttledServiceWaitsForTheTimer() {
        ServiceState s = start(LOOPBACK_SMTP, true);
        policy.throttle(s, context);
        assertFalse(s.isListening());
        policy.listenReady(s, context); // even a readiness event delivered late spawns nothing
        context.advance(59_999);
        policy.listenReady(s, context);
        assertEquals(0, context.spawns());
        context.advance(1);
        assertFalse(s.isThrottled());
        connect(s);
        assertEquals(1, context.spawns());
    }

    /** Case 8: a second AVAIL from an AVAIL child changes nothing. */
    @Test
    void case08_redundantAvailIsIgnored() {
        ServiceState s = start(LOOPBACK_SMTP, true);
        ChildState c = connectAndTake(s);
        avail(s, c);
        avail(s, c);
        assertEquals(1, c.useCount());
        assertEquals(1, s.availableProcesses());
        assertEquals(1, s.requestsCompleted());
        assertTrue(context.warnings.isEmpty());
    }

    /** Case 9: direct more() twice, or less() of a busy child, is an internal inconsistency. */
    @Test
    void case09_moreTwiceOrLessOfBusyChildPanics() {
        ServiceState s = start(LOOPBACK_SMTP, true);
        connect(s);
        ChildState c = newest(s);
        Availability availability = new Availability(); // R15 itself: the master reaches it only through records
        IllegalStateException more = assertThrows(IllegalStateException.class,
                () -> availability.more(s, c, context));
        assertTrue(more.getMessage().startsWith("master_avail_more: process already available"));
        availability.less(s, c, context);
        IllegalStateException less = assertThrows(IllegalStateException.class,
                () -> availability.less(s, c, context));
        assertTrue(less.getMessage().startsWith("master_avail_less: process not available"));
    }

    /** Case 10: a record from a pid nobody knows is ignored silently. */
    @Test
    void case10_unknownPidIsIgnoredSilently() {
        ServiceState s = start(LOOPBACK_SMTP, true);
        connect(s);
        policy.statusUpdate(s, new StatusRecord(4242, 1, StatusRecord.TAKEN), context);
        assertEquals(1, s.availableProcesses());
        assertTrue(context.warnings.isEmpty());
        assertTrue(context.infos.isEmpty());
    }

    /** Case 11: a record with another generation is stale: an info message and no change. */
    @Test
    void case11_wrongGenerationIsIgnoredWithInfo() {
        ServiceState s = start(LOOPBACK_SMTP, true);
        context.generation = 6;
        connect(s);
        ChildState c = newest(s);
        assertEquals(7, c.generation());
        policy.statusUpdate(s, new StatusRecord(c.pid(), 6, StatusRecord.TAKEN), context);
        assertEquals(List.of("ignoring status update from child pid " + c.pid() + " generation 6"), context.infos);
        assertEquals(ProcessState.AVAIL, c.state());
        assertEquals(1, s.availableProcesses());
    }

    /** Case 12: a status that is neither TAKEN nor AVAIL is warned about and ignored. */
    @Test
    void case12_unknownStatusIsWarnedAndIgnored() {
        ServiceState s = start(LOOPBACK_SMTP, true);
        connect(s);
        ChildState c = newest(s);
        policy.statusUpdate(s, new StatusRecord(c.pid(), c.generation(), 7), context);
        assertEquals(List.of("master_status_event: ignoring unknown status: 7 allegedly from pid: " + c.pid()),
                context.warnings);
        assertEquals(ProcessState.AVAIL, c.state());
        assertEquals(1, s.availableProcesses());
    }

    /** Case 13: five bytes on the status channel: the partial-update warning, nothing else. */
    @Test
    void case13_partialRecordIsWarnedAndDiscarded() {
        ServiceState s = start(LOOPBACK_SMTP, true);
        connect(s);
        byte[] bytes = new StatusRecord(321, 1, StatusRecord.TAKEN).toBytes();
        policy.partialStatus(s, bytes, 5, context);
        assertEquals(List.of("service 127.0.0.1:10025(127.0.0.1:10025): child (pid 321) sent partial status update (5 bytes)"),
                context.warnings);
        assertEquals(1, s.availableProcesses());
    }

    /** Case 14: AVAIL from a TAKEN child with use count 0 makes it 1 and one more available. */
    @Test
    void case14_availCompletesARequest() {
        ServiceState s = start(LOOPBACK_SMTP, true);
        ChildState c = connectAndTake(s);
        assertEquals(0, c.useCount());
        assertEquals(0, s.availableProcesses());
        avail(s, c);
        assertEquals(1, c.useCount());
        assertEquals(1, s.availableProcesses());
    }

    /** Case 15: a limit lowered below the live count kills nobody and spawns nothing until below it. */
    @Test
    void case15_loweredLimitWaitsForChildrenToLeave() {
        ServiceState s = start(LOOPBACK_SMTP, true);
        ChildState c1 = connectAndTake(s);
        ChildState c2 = connectAndTake(s);
        connectAndTake(s);
        s.setProcessLimit(2);
        policy.availListen(s, context);
        assertFalse(s.isListening());
        assertTrue(context.calls.stream().noneMatch(c -> c.startsWith("signal")));
        exit(s, c1, ExitStatus.exited(0));
        assertFalse(s.isListening(), "2 children at limit 2");
        exit(s, c2, ExitStatus.exited(0));
        assertTrue(s.isListening());
        assertEquals(3, context.spawns());
    }

    /** Case 16: a stress-eligible service gives "-o stress="; local-only services give none. */
    @Test
    void case16_stressArgumentOnlyForEligibleServices() {
        ServiceState eligible = start("192.0.2.1:25 inet n - n - 5 smtpd", false);
        ServiceState unix = start("cleanup unix n - n - 5 cleanup", true);
        ServiceState pass = start("smtpd pass - - n - 5 smtpd", false);
        connect(eligible);
        connect(unix);
        connect(pass);
        assertEquals(List.of(StressArgument.OFF, StressArgument.NONE, StressArgument.OFF), context.spawnedStress);
    }

    /** Case 17: the spawn that takes the last slot restarts the service and starts a stress pulse. */
    @Test
    void case17_lastSlotSpawnEntersStressMode() {
        ServiceState s = start(PUBLIC_SMTP_2, false);
        connectAndTake(s);
        assertEquals(0, context.count("restart"));
        connect(s);
        assertEquals(1, context.count("restart"));
        assertEquals(context.now + 1_000_000, s.stressExpireTime());
        assertEquals(List.of(StressArgument.OFF, StressArgument.ON), context.spawnedStress);
        assertTrue(context.events.contains(ServiceEvent.STRESS_STARTED));
        int restartAt = context.calls.indexOf("restart");
        assertEquals("spawn ON", context.calls.get(restartAt + 1), "restart before the spawn");
    }

    /** Case 18: another last-slot spawn during stress extends the pulse without a second restart. */
    @Test
    void case18_stressIsExtendedWithoutASecondRestart() {
        ServiceState s = start(PUBLIC_SMTP_2, false);
        ChildState c1 = connectAndTake(s);
        connectAndTake(s);
        context.advance(10_000);
        exit(s, c1, ExitStatus.exited(0));
        connect(s);
        assertEquals(1, context.count("restart"));
        assertEquals(context.now + 1_000_000, s.stressExpireTime());
        assertEquals(StressArgument.ON, context.spawnedStress.get(2));
    }

    /** Case 19: during stress, a spawn that is not at the last slot still gets stress=yes. */
    @Test
    void case19_everySpawnDuringStressIsStressed() {
        ServiceState s = start("192.0.2.1:25 inet n - n - 3 smtpd", false);
        ChildState c1 = connectAndTake(s);
        ChildState c2 = connectAndTake(s);
        connectAndTake(s);
        exit(s, c1, ExitStatus.exited(0));
        exit(s, c2, ExitStatus.exited(0));
        connect(s);
        assertEquals(List.of(StressArgument.OFF, StressArgument.OFF, StressArgument.ON, StressArgument.ON),
                context.spawnedStress);
        assertEquals(1, context.count("restart"));
    }

    /** Case 20: after the pulse, spawns get "stress=" again and running children are left alone. */
    @Test
    void case20_stressEndsSilently() {
        ServiceState s = start("192.0.2.1:25 inet n - n - 3 smtpd", false);
        ChildState c1 = connectAndTake(s);
        ChildState c2 = connectAndTake(s);
        connectAndTake(s);
        context.advance(1_000_000);
        exit(s, c1, ExitStatus.exited(0));
        exit(s, c2, ExitStatus.exited(0));
        connect(s);
        assertEquals(StressArgument.OFF, context.spawnedStress.get(3));
        assertEquals(1, context.count("restart"));
        assertTrue(context.calls.stream().noneMatch(c -> c.startsWith("signal")));
    }

    /** Case 21: the three-line warning at the limit, not again within 1000 s, again after. */
    @Test
    void case21_busyWarningIsRateLimited() {
        ServiceState s = start(PUBLIC_SMTP_2, false);
        ChildState c1 = connectAndTake(s);
        connectAndTake(s);
        assertEquals(List.of(
                "service \"192.0.2.1:25\" (192.0.2.1:25) has reached its process limit \"2\": new clients may experience noticeable delays",
                "to avoid this condition, increase the process count in master.cf or reduce the service time per client",
                "see http://www.postfix.org/STRESS_README.html for examples of stress-adapting configuration settings"),
                context.warnings);
        avail(s, c1);
        taken(s, c1);
        context.advance(999_999);
        avail(s, c1);
        taken(s, c1);
        assertEquals(3, context.warnings.size());
        context.advance(2);
        avail(s, c1);
        taken(s, c1);
        assertEquals(6, context.warnings.size());
        assertEquals(4, s.limitReachedCount(), "every time all children became busy at the limit");
    }

    /** Case 22: a service that is not stress-eligible never warns at its limit. */
    @Test
    void case22_noWarningForLocalOnlyServices() {
        ServiceState s = start("127.0.0.1:10025 inet n - n - 2 smtpd", true);
        connectAndTake(s);
        connectAndTake(s);
        context.advance(5_000_000);
        policy.availListen(s, context);
        assertTrue(context.warnings.isEmpty());
        assertEquals(1, s.limitReachedCount());
        assertTrue(context.events.contains(ServiceEvent.LIMIT_REACHED), "operators still get the notification");
    }

    /**
     * Case 23 at unit level: "-o stress=yes" is given exactly while the pulse lasts (R10:
     * expiry after now). What smtpd does with it is checked against the real daemon in the
     * interop tests.
     */
    @Test
    void case23_stressYesExactlyWhileThePulseLasts() {
        ServiceState s = start("192.0.2.1:25 inet n - n - 3 smtpd", false);
        ChildState c1 = connectAndTake(s);
        ChildState c2 = connectAndTake(s);
        connectAndTake(s);
        long expiry = s.stressExpireTime();
        exit(s, c1, ExitStatus.exited(0));
        exit(s, c2, ExitStatus.exited(0));
        context.advance(expiry - 1 - context.now);
        ChildState c4 = connectAndTake(s);
        exit(s, c4, ExitStatus.exited(0));
        context.advance(1);
        connect(s);
        assertEquals(List.of(StressArgument.ON, StressArgument.OFF), context.spawnedStress.subList(3, 5));
    }

    /** Case 31: fork fails: the warning, a throttle, no record; the generation moved on. */
    @Test
    void case31_forkFailureThrottles() {
        ServiceState s = start(LOOPBACK_SMTP, true);
        context.spawnFailure = "fork: Resource temporarily unavailable";
        connect(s);
        assertEquals(List.of("master_spawn: fork: Resource temporarily unavailable -- throttling"), context.warnings);
        assertTrue(s.isThrottled());
        assertEquals(0, s.totalProcesses());
        assertTrue(s.children().isEmpty());
        assertEquals(1, context.generation);
        assertFalse(s.isListening());
    }

    /** Case 32: a normal exit: no warning, one less alive and available, listening again. */
    @Test
    void case32_normalExitIsQuiet() {
        ServiceState s = start(LOOPBACK_SMTP, true);
        connect(s);
        ChildState c = newest(s);
        exit(s, c, ExitStatus.exited(0));
        assertTrue(context.warnings.isEmpty());
        assertEquals(0, s.totalProcesses());
        assertEquals(0, s.availableProcesses());
        assertTrue(s.isListening());
        assertNull(s.child(c.pid()));
    }

    /** Case 33: a used child exiting 3 is warned about but throttles nothing. */
    @Test
    void case33_usedChildExitStatusWarnsWithoutThrottle() {
        ServiceState s = start(LOOPBACK_SMTP, true);
        ChildState c = connectAndTake(s);
        avail(s, c);
        exit(s, c, ExitStatus.exited(3));
        assertEquals(List.of("process /usr/libexec/postfix/smtpd pid " + c.pid() + " exit status 3"), context.warnings);
        assertFalse(s.isThrottled());
    }

    /** Case 34: an unused child exiting 1 is a bad start-up: throttled, then retried after the delay. */
    @Test
    void case34_badStartupThrottlesAndRetries() {
        ServiceState s = start(LOOPBACK_SMTP, true);
        connect(s);
        ChildState c = newest(s);
        exit(s, c, ExitStatus.exited(1));
        assertEquals(List.of("process /usr/libexec/postfix/smtpd pid " + c.pid() + " exit status 1",
                "/usr/libexec/postfix/smtpd: bad command startup -- throttling"), context.warnings);
        assertTrue(s.isThrottled());
        assertEquals(context.now + 60_000, s.throttleExpireTime());
        assertEquals(1, s.badStartups());
        context.advance(60_000);
        assertTrue(s.isListening(), "a queued client is served at once");
        connect(s);
        assertEquals(2, context.spawns());
    }

    /** Case 35: a second bad start-up while throttled: no second message, the timer is not re-armed. */
    @Test
    void case35_noSecondThrottleWhileThrottled() {
        ServiceState s = start("127.0.0.1:10025 inet n - n - 0 smtpd", true);
        connectAndTake(s);
        ChildState c1 = newest(s);
        connect(s);
        ChildState c2 = newest(s);
        exit(s, c2, ExitStatus.exited(1));
        long expiry = s.throttleExpireTime();
        context.advance(1_000);
        exit(s, c1, ExitStatus.exited(1));
        assertEquals(1, context.warnings.stream().filter(w -> w.endsWith("bad command startup -- throttling")).count());
        assertEquals(expiry, s.throttleExpireTime());
        assertEquals(1, context.pendingTimers());
        assertEquals(1, s.throttleCount());
    }

    /** Case 36: an unused child killed by an outside SIGTERM is a bad start-up too. */
    @Test
    void case36_outsideSigtermOfUnusedChildThrottles() {
        ServiceState s = start(LOOPBACK_SMTP, true);
        connect(s);
        ChildState c = newest(s);
        exit(s, c, ExitStatus.killed(15));
        assertEquals(List.of("process /usr/libexec/postfix/smtpd pid " + c.pid() + " killed by signal 15",
                "/usr/libexec/postfix/smtpd: bad command startup -- throttling"), context.warnings);
        assertTrue(s.isThrottled());
    }

    /** Case 37: a stopped child is warned about and kept, counts unchanged. */
    @Test
    void case37_stoppedChildIsKept() {
        ServiceState s = start(LOOPBACK_SMTP, true);
        ChildState c = connectAndTake(s);
        exit(s, c, ExitStatus.stopped(19));
        assertEquals(List.of("process /usr/libexec/postfix/smtpd pid " + c.pid() + " stopped by signal 19"),
                context.warnings);
        assertNotNull(s.child(c.pid()));
        assertEquals(1, s.totalProcesses());
        assertFalse(s.isThrottled());
    }

    /** Case 38: reaping a pid the service never spawned is an internal inconsistency. */
    @Test
    void case38_reapOfUnknownPidPanics() {
        ServiceState s = start(LOOPBACK_SMTP, true);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> policy.childExited(s, 99999, ExitStatus.exited(0), context));
        assertEquals("master_reap: unknown pid: 99999", e.getMessage());
    }
}
