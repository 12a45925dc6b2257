package org.jmaster.api.spi.policy;

import org.jmaster.api.ServiceEvent;
import org.jmaster.api.SpawnException;
import org.jmaster.api.StressArgument;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The policy's only way to act on the world, implemented by the master, which forwards to the
 * event loop, the spawner and its clock. Everything is called on the event-loop thread.
 *
 * <p>A provider type: the master is its only implementer, so adding a method is a minor change
 * of this package.
 */
@ProviderType
public interface PolicyContext {
    /** Now, from the master's clock, in milliseconds. */
    long now();

    /** Enables or disables read events on every listen socket of the service (R5). */
    void listen(ServiceState service, boolean enabled);

    /**
     * Starts one child with the next generation and the given stress argument. The returned child
     * is not yet in the service's table: the policy adds and counts it.
     *
     * @throws SpawnException when no process could be created
     */
    ChildState spawn(ServiceState service, StressArgument stress) throws SpawnException;

    /** Sends a signal to one child, by pid. */
    void signal(ChildState child, int signal);

    /**
     * Restarts the service without a configuration reload: a new status channel replaces the old
     * one, so existing children finish what they are doing and exit (section 3.8).
     */
    void restart(ServiceState service);

    /**
     * Arms the service's timer of this kind, replacing one already armed: after the delay the
     * master calls {@link ProcessPolicy#timerExpired} of the policy then in place.
     */
    void schedule(ServiceState service, TimerKind kind, long delayMillis);

    /** Disarms the service's timer of this kind (a no-op when none is armed). */
    void cancel(ServiceState service, TimerKind kind);

    /** The service whose table holds this pid, or null: for telling a foreign pid from an unknown one. */
    ServiceState ownerOf(int pid);

    /** Logs a Postfix warning (the text without the {@code warning: } prefix). */
    void warning(String message);

    /** Logs a Postfix informational message. */
    void info(String message);

    /** Tells operators (JMX notification) that something happened to the service. */
    void event(ServiceState service, ServiceEvent event, String message);
}
