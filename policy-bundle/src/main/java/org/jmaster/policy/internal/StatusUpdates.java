package org.jmaster.policy.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jmaster.api.postfix.StatusRecord;
import org.jmaster.api.spi.policy.ChildState;
import org.jmaster.api.spi.policy.PolicyContext;
import org.jmaster.api.spi.policy.ServiceState;

/**
 * NAME
 *     StatusUpdates - what a status record does (Postfix master_status.c)
 * SUMMARY
 *     update(service, record)          a 12-byte record arrived
 *     partial(service, bytes, length)  fewer than 12 bytes arrived
 * DESCRIPTION
 *     Children are not trusted: their records are gossip. A record from a pid the service does
 *     not know is ignored (a child may be reaped before its last record is read), with a warning
 *     when the pid belongs to another service. A record with the wrong generation is stale (pid
 *     reuse) and ignored with an informational message. A record that repeats the child's state
 *     is ignored silently. AVAIL completes a request (use count + 1) and makes the child
 *     available; TAKEN makes it busy. Any other status is warned about and ignored.
 *
 *     Called on the event-loop thread only.
 * DIAGNOSTICS
 *     The Postfix messages of section 7; Postfix prints the status and the pid of an unknown
 *     status swapped, jmaster prints each in its place.
 * SEE ALSO
 *     spec/postfix-master.md section 4.
 */
final class StatusUpdates {
    private final Availability availability;

    StatusUpdates(Availability availability) {
        this.availability = availability;
    }

    void update(ServiceState service, StatusRecord record, PolicyContext context) {
        ChildState child = service.child(record.pid());
        if (child == null) {
            ServiceState owner = context.ownerOf(record.pid());
            if (owner != null) {
                context.warning("service " + service + ": ignoring status update from child pid "
                        + record.pid() + " of service " + owner);
            }
            return;
        }
        if (child.generation() != record.generation()) {
            context.info("ignoring status update from child pid " + record.pid()
                    + " generation " + record.generation());
            return;
        }
        if (record.status() == child.state().code()) {
            return;
        }
        switch (record.status()) {
            case StatusRecord.AVAIL:
                child.countUse();
                service.countRequest();
                availability.more(service, child, context);
                break;
            case StatusRecord.TAKEN:
                availability.less(service, child, context);
                break;
            default:
                context.warning("master_status_event: ignoring unknown status: " + record.status()
                        + " allegedly from pid: " + record.pid());
        }
    }

    void partial(ServiceState service, byte[] bytes, int length, PolicyContext context) {
        ByteBuffer pid = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder());
        pid.put(bytes, 0, Math.min(4, length));
        context.warning("service " + service + ": child (pid " + pid.getInt(0)
                + ") sent partial status update (" + length + " bytes)");
    }
}
