package org.jmaster.api;

import org.jmaster.api.jmx.ServiceMXBean;

/**
 * Things that happen to a service that operators are told about (JMX notifications), besides the
 * log. The policy reports the first five; the master the rest. The notification types are those
 * of {@link ServiceMXBean}.
 */
public enum ServiceEvent {
    /** Process creation was suspended. */
    THROTTLED(ServiceMXBean.THROTTLED),
    /** Process creation resumed. */
    UNTHROTTLED(ServiceMXBean.UNTHROTTLED),
    /** At the process limit with no idle child (rate-limited like Postfix's warning). */
    LIMIT_REACHED(ServiceMXBean.LIMIT_REACHED),
    /** A last-slot spawn put the service into stress mode. */
    STRESS_STARTED(ServiceMXBean.STRESS_STARTED),
    /** A child died before completing a request. */
    BAD_STARTUP(ServiceMXBean.BAD_STARTUP),
    /** The status channel was replaced: old children finish and exit. */
    RESTARTED(ServiceMXBean.RESTARTED),
    /** Every child of the service was terminated. */
    CLEANUP(ServiceMXBean.CLEANUP);

    private final String notificationType;

    ServiceEvent(String notificationType) {
        this.notificationType = notificationType;
    }

    /** The JMX notification type. */
    public String notificationType() {
        return notificationType;
    }
}
