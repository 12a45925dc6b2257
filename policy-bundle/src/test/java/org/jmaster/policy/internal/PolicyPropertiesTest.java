package org.jmaster.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import org.jmaster.api.ChildProcess;
import org.jmaster.api.ExitStatus;
import org.jmaster.api.ProcessState;
import org.jmaster.api.ServiceRuntime;
import org.jmaster.api.StatusRecord;

/**
 * Random sequences of what clients, children, operators and time do to one service, with the
 * policy's invariants checked after every step.
 */
class PolicyPropertiesTest {

    enum Kind { CONNECT, TAKEN, AVAIL, EXIT, STALE, GARBAGE, THROTTLE, OPERATOR_THROTTLE, UNTHROTTLE, CLEANUP, TIME, LIMIT, SPAWN_FAILS }

    record Step(Kind kind, int pick, int amount) { }

    @Provide
    Arbitrary<Step> steps() {
        Arbitrary<Kind> kinds = Arbitraries.frequency(
                Tuple.of(10, Kind.CONNECT),
                Tuple.of(8, Kind.TAKEN),
                Tuple.of(8, Kind.AVAIL),
                Tuple.of(5, Kind.EXIT),
                Tuple.of(1, Kind.STALE),
                Tuple.of(1, Kind.GARBAGE),
                Tuple.of(1, Kind.THROTTLE),
                Tuple.of(1, Kind.OPERATOR_THROTTLE),
                Tuple.of(1, Kind.UNTHROTTLE),
                Tuple.of(1, Kind.CLEANUP),
                Tuple.of(3, Kind.TIME),
                Tuple.of(1, Kind.LIMIT),
                Tuple.of(1, Kind.SPAWN_FAILS));
        return Combinators.combine(kinds, Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(0, 2_000_000)).as(Step::new);
    }

    @Property(tries = 2000)
    void invariantsHoldAfterEveryStep(@ForAll @Size(min = 1, max = 200) List<@From("steps") Step> steps,
            @ForAll("limits") int limit, @ForAll boolean localOnly) {
        PolicyFixture f = new PolicyFixture();
        ServiceRuntime s = f.start("192.0.2.1:25 inet n - n - " + limit + " smtpd", localOnly);
        boolean overLimitByLowering = false;
        boolean listenerSaysListening = s.isListening();
        for (Step step : steps) {
            f.context.calls.clear();
            List<ChildProcess> children = new ArrayList<>(s.children());
            ChildProcess child = children.isEmpty() ? null : children.get(step.pick() % children.size());
            switch (step.kind()) {
                case CONNECT:
                    f.connect(s);
                    break;
                case TAKEN:
                    if (child != null) {
                        f.taken(s, child);
                    }
                    break;
                case AVAIL:
                    if (child != null) {
                        f.avail(s, child);
                    }
                    break;
                case EXIT:
                    if (child != null) {
                        ExitStatus[] ends = {ExitStatus.exited(0), ExitStatus.exited(1), ExitStatus.killed(15),
                            ExitStatus.killed(9), ExitStatus.stopped(19)};
                        f.exit(s, child, ends[step.amount() % ends.length]);
                    }
                    break;
                case STALE:
                    if (child != null) {
                        f.policy.statusUpdate(s, new StatusRecord(child.pid(), child.generation() + 1,
                                step.amount() % 2), f.context);
                    }
                    break;
                case GARBAGE:
                    f.policy.statusUpdate(s, new StatusRecord(step.pick(), step.amount(), step.amount() % 5), f.context);
                    f.policy.partialStatus(s, new byte[12], 1 + step.pick() % 11, f.context);
                    break;
                case THROTTLE:
                    f.policy.throttle(s, f.context);
                    break;
                case OPERATOR_THROTTLE:
                    f.policy.throttleFor(s, 1000 + step.amount(), f.context);
                    break;
                case UNTHROTTLE:
                    f.policy.unthrottle(s, f.context);
                    break;
                case CLEANUP:
                    f.policy.cleanup(s, f.context);
                    break;
                case TIME:
                    f.context.advance(step.amount());
                    break;
                case LIMIT:
                    int newLimit = step.pick() % 6;
                    if (newLimit != 0 && s.totalProcesses() > newLimit) {
                        overLimitByLowering = true;
                    }
                    s.setProcessLimit(newLimit);
                    f.policy.availListen(s, f.context);
                    break;
                case SPAWN_FAILS:
                    f.context.spawnFailure = f.context.spawnFailure == null ? "fork: Resource temporarily unavailable" : null;
                    break;
                default:
                    throw new AssertionError(step);
            }
            for (String call : f.context.calls) {
                if (call.startsWith("listen ")) {
                    listenerSaysListening = Boolean.parseBoolean(call.substring(7));
                }
            }
            if (s.limitAllows(s.totalProcesses() - 1)) {
                overLimitByLowering = false;
            }
            checkInvariants(s, overLimitByLowering, listenerSaysListening, step);
        }
    }

    @Provide
    Arbitrary<Integer> limits() {
        return Arbitraries.integers().between(0, 5);
    }

    private static void checkInvariants(ServiceRuntime s, boolean overLimitByLowering, boolean listenerSaysListening,
            Step step) {
        int avail = s.availableProcesses();
        int total = s.totalProcesses();
        assertTrue(0 <= avail && avail <= total, "0 <= avail <= total after " + step + ": " + avail + "/" + total);
        assertEquals(s.children().size(), total, "table size after " + step);
        assertEquals(s.children().stream().filter(c -> c.state() == ProcessState.AVAIL).count(), avail,
                "avail count after " + step);
        assertTrue(s.processLimit() == 0 || total <= s.processLimit() || overLimitByLowering,
                "total " + total + " over limit " + s.processLimit() + " after " + step);
        boolean shouldListen = !s.isThrottled() && !s.isCleaning() && avail == 0 && s.limitAllows(total);
        assertEquals(shouldListen, s.isListening(), "listening after " + step);
        assertEquals(s.isListening(), listenerSaysListening, "the listener was told after " + step);
    }
}
