package org.jmaster.policy.internal;

import java.util.ArrayList;
import java.util.List;
import org.jmaster.api.ExitStatus;
import org.jmaster.api.ServiceEvent;
import org.jmaster.api.spi.policy.ChildState;
import org.jmaster.api.spi.policy.PolicyContext;
import org.jmaster.api.spi.policy.ServiceState;
import org.jmaster.api.spi.policy.TimerKind;

/**
 * NAME
 *     Reaping - the death of children, and cleanup (Postfix master_reap_child,
 *     master_delete_children)
 * SUMMARY
 *     exited(service, pid, status)   a child was reaped or stopped
 *     cleanup(service)               terminate every child, bounded
 *     escalate(service)              the CLEANUP timer: SIGKILL for the children still alive
 * DESCRIPTION
 *     A stopped child is warned about and kept. A child that died any other way than exit status
 *     0 is warned about ("exit status n", "killed by signal n"); when it never completed a
 *     request, the command is considered broken and the service is throttled ("bad command
 *     startup"), unless it is already throttled or being cleaned up. Then the child leaves the
 *     table and the counts, and the listen decision is taken again.
 *
 *     A cleanup stops process creation, sends SIGTERM to every child, and ends when the last one
 *     is reaped. Postfix waits for ever here; jmaster sends SIGKILL to the children still alive
 *     after the service's stop timeout and names them in a warning. SIGTERM deaths during a
 *     cleanup are not warned about, and no death during a cleanup is a bad start-up; the same
 *     holds for a child the master marked as terminating (its spawner is leaving).
 *
 *     Called on the event-loop thread only.
 * DIAGNOSTICS
 *     IllegalStateException ("panic") for a pid the service never spawned.
 * SEE ALSO
 *     spec/postfix-master.md sections 3.5 and 3.7.
 */
final class Reaping {
    private final Availability availability;
    private final Throttling throttling;

    Reaping(Availability availability, Throttling throttling) {
        this.availability = availability;
        this.throttling = throttling;
    }

    void exited(ServiceState service, int pid, ExitStatus status, PolicyContext context) {
        ChildState child = service.child(pid);
        if (child == null) {
            throw new IllegalStateException("master_reap: unknown pid: " + pid);
        }
        if (status.isStopped()) {
            context.warning("process " + service.path() + " pid " + pid + " " + status);
            return;
        }
        if (!status.isNormal()) {
            boolean byMaster = service.isCleaning() || child.isTerminating();
            if (!(byMaster && status.kind() == ExitStatus.Kind.KILLED && status.value() == ExitStatus.SIGTERM)) {
                context.warning("process " + service.path() + " pid " + pid + " " + status);
            }
            if (child.useCount() == 0 && !service.isThrottled() && !byMaster) {
                String message = service.path() + ": bad command startup -- throttling";
                context.warning(message);
                service.countBadStartup();
                context.event(service, ServiceEvent.BAD_STARTUP, message);
                throttling.throttle(service, context);
            }
        }
        service.removeChild(pid);
        service.setProcessCounts(service.availableProcesses(), service.totalProcesses() - 1);
        if (child.isAvailable()) {
            availability.less(service, child, context);
        } else {
            availability.listen(service, context);
        }
        if (service.isCleaning() && service.totalProcesses() == 0) {
            finishCleanup(service, context);
        }
    }

    void cleanup(ServiceState service, PolicyContext context) {
        if (service.isCleaning()) {
            return;
        }
        if (service.totalProcesses() == 0) {
            context.event(service, ServiceEvent.CLEANUP, "service " + service + ": no process to clean up");
            return;
        }
        service.setCleaning(true);
        context.schedule(service, TimerKind.CLEANUP, service.stopTimeoutMillis());
        availability.listen(service, context);
        for (ChildState child : List.copyOf(service.children())) {
            context.signal(child, ExitStatus.SIGTERM);
        }
    }

    void escalate(ServiceState service, PolicyContext context) {
        if (!service.isCleaning()) {
            return;
        }
        List<Integer> pids = new ArrayList<>();
        for (ChildState child : service.children()) {
            pids.add(child.pid());
        }
        context.warning("service " + service + ": " + pids.size() + " process(es) still alive "
                + service.stopTimeoutMillis() + " ms after SIGTERM, sending SIGKILL to pid " + pids);
        for (ChildState child : List.copyOf(service.children())) {
            context.signal(child, ExitStatus.SIGKILL);
        }
    }

    private void finishCleanup(ServiceState service, PolicyContext context) {
        context.cancel(service, TimerKind.CLEANUP);
        service.setCleaning(false);
        context.event(service, ServiceEvent.CLEANUP, "service " + service + ": every process terminated");
        availability.listen(service, context);
    }
}
