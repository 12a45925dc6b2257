package org.jmaster.master.internal;

import org.jmaster.api.postfix.StatusRecord;
import org.jmaster.api.spi.loop.LoopEvents;

/**
 * NAME
 *     ServiceEvents - what the event loop reports of one service, on its way to the policy
 * DESCRIPTION
 *     The gate between the loop and the policy, on the loop thread with the supervisor's lock
 *     held. A waiting client reaches the policy only while the master watches, a spawner is
 *     bound, the service is still in the table and the master is not handing over; otherwise its
 *     listen socket is disabled (readiness is level-triggered: it would be reported again and
 *     again). A status record read just before the policy left waits in the inbox for the next
 *     one; a record for a service no longer in the table is dropped, as Postfix drops records of
 *     a deleted service.
 */
final class ServiceEvents implements LoopEvents {
    private final ServiceEntry entry;
    private final Supervisor supervisor;

    ServiceEvents(ServiceEntry entry, Supervisor supervisor) {
        this.entry = entry;
        this.supervisor = supervisor;
    }

    @Override
    public void listenReady() {
        synchronized (supervisor.lock) {
            Binding binding = supervisor.binding;
            if (binding.isWatching() && binding.hasSpawner() && supervisor.table.isCurrent(entry.state)
                    && !supervisor.handover.isRetiring()) {
                binding.policy().listenReady(entry.state, supervisor.context);
            } else if (entry.watch != null) {
                entry.watch.setListening(false);
            }
        }
    }

    @Override
    public void statusRecord(StatusRecord record) {
        synchronized (supervisor.lock) {
            Binding binding = supervisor.binding;
            if (!binding.isWatching()) {
                if (!binding.isClosed()) {
                    supervisor.inbox.submit(() -> statusRecord(record)); // read just before the policy left
                }
            } else if (supervisor.table.isCurrent(entry.state)) {
                binding.policy().statusUpdate(entry.state, record, supervisor.context);
            }
        }
    }

    @Override
    public void partialStatus(byte[] bytes, int length) {
        synchronized (supervisor.lock) {
            if (supervisor.binding.isWatching() && supervisor.table.isCurrent(entry.state)) {
                supervisor.binding.policy().partialStatus(entry.state, bytes, length, supervisor.context);
            }
        }
    }

    @Override
    public void statusFailure(String message) {
        supervisor.context.warning("service " + entry.state + ": " + message);
    }
}
