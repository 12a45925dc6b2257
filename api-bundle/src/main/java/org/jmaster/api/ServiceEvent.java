package org.jmaster.api;

/**
 * Things that happen to a service that operators are told about (JMX notifications), besides the
 * log. The policy reports the first five; the master the rest.
 */
public enum ServiceEvent {
    /** Process creation was suspended. */
    THROTTLED("org.jmaster.service.throttled"),
    /** Process creation resumed. */
    UNTHROTTLED("org.jmaster.service.unthrottled"),
    /** At the process limit with no idle child (rate-limited like Postfix's warning). */
    LIMIT_REACHED("org.jmaster.service.limit.reached"),
    /** A last-slot spawn put the service into stress mode. */
    STRESS_STARTED("org.jmaster.service.stress.started"),
    /** A child died before completing a request. */
    BAD_STARTUP("org.jmaster.process.bad.startup"),
    /** The status channel was replaced: old children finish and exit. */
    RESTARTED("org.jmaster.service.restarted"),
    /** Every child of the service was terminated. */
    CLEANUP("org.jmaster.service.cleanup");

    private final String notificationType;

    ServiceEvent(String notificationType) {
        this.notificationType = notificationType;
    }

    /** The JMX notification type. */
    public String notificationType() {
        return notificationType;
    }
}
