package org.jmaster.policy.internal;

import java.util.ArrayList;
import java.util.List;
import org.jmaster.api.ChildProcess;
import org.jmaster.api.ExitStatus;
import org.jmaster.api.ServiceEvent;
import org.jmaster.api.ServiceRuntime;
import org.jmaster.api.spi.PolicyContext;
import org.jmaster.api.spi.Spawner;
import org.jmaster.api.spi.Timer;

/**
 * NAME
 *     Reaping - the death of children, and cleanup (Postfix master_reap_child,
 *     master_delete_children)
 * SUMMARY
 *     exited(service, pid, status)   a child was reaped or stopped
 *     cleanup(service)               terminate every child, bounded
 *     rearm(service)                 a new escalation timer for a cleanup another instance started
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

    void exited(ServiceRuntime service, int pid, ExitStatus status, PolicyContext context) {
        ChildProcess child = service.child(pid);
        if (child == null) {
            throw new IllegalStateException("master_reap: unknown pid: " + pid);
        }
        if (status.isStopped()) {
            context.warning("process " + service.path() + " pid " + pid + " " + status);
            return;
        }
        if (!status.isNormal()) {
            boolean byMaster = service.isCleaning() || child.isTerminating();
            if (!(byMaster && status.kind() == ExitStatus.Kind.KILLED && status.value() == Spawner.SIGTERM)) {
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

    void cleanup(ServiceRuntime service, PolicyContext context) {
        if (service.isCleaning()) {
            return;
        }
        if (service.totalProcesses() == 0) {
            context.event(service, ServiceEvent.CLEANUP, "service " + service + ": no process to clean up");
            return;
        }
        service.setCleaning(true, escalation(service, service.stopTimeoutMillis(), context));
        availability.listen(service, context);
        for (ChildProcess child : List.copyOf(service.children())) {
            context.signal(child, Spawner.SIGTERM);
        }
    }

    void rearm(ServiceRuntime service, PolicyContext context) {
        if (service.isCleaning() && service.cleanupTimer() != null) {
            service.setCleaning(true, escalation(service, service.stopTimeoutMillis(), context));
        }
    }

    private Timer escalation(ServiceRuntime service, long millis, PolicyContext context) {
        return context.schedule(millis, () -> kill(service, context));
    }

    private static void kill(ServiceRuntime service, PolicyContext context) {
        if (!service.isCleaning()) {
            return;
        }
        List<Integer> pids = new ArrayList<>();
        for (ChildProcess child : service.children()) {
            pids.add(child.pid());
        }
        context.warning("service " + service + ": " + pids.size() + " process(es) still alive "
                + service.stopTimeoutMillis() + " ms after SIGTERM, sending SIGKILL to pid " + pids);
        for (ChildProcess child : List.copyOf(service.children())) {
            context.signal(child, Spawner.SIGKILL);
        }
        service.setCleaning(true, null);
    }

    private void finishCleanup(ServiceRuntime service, PolicyContext context) {
        Timer timer = service.cleanupTimer();
        if (timer != null) {
            timer.cancel();
        }
        service.setCleaning(false, null);
        context.event(service, ServiceEvent.CLEANUP, "service " + service + ": every process terminated");
        availability.listen(service, context);
    }
}
