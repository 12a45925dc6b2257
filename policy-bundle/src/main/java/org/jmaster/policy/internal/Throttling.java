package org.jmaster.policy.internal;

import org.jmaster.api.ServiceEvent;
import org.jmaster.api.ServiceRuntime;
import org.jmaster.api.spi.PolicyContext;
import org.jmaster.api.spi.Timer;

/**
 * NAME
 *     Throttling - suspend process creation after trouble (Postfix master_throttle)
 * SUMMARY
 *     throttle(service)             for the service's throttle delay, unless already throttled
 *     throttleFor(service, millis)  an operator's throttle, replacing the current end
 *     unthrottle(service)           resume, at once
 *     rearm(service)                a new timer for a throttle another instance started
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

    void throttle(ServiceRuntime service, PolicyContext context) {
        if (!service.isThrottled()) {
            start(service, service.throttleDelayMillis(), context);
        }
    }

    void throttleFor(ServiceRuntime service, long millis, PolicyContext context) {
        cancelTimer(service);
        start(service, millis, context);
    }

    private void start(ServiceRuntime service, long millis, PolicyContext context) {
        service.setThrottled(true, context.now() + millis, timer(service, millis, context));
        service.countThrottle();
        context.event(service, ServiceEvent.THROTTLED, "service " + service + " throttled for "
                + Math.round(millis / 1000.0) + "s");
        availability.listen(service, context);
    }

    void unthrottle(ServiceRuntime service, PolicyContext context) {
        if (service.isThrottled()) {
            cancelTimer(service);
            service.setThrottled(false, ServiceRuntime.NEVER, null);
            context.event(service, ServiceEvent.UNTHROTTLED, "service " + service + " unthrottled");
            availability.listen(service, context);
        }
    }

    void rearm(ServiceRuntime service, PolicyContext context) {
        if (service.isThrottled()) {
            long expire = service.throttleExpireTime();
            service.setThrottled(true, expire, timer(service, Math.max(0, expire - context.now()), context));
        }
    }

    private Timer timer(ServiceRuntime service, long millis, PolicyContext context) {
        return context.schedule(millis, () -> unthrottle(service, context));
    }

    private static void cancelTimer(ServiceRuntime service) {
        Timer timer = service.throttleTimer();
        if (timer != null) {
            timer.cancel();
        }
    }
}
