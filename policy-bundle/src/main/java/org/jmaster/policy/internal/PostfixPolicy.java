package org.jmaster.policy.internal;

import org.jmaster.api.ExitStatus;
import org.jmaster.api.postfix.StatusRecord;
import org.jmaster.api.spi.policy.PolicyContext;
import org.jmaster.api.spi.policy.ProcessPolicy;
import org.jmaster.api.spi.policy.ServiceState;
import org.jmaster.api.spi.policy.TimerKind;
import org.osgi.service.component.annotations.Component;

/**
 * NAME
 *     PostfixPolicy - the process creation policy of Postfix 3.7's master, as a DS service
 * DESCRIPTION
 *     Sequences nothing and keeps no state: each call goes to the module that owns the rule
 *     (Availability, Throttling, StatusUpdates, Reaping), each operating on the ServiceState it
 *     is given and acting only through the PolicyContext. Its timers are the master's, keyed by
 *     service and kind: whichever instance is in place when one is due handles it.
 *
 *     Called by the master on the event-loop thread only.
 * SEE ALSO
 *     ProcessPolicy for the contract; spec/postfix-master.md sections 2-4.
 */
@Component(service = ProcessPolicy.class)
public final class PostfixPolicy implements ProcessPolicy {
    private final Availability availability = new Availability();
    private final Throttling throttling = new Throttling(availability);
    private final StatusUpdates statusUpdates = new StatusUpdates(availability);
    private final Reaping reaping = new Reaping(availability, throttling);

    /** A policy; the component constructor. */
    public PostfixPolicy() {
        availability.setThrottling(throttling);
    }

    @Override
    public int listenBacklog(int processLimit, int defaultProcessLimit) {
        return Math.max(processLimit, defaultProcessLimit);
    }

    @Override
    public void availListen(ServiceState service, PolicyContext context) {
        availability.listen(service, context);
    }

    @Override
    public void listenReady(ServiceState service, PolicyContext context) {
        availability.listenReady(service, context);
    }

    @Override
    public void statusUpdate(ServiceState service, StatusRecord record, PolicyContext context) {
        statusUpdates.update(service, record, context);
    }

    @Override
    public void partialStatus(ServiceState service, byte[] bytes, int length, PolicyContext context) {
        statusUpdates.partial(service, bytes, length, context);
    }

    @Override
    public void childExited(ServiceState service, int pid, ExitStatus status, PolicyContext context) {
        reaping.exited(service, pid, status, context);
    }

    @Override
    public void throttle(ServiceState service, PolicyContext context) {
        throttling.throttle(service, context);
    }

    @Override
    public void throttleFor(ServiceState service, long millis, PolicyContext context) {
        throttling.throttleFor(service, millis, context);
    }

    @Override
    public void unthrottle(ServiceState service, PolicyContext context) {
        throttling.unthrottle(service, context);
    }

    @Override
    public void cleanup(ServiceState service, PolicyContext context) {
        reaping.cleanup(service, context);
    }

    @Override
    public void timerExpired(ServiceState service, TimerKind kind, PolicyContext context) {
        switch (kind) {
            case THROTTLE -> throttling.unthrottle(service, context);
            case CLEANUP -> reaping.escalate(service, context);
        }
    }
}
