package org.jmaster.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.Generate.constant;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.List;
import org.jmaster.api.ExitStatus;
import org.jmaster.api.postfix.ProcessState;
import org.jmaster.api.postfix.StatusRecord;
import org.jmaster.api.spi.policy.ChildState;
import org.jmaster.api.spi.policy.ServiceState;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Random sequences of what clients, children, operators and time do to one service, with the
 * policy's invariants checked after every step.
 */
class PolicyPropertiesTest {

    enum Kind { CONNECT, TAKEN, AVAIL, EXIT, STALE, GARBAGE, THROTTLE, OPERATOR_THROTTLE, UNTHROTTLE, CLEANUP, TIME, LIMIT, SPAWN_FAILS }

    record Step(Kind kind, int pick, int amount) { }

    static Gen<Step> steps() {
        Gen<Kind> kinds = Generate.frequency(
                Pair.of(10, constant(Kind.CONNECT)),
                Pair.of(8, constant(Kind.TAKEN)),
                Pair.of(8, constant(Kind.AVAIL)),
                Pair.of(5, constant(Kind.EXIT)),
                Pair.of(1, constant(Kind.STALE)),
                Pair.of(1, constant(Kind.GARBAGE)),
                Pair.of(1, constant(Kind.THROTTLE)),
                Pair.of(1, constant(Kind.OPERATOR_THROTTLE)),
                Pair.of(1, constant(Kind.UNTHROTTLE)),
                Pair.of(1, constant(Kind.CLEANUP)),
                Pair.of(3, constant(Kind.TIME)),
                Pair.of(1, constant(Kind.LIMIT)),
                Pair.of(1, constant(Kind.SPAWN_FAILS)));
        return kinds.zip(integers().between(0, 1000), integers().between(0, 2_000_000), Step::new);
    }

    @Test
    void invariantsHoldAfterEveryStep() {
        qt().withExamples(2000).forAll(lists().of(steps()).ofSizeBetween(1, 200), limits(), booleans().all())
                .checkAssert(PolicyPropertiesTest::stepsKeepTheInvariants);
    }

    private static void stepsKeepTheInvariants(List<Step> steps, int limit, boolean localOnly) {
        PolicyFixture f = new PolicyFixture();
        ServiceState s = f.start("192.0.2.1:25 inet n - n - " + limit + " smtpd", localOnly);
        boolean overLimitByLowering = false;
        boolean listenerSaysListening = s.isListening();
        for (Step step : steps) {
            f.context.calls.clear();
            List<ChildState> children = new ArrayList<>(s.children());
            ChildState child = children.isEmpty() ? null : children.get(step.pick() % children.size());
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

    static Gen<Integer> limits() {
        return integers().between(0, 5);
    }

    private static void checkInvariants(ServiceState s, boolean overLimitByLowering, boolean listenerSaysListening,
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
