package org.jmaster.policy.internal;

import org.jmaster.api.ServiceEvent;
import org.jmaster.api.SpawnException;
import org.jmaster.api.StressArgument;
import org.jmaster.api.postfix.ProcessState;
import org.jmaster.api.spi.policy.ChildState;
import org.jmaster.api.spi.policy.PolicyContext;
import org.jmaster.api.spi.policy.ServiceState;

/**
 * NAME
 *     Availability - process creation policy (Postfix master_avail.c)
 * SUMMARY
 *     listen(service)          whether to watch the listen sockets (R1-R5)
 *     more(service, child)     one more child available (R15)
 *     less(service, child)     one less child available (R15)
 *     listenReady(service)     a client waits: stress decision and spawn (R6-R11)
 * DESCRIPTION
 *     The master watches a service's listen sockets only while it is not throttled or being
 *     cleaned up, no child is idle, and the process limit allows one more child. A readable listen
 *     socket therefore means "a client waits and nobody idle watches": spawn one child, counted
 *     available at once (R9), so children are created one at a time, each after the previous one
 *     reported TAKEN.
 *
 *     A spawn that takes the last free slot of a stress-eligible service (not local-only, process
 *     limit above 1) puts it into stress mode for 1000 s, restarting it on entry; children created
 *     in stress mode get "-o stress=yes".
 *
 *     Called on the event-loop thread only. Caution: the policy calls nothing in the other
 *     bundles but through its PolicyContext.
 * DIAGNOSTICS
 *     The three-line process limit warning, at most once per 1000 s per stress-eligible service.
 *     IllegalStateException ("panic") for a second AVAIL or TAKEN of the same child, and for a
 *     spawn at the limit, with a child available, or while throttled.
 * SEE ALSO
 *     Throttling, Reaping; spec/postfix-master.md section 2.
 */
final class Availability {
    /** Stress mode lasts this long after the last last-slot spawn. */
    static final long STRESS_PULSE_MILLIS = 1_000_000;
    /** The process limit warning is given at most this often. */
    static final long BUSY_WARNING_MILLIS = 1_000_000;

    private Throttling throttling;

    void setThrottling(Throttling throttling) {
        this.throttling = throttling;
    }

    /** Section 1.2: not local-only and a process limit above 1 (so never when unlimited). */
    static boolean isStressEligible(ServiceState service) {
        return !service.isLocalOnly() && service.processLimit() > 1;
    }

    /** R1-R5: avail_listen. */
    void listen(ServiceState service, PolicyContext context) {
        boolean want;
        if (service.isThrottled() || service.isCleaning() || service.availableProcesses() > 0) {
            want = false;
            service.setAtLimit(false);
        } else if (service.limitAllows(service.totalProcesses())) {
            want = true;
            service.setAtLimit(false);
        } else {
            want = false;
            limitReached(service, context);
        }
        if (want != service.isListening()) {
            service.setListening(want);
            context.listen(service, want);
        }
    }

    /** R4: at or over the limit with no idle child. */
    private static void limitReached(ServiceState service, PolicyContext context) {
        long now = context.now();
        if (!service.isAtLimit()) {
            service.setAtLimit(true);
            service.countLimitReached();
            if (service.limitNoticeTime() < now - BUSY_WARNING_MILLIS) {
                service.setLimitNoticeTime(now);
                context.event(service, ServiceEvent.LIMIT_REACHED, "service " + service
                        + " has reached its process limit " + service.processLimit());
            }
        }
        if (isStressEligible(service) && service.busyWarnTime() < now - BUSY_WARNING_MILLIS) {
            service.setBusyWarnTime(now);
            context.warning("service \"" + service.name() + "\" (" + service.canonicalName()
                    + ") has reached its process limit \"" + service.processLimit()
                    + "\": new clients may experience noticeable delays");
            context.warning("to avoid this condition, increase the process count in master.cf"
                    + " or reduce the service time per client");
            context.warning("see http://www.postfix.org/STRESS_README.html for examples"
                    + " of stress-adapting configuration settings");
        }
    }

    /** R15: master_avail_more. */
    void more(ServiceState service, ChildState child, PolicyContext context) {
        if (child.isAvailable()) {
            throw new IllegalStateException("master_avail_more: process already available: pid " + child.pid());
        }
        child.setState(ProcessState.AVAIL);
        service.setProcessCounts(service.availableProcesses() + 1, service.totalProcesses());
        listen(service, context);
    }

    /** R15: master_avail_less. */
    void less(ServiceState service, ChildState child, PolicyContext context) {
        if (!child.isAvailable()) {
            throw new IllegalStateException("master_avail_less: process not available: pid " + child.pid());
        }
        child.setState(ProcessState.TAKEN);
        service.setProcessCounts(service.availableProcesses() - 1, service.totalProcesses());
        listen(service, context);
    }

    /** R6-R8: master_avail_event. */
    void listenReady(ServiceState service, PolicyContext context) {
        if (!service.isListening()) {
            return; // readiness seen before the loop applied our disable: nobody waits unwatched
        }
        long now = context.now();
        if (isStressEligible(service) && !service.limitAllows(service.totalProcesses() + 1)) {
            if (service.stressExpireTime() < now) {
                context.restart(service);
                context.event(service, ServiceEvent.STRESS_STARTED, "service " + service
                        + " entered stress mode at its process limit " + service.processLimit());
            }
            service.setStressExpireTime(now + STRESS_PULSE_MILLIS);
        }
        spawn(service, context, now);
    }

    /** R9-R11: master_spawn, the decisions; the spawner does the work. */
    private void spawn(ServiceState service, PolicyContext context, long now) {
        if (!service.limitAllows(service.totalProcesses())) {
            throw new IllegalStateException("master_spawn: at process limit " + service.totalProcesses());
        }
        if (service.availableProcesses() > 0) {
            throw new IllegalStateException("master_spawn: processes available: " + service.availableProcesses());
        }
        if (service.isThrottled() || service.isCleaning()) {
            throw new IllegalStateException("master_spawn: throttled service: " + service.path());
        }
        StressArgument stress = !isStressEligible(service) ? StressArgument.NONE
                : service.stressExpireTime() > now ? StressArgument.ON : StressArgument.OFF;
        ChildState child;
        try {
            child = context.spawn(service, stress);
        } catch (SpawnException e) {
            // as Postfix: a fork failure is one line; an exec failure is the child's "master_spawn:
            // exec ..." and then the master's bad start-up (its "exit status 1" has no pid here)
            String message = "master_spawn: " + e.getMessage() + " -- throttling";
            if (e.getMessage().startsWith("exec ")) {
                context.warning("master_spawn: " + e.getMessage());
                message = service.path() + ": bad command startup -- throttling";
            }
            context.warning(message);
            service.countBadStartup();
            context.event(service, ServiceEvent.BAD_STARTUP, message);
            throttling.throttle(service, context);
            return;
        }
        service.addChild(child);
        service.setProcessCounts(service.availableProcesses(), service.totalProcesses() + 1);
        service.countSpawn();
        more(service, child, context);
    }
}
