package org.jmaster.api.jmx;

import java.util.List;
import javax.management.MBeanException;

/**
 * One supervised service: {@code org.jmaster:type=Service,name="<service>/<type>"}.
 */
public interface ServiceMXBean {
    /** The JMX domain of jmaster's MBeans. */
    String DOMAIN = "org.jmaster";

    /** The service name as written in master.cf column 1. */
    String getName();

    /** The transport type: inet, unix, unix-dgram, fifo or pass. */
    String getType();

    /** The listen endpoints: addresses for inet, socket paths otherwise. */
    String[] getEndpoints();

    /** The command and its arguments as configured, without the flags the master adds. */
    String[] getCommand();

    /** The process limit, 0 for unlimited. */
    int getProcessLimit();

    /** Resizes the process limit now; the next reload restores the configured value. */
    void setProcessLimit(int limit) throws MBeanException;

    /** Children alive. */
    int getTotalProcesses();

    /** Children idle. */
    int getAvailableProcesses();

    /** The master watches the listen sockets (no child idle, below the limit, not throttled). */
    boolean isListening();

    /** Process creation is suspended. */
    boolean isThrottled();

    /** Seconds until the throttle ends, 0 when not throttled. */
    long getThrottleRemainingSeconds();

    /** New children get {@code -o stress=yes}. */
    boolean isStressMode();

    /** Children created since the service started. */
    long getProcessesSpawned();

    /** Requests completed: TAKEN to AVAIL transitions. */
    long getRequestsCompleted();

    /** Children that died before completing a request. */
    long getBadStartups();

    /** Times the service was throttled. */
    long getThrottleCount();

    /** Times the service reached its process limit with no idle child. */
    long getLimitReachedCount();

    /** The live children. */
    List<ProcessInfo> getProcesses();

    /** Suspends process creation for service_throttle_time. */
    void throttle() throws MBeanException;

    /** Suspends process creation for this many seconds. */
    void throttle(int seconds) throws MBeanException;

    /** Resumes process creation. */
    void unthrottle() throws MBeanException;

    /** Recycles the children gracefully: they finish their current request and exit. */
    void restart() throws MBeanException;

    /** Terminates every child (SIGTERM, then SIGKILL after stop_timeout); the service keeps serving. */
    void cleanup() throws MBeanException;
}
