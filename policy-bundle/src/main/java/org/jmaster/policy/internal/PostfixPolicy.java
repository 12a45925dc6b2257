package org.jmaster.policy.internal;

import org.jmaster.api.ChildProcess;
import org.jmaster.api.ExitStatus;
import org.jmaster.api.ServiceRuntime;
import org.jmaster.api.StatusRecord;
import org.jmaster.api.spi.PolicyContext;
import org.jmaster.api.spi.ProcessPolicy;
import org.osgi.service.component.annotations.Component;

/**
 * NAME
 *     PostfixPolicy - the process creation policy of Postfix 3.7's master, as a DS service
 * DESCRIPTION
 *     Sequences nothing and keeps no state: each call goes to the module that owns the rule
 *     (Availability, Throttling, StatusUpdates, Reaping), each operating on the ServiceRuntime it
 *     is given and acting only through the PolicyContext.
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
    public void availListen(ServiceRuntime service, PolicyContext context) {
        availability.listen(service, context);
    }

    @Override
    public void availMore(ServiceRuntime service, ChildProcess child, PolicyContext context) {
        availability.more(service, child, context);
    }

    @Override
    public void availLess(ServiceRuntime service, ChildProcess child, PolicyContext context) {
        availability.less(service, child, context);
    }

    @Override
    public void listenReady(ServiceRuntime service, PolicyContext context) {
        availability.listenReady(service, context);
    }

    @Override
    public void statusUpdate(ServiceRuntime service, StatusRecord record, PolicyContext context) {
        statusUpdates.update(service, record, context);
    }

    @Override
    public void partialStatus(ServiceRuntime service, byte[] bytes, int length, PolicyContext context) {
        statusUpdates.partial(service, bytes, length, context);
    }

    @Override
    public void childExited(ServiceRuntime service, int pid, ExitStatus status, PolicyContext context) {
        reaping.exited(service, pid, status, context);
    }

    @Override
    public void throttle(ServiceRuntime service, PolicyContext context) {
        throttling.throttle(service, context);
    }

    @Override
    public void throttleFor(ServiceRuntime service, long millis, PolicyContext context) {
        throttling.throttleFor(service, millis, context);
    }

    @Override
    public void unthrottle(ServiceRuntime service, PolicyContext context) {
        throttling.unthrottle(service, context);
    }

    @Override
    public void cleanup(ServiceRuntime service, PolicyContext context) {
        reaping.cleanup(service, context);
    }

    @Override
    public void adopt(ServiceRuntime service, PolicyContext context) {
        throttling.rearm(service, context);
        reaping.rearm(service, context);
        availability.listen(service, context);
    }
}
