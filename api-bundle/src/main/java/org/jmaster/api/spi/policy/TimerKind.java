package org.jmaster.api.spi.policy;

/**
 * The timers a policy asks for, one of each kind per service at most: Postfix keys its timers
 * by callback and service ({@code event_request_timer(master_unthrottle_wrapper, serv, delay)}),
 * not by a handle. The master owns them, so a new policy instance finds them still running.
 */
public enum TimerKind {
    /** The throttle ends ({@code master_unthrottle}). */
    THROTTLE,
    /** A cleanup's stop timeout is over: SIGKILL for the children still alive. */
    CLEANUP
}
