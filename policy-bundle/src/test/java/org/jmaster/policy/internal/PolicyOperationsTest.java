package org.jmaster.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jmaster.api.ExitStatus;
import org.jmaster.api.ServiceEvent;
import org.jmaster.api.postfix.StatusRecord;
import org.jmaster.api.spi.policy.ChildState;
import org.jmaster.api.spi.policy.ServiceState;
import org.junit.jupiter.api.Test;

/** What the policy adds to Postfix: bounded cleanup, operator throttles, adoption after a swap. */
class PolicyOperationsTest extends PolicyFixture {
    private static final String SERVICE = "127.0.0.1:10025 inet n - n - 5 smtpd";

    /** R14: the backlog is the larger of the process limit and default_process_limit. */
    @Test
    void backlogIsTheLargerLimit() {
        assertEquals(100, policy.listenBacklog(0, 100));
        assertEquals(100, policy.listenBacklog(4, 100));
        assertEquals(500, policy.listenBacklog(500, 100));
    }

    /** Cleanup sends SIGTERM to every child, stops listening, and resumes when the last is reaped. */
    @Test
    void cleanupTerminatesEveryChildQuietly() {
        ServiceState s = start(SERVICE, true);
        ChildState busy = connectAndTake(s);
        connect(s);
        ChildState idle = newest(s);
        policy.cleanup(s, context);
        assertTrue(s.isCleaning());
        assertFalse(s.isListening());
        assertTrue(context.calls.containsAll(List.of("signal " + busy.pid() + " 15", "signal " + idle.pid() + " 15")));
        exit(s, busy, ExitStatus.killed(15));
        exit(s, idle, ExitStatus.killed(15));
        assertTrue(context.warnings.isEmpty(), context.warnings.toString());
        assertFalse(s.isThrottled(), "deaths during a cleanup are not bad start-ups");
        assertFalse(s.isCleaning());
        assertTrue(s.isListening(), "the service serves the next client");
        assertEquals(List.of(ServiceEvent.CLEANUP), context.events);
        assertEquals(0, context.pendingTimers());
    }

    /** A child that ignores SIGTERM gets SIGKILL after the stop timeout, and a warning names it. */
    @Test
    void cleanupEscalatesToSigkillAfterTheStopTimeout() {
        ServiceState s = start(SERVICE, true);
        s.setStopTimeoutMillis(5_000);
        ChildState stubborn = connectAndTake(s);
        policy.cleanup(s, context);
        context.advance(4_999);
        assertFalse(context.calls.contains("signal " + stubborn.pid() + " 9"));
        context.advance(1);
        assertTrue(context.calls.contains("signal " + stubborn.pid() + " 9"));
        assertEquals(List.of("service 127.0.0.1:10025(127.0.0.1:10025): 1 process(es) still alive 5000 ms"
                + " after SIGTERM, sending SIGKILL to pid [" + stubborn.pid() + "]"), context.warnings);
        exit(s, stubborn, ExitStatus.killed(9));
        assertFalse(s.isCleaning());
        assertTrue(s.isListening());
    }

    /** Cleanup of a service without children reports completion at once. */
    @Test
    void cleanupWithoutChildrenCompletesAtOnce() {
        ServiceState s = start(SERVICE, true);
        policy.cleanup(s, context);
        assertFalse(s.isCleaning());
        assertEquals(List.of(ServiceEvent.CLEANUP), context.events);
    }

    /** An operator's throttle replaces the end of the current one; unthrottle lifts it at once. */
    @Test
    void operatorThrottleAndUnthrottle() {
        ServiceState s = start(SERVICE, true);
        policy.throttle(s, context);
        policy.throttleFor(s, 5_000, context);
        assertEquals(context.now + 5_000, s.throttleExpireTime());
        assertEquals(1, context.pendingTimers());
        context.advance(5_000);
        assertFalse(s.isThrottled());
        assertTrue(s.isListening());
        policy.throttleFor(s, 120_000, context);
        policy.unthrottle(s, context);
        assertFalse(s.isThrottled());
        assertEquals(0, context.pendingTimers());
        assertEquals(List.of(ServiceEvent.THROTTLED, ServiceEvent.THROTTLED, ServiceEvent.UNTHROTTLED,
                ServiceEvent.THROTTLED, ServiceEvent.UNTHROTTLED), context.events);
    }

    /** A record carrying another service's pid is warned about and changes neither service. */
    @Test
    void foreignPidIsWarnedAndIgnored() {
        ServiceState a = start(SERVICE, true);
        ServiceState b = start("127.0.0.1:10026 inet n - n - 5 smtpd", true);
        connect(a);
        ChildState child = newest(a);
        policy.statusUpdate(b, new StatusRecord(child.pid(), child.generation(), StatusRecord.TAKEN), context);
        assertEquals(1, a.availableProcesses());
        assertEquals(0, b.totalProcesses());
        assertEquals(List.of("service 127.0.0.1:10026(127.0.0.1:10026): ignoring status update from child pid "
                + child.pid() + " of service 127.0.0.1:10025(127.0.0.1:10025)"), context.warnings);
    }

    /** A child the master marked as terminating (its spawner left) dies quietly and throttles nothing. */
    @Test
    void terminatingChildIsNotABadStartup() {
        ServiceState s = start(SERVICE, true);
        ChildState child = connectAndTake(s);
        child.setTerminating();
        exit(s, child, ExitStatus.killed(15));
        assertTrue(context.warnings.isEmpty(), context.warnings.toString());
        assertFalse(s.isThrottled());
        assertTrue(s.isListening());
    }

    /** A failed exec is a bad start-up, in the two lines Postfix logs for it (the child's exec, the master's verdict). */
    @Test
    void execFailureIsABadStartup() {
        ServiceState s = start(SERVICE, true);
        context.spawnFailure = "exec /usr/libexec/postfix/smtpd: No such file or directory";
        connect(s);
        assertEquals(List.of("master_spawn: exec /usr/libexec/postfix/smtpd: No such file or directory",
                s.path() + ": bad command startup -- throttling"), context.warnings);
        assertEquals(1, s.badStartups());
        assertTrue(context.events.containsAll(List.of(ServiceEvent.BAD_STARTUP, ServiceEvent.THROTTLED)));
    }
}
