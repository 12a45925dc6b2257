package org.jmaster.api.spi.policy;

import org.jmaster.api.ExitStatus;
import org.jmaster.api.postfix.StatusRecord;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The process creation policy: Postfix's {@code master_avail.c} and the decisions of
 * {@code master_spawn.c}, {@code master_status.c} and {@code master_service.c}.
 *
 * <p>The policy keeps no state of its own: everything it knows of a service lives in the
 * {@link ServiceState} it is given, its timers are the master's (keyed by service and
 * {@link TimerKind}), and everything it does to the world goes through the {@link PolicyContext}.
 * Any policy instance can therefore take over a service from another: the master calls
 * {@link #availListen} for each service and routes the running timers to the new instance.
 *
 * <p>Threads: every method is called on the event-loop thread only.
 *
 * <p>Errors: a state the policy itself must never reach (a second "available" for the same
 * process, a spawn at the limit, a reaped pid it never spawned) is an
 * {@link IllegalStateException} with Postfix's panic text. Anything a child says is gossip: it is
 * warned about and ignored.
 */
@ProviderType
public interface ProcessPolicy {
    /**
     * R14: the listen backlog of a service, {@code max(processLimit, defaultProcessLimit)}.
     */
    int listenBacklog(int processLimit, int defaultProcessLimit);

    /**
     * R1-R5: decides whether the listen sockets are watched and tells the context when that
     * changes; logs the process-limit warning (rate-limited). Called on start, restart, when this
     * policy takes a service over, and after anything the master changes outside the policy (a
     * process limit written by an operator).
     */
    void availListen(ServiceState service, PolicyContext context);

    /**
     * R6-R11: a listen socket is readable while the policy listens, so a client waits and nobody
     * idle watches: decide on stress mode and spawn one child.
     */
    void listenReady(ServiceState service, PolicyContext context);

    /** Section 4: a 12-byte record arrived on the service's status channel. */
    void statusUpdate(ServiceState service, StatusRecord record, PolicyContext context);

    /**
     * Section 4: fewer than 12 bytes arrived; they are warned about and discarded.
     *
     * @param bytes what was read
     * @param length how many bytes of {@code bytes} were read (1 to 11)
     */
    void partialStatus(ServiceState service, byte[] bytes, int length, PolicyContext context);

    /** Section 3.5: a child of this service was reaped (or stopped). */
    void childExited(ServiceState service, int pid, ExitStatus status, PolicyContext context);

    /**
     * Section 3.6: suspends process creation for the service's throttle delay. Does nothing when
     * the service is already throttled: no second timer, no second message.
     */
    void throttle(ServiceState service, PolicyContext context);

    /**
     * An operator's throttle: suspends process creation for this long, replacing the end of any
     * throttle in force.
     */
    void throttleFor(ServiceState service, long millis, PolicyContext context);

    /** Section 3.6: lifts a throttle (a no-op when not throttled). */
    void unthrottle(ServiceState service, PolicyContext context);

    /**
     * Section 3.7, bounded: stops process creation and sends SIGTERM to every child; the cleanup
     * ends (the service is no longer {@link ServiceState#isCleaning() cleaning}) when all are
     * reaped. Children still alive after the service's stop timeout get SIGKILL and a warning
     * names them. Deaths during a cleanup are not bad start-ups. With no child, nothing happens.
     */
    void cleanup(ServiceState service, PolicyContext context);

    /** A timer this or another policy instance scheduled for the service is due. */
    void timerExpired(ServiceState service, TimerKind kind, PolicyContext context);
}
