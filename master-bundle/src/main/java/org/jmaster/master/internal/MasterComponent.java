package org.jmaster.master.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.jmaster.api.ExitStatus;
import org.jmaster.api.Master;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceSnapshot;
import org.jmaster.api.StressArgument;
import org.jmaster.api.jmx.MasterControls;
import org.jmaster.api.jmx.MasterMXBean;
import org.jmaster.api.jmx.ServiceMXBean;
import org.jmaster.api.postfix.ProcessState;
import org.jmaster.api.postfix.StatusRecord;
import org.jmaster.api.spi.loop.EventLoop;
import org.jmaster.api.spi.policy.ChildState;
import org.jmaster.api.spi.policy.ProcessPolicy;
import org.jmaster.api.spi.spawner.Spawner;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * NAME
 *     MasterComponent - the master as a DS component, configuration PID org.jmaster.master
 * DESCRIPTION
 *     Creates the Supervisor, offers its entry sink to the configuration sources, the objects
 *     behind its MBeans to the shell commands (MasterControls), and the Master service (reload,
 *     snapshots of the services) to other bundles; reads main.cf
 *     (PostfixConfig) and master_cf at start-up and at every reload, and reloads when
 *     org.jmaster.master changes (or master_cf, with master_cf_watch = yes). The policy, the event loop and the
 *     spawner are optional dynamic references, so that each of their bundles can be updated
 *     while the master keeps every service's sockets and state (Binding).
 *
 *     Going away (bundle or framework stop) is a Handover: every child is retired as by a reload
 *     (idle ones exit at once, busy ones after their request); those still alive after
 *     stop_timeout are cleaned up (SIGTERM, SIGKILL after stop_timeout). Meanwhile nothing
 *     starts. The listen sockets are then left to the loop for a while, so that clients wait in
 *     the backlog for the next master instead of being refused; every other channel is closed.
 *     Without a policy or a loop the sockets are closed.
 * DIAGNOSTICS
 *     A bad org.jmaster.master value is refused with a message naming the PID, the key and the
 *     value; the previous (or default) settings stay in force.
 */
@Component(service = {EntrySink.class, Master.class, MasterControls.class}, immediate = true,
        configurationPid = MasterSettings.PID)
@Designate(ocd = MasterMetatype.class)
public final class MasterComponent implements EntrySink, Master, MasterControls {
    private final Supervisor supervisor;
    private final Jmx jmx;
    /** The settings as configured; the supervisor keeps some of the old values until a restart. */
    private volatile MasterSettings requested;
    /** org.jmaster.master as ConfigAdmin has it: main.cf is read again from it at every reload. */
    private volatile Map<String, Object> properties;
    private final BundleContext context;
    /** The master's messages in the mail log: syslog, or postlog when maillog_file is set. */
    private final MailLog mailLog;
    private MasterCfWatch watch;
    /** Framework property: a fatal start-up error (strict_start) ends the JVM with status 1, as Postfix's master. */
    static final String FATAL_EXIT = "jmaster.fatal.exit";

    /** Starts the master with its configuration, and the services of its master.cf. */
    @Activate
    public MasterComponent(Map<String, Object> properties, BundleContext context) {
        preload();
        // first, as Postfix's master: what reading the configuration says goes to the mail log too
        mailLog = new MailLog(MasterSettings.defaults());
        Supervisor.LOG.addHandler(mailLog);
        try {
            this.properties = properties;
            this.context = context;
            String badSettings = null;
            MasterSettings first;
            try {
                first = MasterSettings.parse(PostfixConfig.merge(properties, Supervisor.LOG::warning));
            } catch (IllegalArgumentException | IOException e) {
                badSettings = MasterSettings.PID + ": " + e.getMessage();
                first = MasterSettings.defaults();
            }
            requested = first;
            mailLog.configure(requested);
            supervisor = new Supervisor(requested, Clock.SYSTEM);
            jmx = new Jmx(supervisor);
            supervisor.setObserver(jmx);
            jmx.start(new MasterControl(this, context));
            boolean exitOnFatal = Boolean.parseBoolean(context.getProperty(FATAL_EXIT));
            String refusal = badSettings;
            supervisor.inbox.submit(() -> start(exitOnFatal, refusal));
            watchMasterCf();
        } catch (RuntimeException | Error e) {
            // the logger is the JVM's: a failed activation leaves no handler behind
            Supervisor.LOG.removeHandler(mailLog);
            mailLog.close();
            throw e;
        }
    }

    /**
     * The first load. As Postfix's master, "daemon started" once every service listens. Settings
     * that cannot be read (a bad main.cf or org.jmaster.master value) are fatal, as a bad main.cf
     * is to Postfix's master, and in strict mode so is a refused line or service: logged as
     * Postfix's master words it and, in the distribution (jmaster.fatal.exit), the JVM exits with
     * status 1; elsewhere the master goes on with what it could read. Loop thread, lock held.
     *
     * @param badSettings why the settings could not be read, or null
     */
    private void start(boolean exitOnFatal, String badSettings) {
        List<String> refused = new ArrayList<>();
        if (badSettings != null) {
            refused.add(badSettings);
        }
        List<String> services = supervisor.load();
        if (supervisor.settings().strictStart()) {
            refused.addAll(services);
        }
        if (refused.isEmpty()) {
            Supervisor.LOG.info("daemon started -- version " + Supervisor.VERSION + ", configuration "
                    + supervisor.settings().configDirectory());
            return;
        }
        refused.forEach(why -> Supervisor.LOG.severe("fatal: " + why));
        if (exitOnFatal) {
            // not on this thread: the exit stops the framework, which waits for this component
            Thread exit = new Thread(() -> System.exit(1), "jmaster-fatal-exit");
            exit.start();
        } else {
            Supervisor.LOG.severe("the master goes on with what it could start (" + FATAL_EXIT
                    + " is not set, so the container keeps running)");
        }
    }

    /** A change of org.jmaster.master is a reload, as a change of main.cf followed by postfix reload. */
    @Modified
    void modified(Map<String, Object> properties) {
        MasterSettings next;
        synchronized (this) {
            this.properties = properties;
            next = reread();
        }
        supervisor.inbox.submit(() -> reloadWith(next));
        watchMasterCf();
    }

    /** Postfix's reload, then the mail log follows the settings taken ("reload --" is logged the old way, as Postfix). */
    private void reloadWith(MasterSettings next) {
        supervisor.reload(next);
        mailLog.configure(supervisor.settings());
    }

    /** A reload reads main.cf again, as Postfix's does: the settings as they are now. Any thread, one at a time. */
    private synchronized MasterSettings reread() {
        requested = settings(properties, requested);
        return requested;
    }

    private synchronized void watchMasterCf() {
        String file = requested.watchMasterCf() ? requested.masterCf() : "";
        if (watch != null && (file.isEmpty() || !watch.file().equals(Path.of(file).toAbsolutePath()))) {
            closeWatch();
        }
        if (watch == null && !file.isEmpty()) {
            try {
                watch = new MasterCfWatch(Path.of(file), () -> supervisor.inbox.submit(() -> reloadWith(reread())));
            } catch (IOException | RuntimeException e) {
                Supervisor.LOG.warning(file + ": cannot watch for changes: " + e + " -- reload to read it again");
            }
        }
    }

    private synchronized void closeWatch() {
        if (watch != null) {
            try {
                watch.close();
            } catch (IOException e) {
                Supervisor.LOG.fine("closing the master.cf watch: " + e);
            }
            watch = null;
        }
    }

    @Override
    public void reload() {
        try {
            MasterSettings next = reread();
            supervisor.inbox.call(() -> {
                reloadWith(next);
                return null;
            }, 30_000);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the reload did not finish within 30 s");
        } catch (ExecutionException e) {
            throw new IllegalStateException("the reload failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the reload", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<ServiceSnapshot> services() {
        return supervisor.snapshots();
    }

    @Override
    public long processGeneration() {
        return supervisor.context.generation();
    }

    @Override
    public MasterMXBean masterControl() {
        return jmx.master();
    }

    /**
     * The api classes of the first spawn, status record and exit, loaded and initialised now
     * rather than while the first client after a start waits (bench/RESULTS.md: each is read from
     * the api bundle's jar and verified on first use). The results are not needed.
     */
    private static void preload() {
        StressArgument.values();
        ProcessState.values();
        ExitStatus.Kind.values();
        StatusRecord.taken(0, 0);
        new ChildState(1, 0, Instant.EPOCH); // valid (a pid must be positive), and dropped
    }

    @Override
    public SortedMap<String, ServiceMXBean> serviceControls() {
        return jmx.controls();
    }

    private static MasterSettings settings(Map<String, Object> properties, MasterSettings fallback) {
        try {
            return MasterSettings.parse(PostfixConfig.merge(properties, Supervisor.LOG::warning));
        } catch (IllegalArgumentException | IOException e) {
            Supervisor.LOG.severe(MasterSettings.PID + ": " + e.getMessage() + " -- keeping the settings in force");
            return fallback;
        }
    }

    /**
     * Bundle stopped or updated: retires every child and waits up to stop_timeout for them to
     * finish, cleans up what is left, then leaves the listen sockets to the loop for the next
     * master. The framework stopping (SIGTERM, postfix stop, bin/jmaster stop) is Postfix's
     * master's SIGTERM instead: every child is sent SIGTERM at once; jmaster then waits for them
     * to exit (SIGKILL after stop_timeout) where Postfix's master exits without waiting.
     */
    @Deactivate
    public void deactivate() throws InterruptedException {
        closeWatch();
        if (supervisor.binding.canRun()) {
            long stopTimeout = supervisor.settings().stopTimeout().toMillis();
            if (!frameworkStopping()) {
                supervisor.inbox.submit(supervisor.handover::retireAll);
                waitWhile(stopTimeout, () -> supervisor.binding.hasSpawner() && supervisor.table.processes() > 0);
            }
            supervisor.inbox.submit(supervisor.entries::removeAll);
            waitWhile(stopTimeout + 3000, () -> !supervisor.table.isEmpty());
        }
        synchronized (supervisor.lock) {
            supervisor.binding.close();
            supervisor.handover.closeAll();
        }
        jmx.stop();
        // the logger is the JVM's: a handler left behind would log twice and keep this bundle's classes
        Supervisor.LOG.removeHandler(mailLog);
        mailLog.close();
    }

    private boolean frameworkStopping() {
        try {
            return context.getBundle(0).getState() == Bundle.STOPPING;
        } catch (IllegalStateException e) {
            return true; // the context is no longer valid: the framework is going
        }
    }

    /** Waits at most millis while the master can run and the condition, read under its lock, holds. */
    private void waitWhile(long millis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < deadline && supervisor.binding.canRun()) {
            synchronized (supervisor.lock) {
                if (!condition.getAsBoolean()) {
                    return;
                }
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void put(String origin, List<String> columns) {
        supervisor.inbox.submit(() -> supervisor.entries.put(origin, columns));
    }

    @Override
    public void remove(String origin) {
        supervisor.inbox.submit(() -> supervisor.entries.remove(origin));
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindPolicy(ProcessPolicy policy) {
        supervisor.binding.setPolicy(policy);
    }

    void unbindPolicy(ProcessPolicy policy) {
        supervisor.binding.unsetPolicy(policy);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindLoop(EventLoop loop) {
        supervisor.binding.setLoop(loop);
    }

    void unbindLoop(EventLoop loop) {
        supervisor.binding.unsetLoop(loop);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindSpawner(Spawner spawner) {
        supervisor.binding.setSpawner(spawner);
    }

    void unbindSpawner(Spawner spawner) {
        supervisor.binding.unsetSpawner(spawner);
    }
}
