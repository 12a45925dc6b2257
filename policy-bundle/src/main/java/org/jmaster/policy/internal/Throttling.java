package org.jmaster.policy.internal;

import org.jmaster.api.ServiceEvent;
import org.jmaster.api.spi.policy.PolicyContext;
import org.jmaster.api.spi.policy.ServiceState;
import org.jmaster.api.spi.policy.TimerKind;

/**
 * NAME
 *     Throttling - suspend process creation after trouble (Postfix master_throttle)
 * SUMMARY
 *     throttle(service)             for the service's throttle delay, unless already throttled
 *     throttleFor(service, millis)  an operator's throttle, replacing the current end
 *     unthrottle(service)           resume, at once (also the THROTTLE timer's expiry)
 * DESCRIPTION
 *     A throttled service does not listen and does not spawn; clients wait in the kernel's
 *     backlog. A timer lifts the throttle; while it runs, a second throttle does nothing (no new
 *     timer, no message). When it is lifted and a client still waits, the listen socket is
 *     readable and a child is spawned at once.
 *
 *     Called on the event-loop thread only.
 * SEE ALSO
 *     spec/postfix-master.md section 3.6.
 */
final class Throttling {
    private final Availability availability;

    Throttling(Availability availability) {
        this.availability = availability;
    }

    void throttle(ServiceState service, PolicyContext context) {
        if (!service.isThrottled()) {
            throttleFor(service, service.throttleDelayMillis(), context);
        }
    }

    /** Throttled for this long from now, whatever the throttle in force: its timer is replaced. */
    void throttleFor(ServiceState service, long millis, PolicyContext context) {
        service.setThrottled(true, context.now() + millis);
        context.schedule(service, TimerKind.THROTTLE, millis);
        service.countThrottle();
        context.event(service, ServiceEvent.THROTTLED, "service " + service + " throttled for "
                + Math.round(millis / 1000.0) + "s");
        availability.listen(service, context);
    }

    void unthrottle(ServiceState service, PolicyContext context) {
        if (service.isThrottled()) {
            context.cancel(service, TimerKind.THROTTLE);
            service.setThrottled(false, ServiceState.NEVER);
            context.event(service, ServiceEvent.UNTHROTTLED, "service " + service + " unthrottled");
            availability.listen(service, context);
        }
    }
}
