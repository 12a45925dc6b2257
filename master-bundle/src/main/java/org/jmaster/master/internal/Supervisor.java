package org.jmaster.master.internal;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jmaster.api.ChildProcess;
import org.jmaster.api.ExitStatus;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceEvent;
import org.jmaster.api.ServiceRuntime;
import org.jmaster.api.StatusRecord;
import org.jmaster.api.spi.Clock;
import org.jmaster.api.spi.Listener;
import org.jmaster.api.spi.ListenerEvents;
import org.jmaster.api.spi.PolicyContext;
import org.jmaster.api.spi.ProcessPolicy;
import org.jmaster.api.spi.SpawnException;
import org.jmaster.api.spi.Spawner;
import org.jmaster.api.spi.StressArgument;
import org.jmaster.api.spi.Timer;

/**
 * NAME
 *     Supervisor - where the master's state is changed, and by whom (Postfix master.c)
 * SUMMARY
 *     setPolicy/unsetPolicy, setListener/unsetListener, setSpawner/unsetSpawner   collaborators come and go
 *     submit(task)                     run a task on the event loop, when it can run
 *     PolicyContext, ListenerEvents    the policy's and the listener's view of the master
 * DESCRIPTION
 *     Every change of a service's state happens under one lock, on the listener's event-loop
 *     thread: listener events arrive there, and everything else (configuration, reaped children,
 *     operator requests) is submitted to an inbox that the loop drains. The lock only matters
 *     while collaborators are replaced; in steady state one thread takes it.
 *
 *     The master keeps every service's state and channels itself, so the policy, the listener and
 *     the spawner can each be replaced while services keep their sockets:
 *     - without a policy or a listener nothing is watched; the inbox keeps what arrives (reaped
 *       children among it), clients wait in the kernel's backlog, records in the status sockets;
 *     - when both are back, the listener watches every service again and the policy adopts each
 *       (re-arming its timers), then the inbox is drained;
 *     - without a spawner no listen socket is watched, and every service is restarted so that
 *       the children finish their request and exit: the departing spawner reaps them;
 *     - the generation counter survives every replacement.
 * SEE ALSO
 *     Services, for what is done to services.
 */
final class Supervisor implements PolicyContext, ListenerEvents {
    static final Logger LOG = Logger.getLogger("org.jmaster.master");
    /** The version operators see in start-up and reload messages. */
    static final String VERSION = versionOf(Supervisor.class);

    final Object lock = new Object();
    final Services services;
    private final Queue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final Set<TrackedTimer> timers = new HashSet<>();
    /** Deaths reported by the spawner and not yet handled on the loop, by pid. */
    private final Map<Integer, ExitStatus> deaths = new java.util.concurrent.ConcurrentHashMap<>();
    private final Clock clock;
    private volatile Observer observer = new Observer() {
    };
    private volatile ProcessPolicy policy;
    private volatile Listener listener;
    private volatile Spawner spawner;
    private volatile MasterSettings settings;
    private volatile long generation;
    private boolean watching;
    private boolean closed;

    /** Told what happens to services (the JMX face), on the loop with the lock held. */
    interface Observer {
        default void added(ServiceRuntime service) {
        }

        default void removed(ServiceRuntime service) {
        }

        default void event(ServiceRuntime service, ServiceEvent event, String message) {
        }

        default void processLimitChanged(ServiceRuntime service, int old, int now) {
        }
    }

    /** A policy timer the master can cancel when the policy or the listener goes away. */
    private final class TrackedTimer implements Timer, Runnable {
        private final Runnable task;
        private Timer inner;
        private boolean cancelled;

        TrackedTimer(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            synchronized (lock) {
                timers.remove(this);
                if (!cancelled && watching) {
                    cancelled = true;
                    task.run();
                }
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            timers.remove(this);
            inner.cancel();
        }
    }

    Supervisor(MasterSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.services = new Services(this);
    }

    ProcessPolicy policy() {
        return policy;
    }

    Listener listener() {
        return listener;
    }

    MasterSettings settings() {
        return settings;
    }

    /** Reads master.cf and starts its services: the master's start-up. Loop thread, lock held. */
    void load() {
        services.reload();
    }

    /**
     * Postfix's reload (section 6.5): takes the requested settings, except those that cannot
     * change while running (queue_directory, config_directory, inet_protocols, inet_interfaces),
     * which keep their value with Postfix's warnings; then reloads the services. Loop thread,
     * lock held.
     */
    void reload(MasterSettings requested) {
        info("reload -- version " + VERSION + ", configuration " + requested.configDirectory());
        MasterSettings current = settings;
        MasterSettings next = requested;
        Map<String, String[]> fixed = new LinkedHashMap<>();
        fixed.put("config_directory", new String[] {current.configDirectory(), requested.configDirectory()});
        fixed.put("queue_directory", new String[] {current.queueDirectory().toString(),
            requested.queueDirectory().toString()});
        fixed.put("inet_protocols", new String[] {String.join(", ", current.inetProtocols()),
            String.join(", ", requested.inetProtocols())});
        for (Map.Entry<String, String[]> parameter : fixed.entrySet()) {
            String[] values = parameter.getValue();
            if (!values[0].equals(values[1])) {
                warning("ignoring " + parameter.getKey() + " parameter value change");
                warning("old value: \"" + values[0] + "\", new value: \"" + values[1] + "\"");
                warning("to change " + parameter.getKey() + ", stop and start jmaster");
                next = next.with(parameter.getKey(), current);
            }
        }
        if (!current.inetInterfaces().equals(requested.inetInterfaces())) {
            for (ServiceRuntime service : services.inetWithoutHost()) {
                warning("service " + service.name() + ": ignoring inet_interfaces change");
                warning("to change inet_interfaces, stop and start jmaster");
            }
            next = next.with("inet_interfaces", current);
        }
        settings = next;
        services.reload();
    }

    long generation() {
        return generation;
    }

    void setObserver(Observer observer) {
        this.observer = observer;
    }

    Observer observer() {
        return observer;
    }

    /**
     * Runs the task on the event loop and waits for its result.
     *
     * @throws IllegalStateException when the master cannot act now (no policy or listener)
     * @throws java.util.concurrent.ExecutionException with what the task threw
     * @throws java.util.concurrent.TimeoutException when it did not run within the time
     */
    <T> T call(java.util.concurrent.Callable<T> task, long millis) throws Exception {
        if (!canRun()) {
            throw new IllegalStateException("the master cannot act now: its policy or listener bundle is not active");
        }
        java.util.concurrent.CompletableFuture<T> result = new java.util.concurrent.CompletableFuture<>();
        submit(() -> {
            try {
                result.complete(task.call());
            } catch (Exception | LinkageError e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    // ---- collaborators, on DS threads

    void setPolicy(ProcessPolicy p) {
        synchronized (lock) {
            stopWatching();
            policy = p;
        }
        arrived("policy", p);
        kick();
    }

    void unsetPolicy(ProcessPolicy p) {
        synchronized (lock) {
            if (policy == p) {
                stopWatching();
                policy = null;
                left("policy");
            }
        }
    }

    void setListener(Listener l) {
        synchronized (lock) {
            stopWatching();
            listener = l;
        }
        arrived("listener", l);
        kick();
    }

    void unsetListener(Listener l) {
        synchronized (lock) {
            if (listener == l) {
                stopWatching();
                listener = null;
                left("listener");
            }
        }
    }

    private void left(String what) {
        if (!closed) {
            LOG.info("the " + what + " left: services keep their sockets; clients wait until it is back");
        }
    }

    private void arrived(String what, Object component) {
        LOG.info("the " + what + " arrived: " + component.getClass().getName() + " from bundle "
                + bundleOf(component.getClass()));
    }

    private static String bundleOf(Class<?> type) {
        org.osgi.framework.Bundle bundle = org.osgi.framework.FrameworkUtil.getBundle(type);
        return bundle == null ? "(none)" : bundle.getSymbolicName() + " " + bundle.getVersion() + " #" + bundle.getBundleId();
    }

    /**
     * A spawner arrived. Children of a previous one (when the new one replaces it before it left)
     * are retired: only their own spawner can reap them.
     */
    void setSpawner(Spawner s) {
        Spawner previous;
        synchronized (lock) {
            previous = spawner;
            spawner = s;
        }
        arrived("spawner", s);
        submit(previous == null ? services::applyListening : services::retireChildren);
    }

    /** The spawner is leaving: its children finish their request and exit, and it reaps them. */
    void unsetSpawner(Spawner s) {
        synchronized (lock) {
            if (spawner != s) {
                return;
            }
            spawner = null;
            if (!closed) {
                LOG.info("the spawner left: its children finish their request and exit; clients wait until a spawner"
                        + " is back");
            }
        }
        submit(services::retireChildren);
    }

    // ---- running tasks on the loop

    /** Runs the task on the event loop, now if it can run, else when policy and listener are back. */
    void submit(Runnable task) {
        inbox.add(task);
        kick();
    }

    private void kick() {
        Listener l = listener;
        if (l != null) {
            l.execute(this::drain);
        }
    }

    private void drain() {
        synchronized (lock) {
            if (closed || policy == null || listener == null) {
                return;
            }
            if (!watching) {
                startWatching();
            }
            Runnable task;
            while ((task = inbox.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.SEVERE, "master task failed: " + e, e);
                }
            }
        }
    }

    /** A spawner is bound: children can be started and reaped. */
    boolean hasSpawner() {
        return spawner != null;
    }

    /** True when a task submitted now can run (policy and listener present). */
    boolean canRun() {
        return policy != null && listener != null && !closed;
    }

    private void startWatching() {
        for (ServiceRuntime service : services.runtimes()) {
            if (services.isRetiring()) {
                policy.adopt(service, this); // its cleanup timers; the closed channels stay unwatched
                continue;
            }
            listener.watch(service, this);
            policy.adopt(service, this);
            listener.setListening(service, service.isListening() && spawner != null);
        }
        watching = true;
        services.rearmTimers();
    }

    private void stopWatching() {
        if (!watching) {
            return;
        }
        watching = false;
        for (TrackedTimer timer : List.copyOf(timers)) {
            timer.cancel();
        }
        for (ServiceRuntime service : services.runtimes()) {
            listener.unwatch(service);
        }
    }

    /** Stops everything: no task runs after this. Channels are closed by the caller. */
    void close() {
        synchronized (lock) {
            if (listener != null) {
                stopWatching();
            }
            closed = true;
        }
    }

    // ---- ListenerEvents, on the loop thread

    @Override
    public void listenReady(ServiceRuntime service) {
        synchronized (lock) {
            if (watching && spawner != null && services.isCurrent(service) && !services.isRetiring()) {
                policy.listenReady(service, this);
            } else if (listener != null) {
                listener.setListening(service, false); // readiness is level-triggered: stop it
            }
        }
    }

    @Override
    public void statusRecord(ServiceRuntime service, StatusRecord record) {
        synchronized (lock) {
            if (!watching) {
                if (!closed) {
                    submit(() -> statusRecord(service, record)); // read just before the policy left
                }
            } else if (services.isCurrent(service)) {
                policy.statusUpdate(service, record, this);
            }
        }
    }

    @Override
    public void partialStatus(ServiceRuntime service, byte[] bytes, int length) {
        synchronized (lock) {
            if (watching && services.isCurrent(service)) {
                policy.partialStatus(service, bytes, length, this);
            }
        }
    }

    @Override
    public void statusFailure(ServiceRuntime service, String message) {
        warning("service " + service + ": " + message);
    }

    /** A reaped child's death, on the loop: unless it was handled already (pid reuse, see spawn). */
    private void reaped(int pid) {
        ExitStatus status = deaths.remove(pid);
        ServiceRuntime owner = status == null ? null : services.ownerOf(pid);
        if (owner != null) {
            policy.childExited(owner, pid, status, this);
        }
    }

    // ---- PolicyContext, on the loop thread

    @Override
    public long now() {
        return clock.millis();
    }

    @Override
    public void listen(ServiceRuntime service, boolean enabled) {
        Listener l = listener;
        if (l != null) {
            l.setListening(service, enabled && spawner != null);
        }
    }

    /**
     * Spawns through the spawner. Its deaths are keyed by pid until the loop handles them; when
     * the kernel gives the new child the pid of one whose death is still queued (pid reuse), that
     * death is handled first, so that the table never holds two records for one pid.
     */
    @Override
    public ChildProcess spawn(ServiceRuntime service, StressArgument stress) throws SpawnException {
        long next = (generation + 1) & 0xFFFF_FFFFL;
        generation = next;
        Spawner s = spawner;
        if (s == null) {
            throw new SpawnException("fork: no spawner");
        }
        ChildProcess child;
        try {
            child = s.spawn(service, settings, next, stress, (pid, status) -> {
                deaths.put(pid, status);
                submit(() -> reaped(pid));
            });
        } catch (RuntimeException | LinkageError e) {
            throw new SpawnException("fork: " + e);
        }
        ServiceRuntime stale = services.ownerOf(child.pid());
        if (stale != null && deaths.containsKey(child.pid())) {
            policy.childExited(stale, child.pid(), deaths.remove(child.pid()), this);
        }
        services.spawned(service);
        return child;
    }

    @Override
    public void signal(ChildProcess child, int signal) {
        Spawner s = spawner;
        if (s != null) {
            s.signal(child, signal);
        }
    }

    @Override
    public void restart(ServiceRuntime service) {
        services.restart(service);
    }

    @Override
    public Timer schedule(long delayMillis, Runnable task) {
        TrackedTimer timer = new TrackedTimer(task);
        timer.inner = listener.schedule(delayMillis, timer);
        timers.add(timer);
        return timer;
    }

    @Override
    public ServiceRuntime ownerOf(int pid) {
        return services.ownerOf(pid);
    }

    @Override
    public void warning(String message) {
        LOG.warning(message);
    }

    @Override
    public void info(String message) {
        LOG.info(message);
    }

    /** A configuration error: the entry or the value is refused. */
    void error(String message) {
        LOG.severe(message);
    }

    private static String versionOf(Class<?> type) {
        org.osgi.framework.Bundle bundle = org.osgi.framework.FrameworkUtil.getBundle(type);
        return bundle == null ? "development" : bundle.getVersion().toString();
    }

    @Override
    public void event(ServiceRuntime service, ServiceEvent event, String message) {
        LOG.fine(() -> event.notificationType() + ": " + message);
        observer.event(service, event, message);
        services.event(service, event);
    }
}
