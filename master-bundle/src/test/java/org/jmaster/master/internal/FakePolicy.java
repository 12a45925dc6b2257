package org.jmaster.master.internal;

import java.util.ArrayList;
import java.util.List;
import org.jmaster.api.ExitStatus;
import org.jmaster.api.SpawnException;
import org.jmaster.api.StressArgument;
import org.jmaster.api.postfix.StatusRecord;
import org.jmaster.api.spi.policy.ChildState;
import org.jmaster.api.spi.policy.PolicyContext;
import org.jmaster.api.spi.policy.ProcessPolicy;
import org.jmaster.api.spi.policy.ServiceState;
import org.jmaster.api.spi.policy.TimerKind;

/**
 * A policy for the master's unit tests: just enough of Postfix's rules to drive the master (listen
 * while nobody is idle, one child per readable socket, cleanup by SIGTERM and SIGKILL at its
 * timer), every call recorded, and no CLEANUP notification ever: the master must not need one.
 */
final class FakePolicy implements ProcessPolicy {
    final List<String> calls = new ArrayList<>();

    @Override
    public int listenBacklog(int processLimit, int defaultProcessLimit) {
        return Math.max(processLimit, defaultProcessLimit);
    }

    @Override
    public void availListen(ServiceState service, PolicyContext context) {
        calls.add("availListen " + service.name());
        boolean want = !service.isThrottled() && !service.isCleaning() && service.availableProcesses() == 0
                && service.limitAllows(service.totalProcesses());
        if (want != service.isListening()) {
            service.setListening(want);
            context.listen(service, want);
        }
    }

    @Override
    public void listenReady(ServiceState service, PolicyContext context) {
        calls.add("listenReady " + service.name());
        try {
            ChildState child = context.spawn(service, StressArgument.NONE);
            service.addChild(child);
            service.setProcessCounts(service.availableProcesses(), service.totalProcesses() + 1);
        } catch (SpawnException e) {
            context.warning("master_spawn: " + e.getMessage() + " -- throttling");
        }
    }

    @Override
    public void statusUpdate(ServiceState service, StatusRecord record, PolicyContext context) {
        calls.add("statusUpdate " + service.name() + " " + record.pid() + " " + record.status());
    }

    @Override
    public void partialStatus(ServiceState service, byte[] bytes, int length, PolicyContext context) {
        calls.add("partialStatus " + service.name() + " " + length);
    }

    @Override
    public void childExited(ServiceState service, int pid, ExitStatus status, PolicyContext context) {
        calls.add("childExited " + service.name() + " " + pid);
        service.removeChild(pid);
        service.setProcessCounts(service.availableProcesses(), service.totalProcesses() - 1);
        if (service.isCleaning() && service.totalProcesses() == 0) {
            context.cancel(service, TimerKind.CLEANUP);
            service.setCleaning(false);
        }
        availListen(service, context);
    }

    @Override
    public void throttle(ServiceState service, PolicyContext context) {
        throttleFor(service, service.throttleDelayMillis(), context);
    }

    @Override
    public void throttleFor(ServiceState service, long millis, PolicyContext context) {
        calls.add("throttle " + service.name() + " " + millis);
        service.setThrottled(true, context.now() + millis);
        context.schedule(service, TimerKind.THROTTLE, millis);
        availListen(service, context);
    }

    @Override
    public void unthrottle(ServiceState service, PolicyContext context) {
        calls.add("unthrottle " + service.name());
        context.cancel(service, TimerKind.THROTTLE);
        service.setThrottled(false, ServiceState.NEVER);
        availListen(service, context);
    }

    @Override
    public void cleanup(ServiceState service, PolicyContext context) {
        calls.add("cleanup " + service.name());
        if (service.totalProcesses() == 0) {
            return;
        }
        service.setCleaning(true);
        context.schedule(service, TimerKind.CLEANUP, service.stopTimeoutMillis());
        for (ChildState child : List.copyOf(service.children())) {
            context.signal(child, ExitStatus.SIGTERM);
        }
        availListen(service, context);
    }

    @Override
    public void timerExpired(ServiceState service, TimerKind kind, PolicyContext context) {
        calls.add("timerExpired " + service.name() + " " + kind);
        switch (kind) {
            case THROTTLE -> unthrottle(service, context);
            case CLEANUP -> service.children().forEach(child -> context.signal(child, ExitStatus.SIGKILL));
        }
    }
}
