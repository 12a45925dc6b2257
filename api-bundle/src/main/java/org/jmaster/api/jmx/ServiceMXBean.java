package org.jmaster.api.jmx;

import java.util.List;
import javax.management.MBeanException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One supervised service: {@code org.jmaster:type=Service,name="<service>/<type>"}, for example
 * {@code org.jmaster:type=Service,name="127.0.0.1:10025/inet"}.
 *
 * <p>Notifications (user data: a {@code CompositeData} with the service, the time, the event, a
 * message and the process counts): {@link #THROTTLED}, {@link #UNTHROTTLED},
 * {@link #LIMIT_REACHED}, {@link #STRESS_STARTED}, {@link #RESTARTED}, {@link #CLEANUP},
 * {@link #BAD_STARTUP}, and {@code jmx.attribute.change} for {@code ProcessLimit}.
 */
@ProviderType
@Description("A supervised service: a master.cf line, its listen sockets and its child processes.")
public interface ServiceMXBean {
    /** The JMX domain of jmaster's MBeans. */
    String DOMAIN = "org.jmaster";
    /** Process creation was suspended. */
    String THROTTLED = "org.jmaster.service.throttled";
    /** Process creation resumed. */
    String UNTHROTTLED = "org.jmaster.service.unthrottled";
    /** At the process limit with no idle child (at most once per 1000 s). */
    String LIMIT_REACHED = "org.jmaster.service.limit.reached";
    /** A spawn took the last slot of a stress-eligible service: stress mode for 1000 s. */
    String STRESS_STARTED = "org.jmaster.service.stress.started";
    /** The status channel was replaced: the children finish their request and exit. */
    String RESTARTED = "org.jmaster.service.restarted";
    /** Every child was terminated. */
    String CLEANUP = "org.jmaster.service.cleanup";
    /** A child died before completing a request: the command is broken; the service is throttled. */
    String BAD_STARTUP = "org.jmaster.process.bad.startup";

    @Description("The service name as written in master.cf column 1.")
    String getName();

    @Description("The transport type: inet, unix, unix-dgram, fifo or pass.")
    String getType();

    @Description("Where the service listens: addresses for inet, socket paths otherwise.")
    String[] getEndpoints();

    @Description("The command and its arguments as configured, without the flags the master adds.")
    String[] getCommand();

    @Description("The process limit, 0 for unlimited. Writing it (1 or more; not for a service configured with"
            + " maxproc 0 or 1) resizes the service at once; the next reload puts the configured value back.")
    int getProcessLimit();

    /** Resizes the process limit at once; the next reload puts the configured value back (described on the getter). */
    void setProcessLimit(int limit) throws MBeanException;

    @Description("Child processes alive.")
    int getTotalProcesses();

    @Description("Child processes idle, waiting for a client.")
    int getAvailableProcesses();

    @Description("True while the master watches the listen sockets: not throttled, no child idle, below the"
            + " process limit.")
    boolean isListening();

    @Description("True while process creation is suspended; clients wait in the listen queue.")
    boolean isThrottled();

    @Description("Seconds until the throttle ends, 0 when not throttled.")
    long getThrottleRemainingSeconds();

    @Description("True while new children get -o stress=yes (1000 s after a spawn took the last slot).")
    boolean isStressMode();

    @Description("Children created since the service started.")
    long getProcessesSpawned();

    @Description("Requests completed by all children: their TAKEN to AVAIL transitions.")
    long getRequestsCompleted();

    @Description("Children that died before completing a request.")
    long getBadStartups();

    @Description("Times the service was throttled.")
    long getThrottleCount();

    @Description("Times the service reached its process limit with no idle child.")
    long getLimitReachedCount();

    @Description("The live children: pid, generation, state, use count, start time.")
    List<ProcessInfo> getProcesses();

    @Description("Suspends process creation for service_throttle_time; clients wait in the listen queue.")
    void throttle() throws MBeanException;

    @Description("Suspends process creation for the given time; clients wait in the listen queue.")
    void throttle(@Description("How long, in seconds (1 to 86400, a day).") int seconds) throws MBeanException;

    @Description("Resumes process creation now.")
    void unthrottle() throws MBeanException;

    @Description("Recycles the children gracefully: each finishes its current request and exits; new"
            + " clients get new children. The listen sockets stay open.")
    void restart() throws MBeanException;

    @Description("Terminates every child: SIGTERM, then SIGKILL for those alive after stop_timeout. The"
            + " service stays configured and serves the next client with a new child.")
    void cleanup() throws MBeanException;
}
