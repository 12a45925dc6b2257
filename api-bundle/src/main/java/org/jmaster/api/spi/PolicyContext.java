package org.jmaster.api.spi;

import org.jmaster.api.ChildProcess;
import org.jmaster.api.ServiceEvent;
import org.jmaster.api.ServiceRuntime;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The policy's only way to act on the world, implemented by the master, which forwards to the
 * {@link Listener}, the {@link Spawner} and the {@link Clock}. Everything is called on the
 * event-loop thread.
 */
@ConsumerType
public interface PolicyContext {
    /** Now, from the master's clock. */
    long now();

    /** Enables or disables read events on every listen socket of the service (R5). */
    void listen(ServiceRuntime service, boolean enabled);

    /**
     * Starts one child with the next generation and the given stress argument. The returned child
     * is not yet in the service's table: the policy adds and counts it.
     *
     * @throws SpawnException when no process could be created
     */
    ChildProcess spawn(ServiceRuntime service, StressArgument stress) throws SpawnException;

    /** Sends a signal to one child, by pid. */
    void signal(ChildProcess child, int signal);

    /**
     * Restarts the service without a configuration reload: a new status channel replaces the old
     * one, so existing children finish what they are doing and exit (section 3.8).
     */
    void restart(ServiceRuntime service);

    /** Runs the task on the event loop after the delay. */
    Timer schedule(long delayMillis, Runnable task);

    /** The service whose table holds this pid, or null: for telling a foreign pid from an unknown one. */
    ServiceRuntime ownerOf(int pid);

    /** Logs a Postfix warning (the text without the {@code warning: } prefix). */
    void warning(String message);

    /** Logs a Postfix informational message. */
    void info(String message);

    /** Tells operators (JMX notification) that something happened to the service. */
    void event(ServiceRuntime service, ServiceEvent event, String message);
}
