package org.jmaster.api.spi.policy;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.ServiceSnapshot;

/**
 * What the master knows of one running service: the runtime fields of Postfix's
 * {@code MASTER_SERV}, plus counters for operators.
 *
 * <p>Ownership, as in Postfix: the master creates it and sets the wiring fields (definition, path,
 * local-only, process limit, throttle delay, stop timeout); the policy alone changes the process
 * counts, the flags, the times and the child table, and only on the event-loop thread. Every
 * field is readable from any thread (JMX), each read being a snapshot of one field; other
 * bundles get {@link #snapshot} copies. The channels and timers of a service are the master's and
 * not here.
 *
 * <p>Times are milliseconds of the master's clock ({@link PolicyContext#now()}); {@link #NEVER} is
 * a time so far in the past that "more than 1000 s ago" holds for it, like Postfix's initial 0.
 */
public final class ServiceState {
    /** A time in the distant past: never warned, never in stress, not throttled. */
    public static final long NEVER = Long.MIN_VALUE / 4;

    private final String canonicalName;
    private final Instant started = Instant.now();
    private volatile ServiceDefinition definition;
    private volatile String path;
    private volatile boolean localOnly;
    private volatile int processLimit;
    private volatile long throttleDelayMillis = 60_000;
    private volatile long stopTimeoutMillis = 5_000;

    private volatile boolean throttled;
    private volatile boolean listening;
    private volatile boolean cleaning;
    private volatile boolean atLimit;
    private volatile long throttleExpireTime = NEVER;
    private volatile long busyWarnTime = NEVER;
    private volatile long limitNoticeTime = NEVER;
    private volatile long stressExpireTime = NEVER;
    private volatile int availProcesses;
    private volatile int totalProcesses;
    private final Map<Integer, ChildState> children = new ConcurrentHashMap<>();

    private volatile long processesSpawned;
    private volatile long requestsCompleted;
    private volatile long badStartups;
    private volatile long throttleCount;
    private volatile long limitReachedCount;

    /**
     * A service that has no children yet.
     *
     * @param canonicalName the endpoint name that, with the type, identifies the service (Postfix's
     *     {@code name}: {@code "25"} for {@code smtp inet}, {@code "private/foo"} for {@code foo unix})
     * @param definition its master.cf line
     * @param path the executable: daemon_directory/command, or the command when absolute
     */
    public ServiceState(String canonicalName, ServiceDefinition definition, String path) {
        this.canonicalName = canonicalName;
        setDefinition(definition, path);
    }

    /** When the service was started (wall clock, for operators). */
    public Instant started() {
        return started;
    }

    /** Postfix's {@code name}: the canonical endpoint name. */
    public String canonicalName() {
        return canonicalName;
    }

    /** Postfix's {@code ext_name}: the service name as written. */
    public String name() {
        return definition.name();
    }

    /** The master.cf line in force. */
    public ServiceDefinition definition() {
        return definition;
    }

    /** The executable children run. */
    public String path() {
        return path;
    }

    /**
     * Master only: a new definition on reload. Takes its process limit too; everything else (the
     * children, the throttle, the busy-warning and stress times) is kept, as Postfix does.
     */
    public void setDefinition(ServiceDefinition definition, String path) {
        this.definition = definition;
        this.path = path;
        this.processLimit = definition.processLimit();
    }

    /** Every listen address is local (unix, fifo, loopback inet): no stress mode for this service. */
    public boolean isLocalOnly() {
        return localOnly;
    }

    /** Master only, once the endpoints are known. */
    public void setLocalOnly(boolean localOnly) {
        this.localOnly = localOnly;
    }

    /** The process limit in force, 0 for unlimited. */
    public int processLimit() {
        return processLimit;
    }

    /** Master only: a runtime resize; the next reload puts the configured value back. */
    public void setProcessLimit(int processLimit) {
        if (processLimit < 0) {
            throw new IllegalArgumentException("process limit must be 0 (unlimited) or more: " + processLimit);
        }
        this.processLimit = processLimit;
    }

    /** Postfix's {@code MASTER_LIMIT_OK}: the limit allows {@code count} processes to exist. */
    public boolean limitAllows(int count) {
        int limit = processLimit;
        return limit == 0 || count < limit;
    }

    /** How long a throttle lasts: {@code service_throttle_time}. */
    public long throttleDelayMillis() {
        return throttleDelayMillis;
    }

    /** Master only. */
    public void setThrottleDelayMillis(long millis) {
        this.throttleDelayMillis = Math.max(1000, millis);
    }

    /** How long a cleanup waits after SIGTERM before SIGKILL: {@code stop_timeout}. */
    public long stopTimeoutMillis() {
        return stopTimeoutMillis;
    }

    /** Master only. */
    public void setStopTimeoutMillis(long millis) {
        this.stopTimeoutMillis = Math.max(0, millis);
    }

    /** Process creation is suspended until {@link #throttleExpireTime()}. */
    public boolean isThrottled() {
        return throttled;
    }

    /** When the current throttle ends; meaningless unless throttled. */
    public long throttleExpireTime() {
        return throttleExpireTime;
    }

    /** Policy only: throttled until this time, or not throttled. */
    public void setThrottled(boolean throttled, long expireTime) {
        this.throttled = throttled;
        this.throttleExpireTime = throttled ? expireTime : NEVER;
    }

    /** The master watches the listen sockets ({@code MASTER_FLAG_LISTEN}). */
    public boolean isListening() {
        return listening;
    }

    /** Policy only. */
    public void setListening(boolean listening) {
        this.listening = listening;
    }

    /** A cleanup is terminating every child; no process is created until it ends. */
    public boolean isCleaning() {
        return cleaning;
    }

    /** Policy only. */
    public void setCleaning(boolean cleaning) {
        this.cleaning = cleaning;
    }

    /** The policy last found the service at its limit with no idle child. */
    public boolean isAtLimit() {
        return atLimit;
    }

    /** Policy only. */
    public void setAtLimit(boolean atLimit) {
        this.atLimit = atLimit;
    }

    /** When the process-limit warning was last logged ({@code busy_warn_time}). */
    public long busyWarnTime() {
        return busyWarnTime;
    }

    /** Policy only. */
    public void setBusyWarnTime(long time) {
        this.busyWarnTime = time;
    }

    /** When the limit-reached notice was last given to operators. */
    public long limitNoticeTime() {
        return limitNoticeTime;
    }

    /** Policy only. */
    public void setLimitNoticeTime(long time) {
        this.limitNoticeTime = time;
    }

    /** Stress mode is on while the clock is before this time ({@code stress_expire_time}). */
    public long stressExpireTime() {
        return stressExpireTime;
    }

    /** Policy only. */
    public void setStressExpireTime(long time) {
        this.stressExpireTime = time;
    }

    /** Children the master believes idle ({@code avail_proc}). */
    public int availableProcesses() {
        return availProcesses;
    }

    /** Children alive: spawned and not yet reaped ({@code total_proc}). */
    public int totalProcesses() {
        return totalProcesses;
    }

    /** Policy only. */
    public void setProcessCounts(int available, int total) {
        this.availProcesses = available;
        this.totalProcesses = total;
    }

    /** The child with this pid, or null. */
    public ChildState child(int pid) {
        return children.get(pid);
    }

    /** The live children, a read-only view. */
    public Collection<ChildState> children() {
        return Collections.unmodifiableCollection(children.values());
    }

    /** Policy only: a new child enters the table. */
    public void addChild(ChildState child) {
        if (children.putIfAbsent(child.pid(), child) != null) {
            throw new IllegalStateException("pid " + child.pid() + " is already a child of " + name());
        }
    }

    /** Policy only: a reaped child leaves the table. */
    public ChildState removeChild(int pid) {
        return children.remove(pid);
    }

    /** Children created since the service started. */
    public long processesSpawned() {
        return processesSpawned;
    }

    /** Completed requests: TAKEN to AVAIL transitions, summed over every child. */
    public long requestsCompleted() {
        return requestsCompleted;
    }

    /** Children that died before completing one request. */
    public long badStartups() {
        return badStartups;
    }

    /** Times the service was throttled. */
    public long throttleCount() {
        return throttleCount;
    }

    /** Times the service reached its process limit with no idle child. */
    public long limitReachedCount() {
        return limitReachedCount;
    }

    /** Policy only. */
    public void countSpawn() {
        processesSpawned++;
    }

    /** Policy only. */
    public void countRequest() {
        requestsCompleted++;
    }

    /** Policy only. */
    public void countBadStartup() {
        badStartups++;
    }

    /** Policy only. */
    public void countThrottle() {
        throttleCount++;
    }

    /** Policy only. */
    public void countLimitReached() {
        limitReachedCount++;
    }

    /**
     * An immutable copy, for other bundles.
     *
     * @param now the master's clock, for the time left of a throttle and stress mode
     * @param endpoints where the service listens, which the master knows
     */
    public ServiceSnapshot snapshot(long now, List<String> endpoints) {
        return new ServiceSnapshot(canonicalName, started, definition, path, endpoints, processLimit, totalProcesses,
                availProcesses, listening, throttled, throttled ? Math.max(0, throttleExpireTime - now) : 0,
                stressExpireTime > now, processesSpawned, requestsCompleted, badStartups, throttleCount,
                limitReachedCount, children.values().stream().sorted(Comparator.comparingLong(ChildState::generation))
                        .map(ChildState::snapshot).toList());
    }

    /** {@code <ext_name>(<name>)}, the way Postfix names a service in its messages. */
    @Override
    public String toString() {
        return name() + "(" + canonicalName + ")";
    }
}
