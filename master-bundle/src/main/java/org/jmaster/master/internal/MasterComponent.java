package org.jmaster.master.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.jmaster.api.Master;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceSnapshot;
import org.jmaster.api.spi.loop.EventLoop;
import org.jmaster.api.spi.policy.ProcessPolicy;
import org.jmaster.api.spi.spawner.Spawner;
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
 *     Creates the Supervisor, offers its entry sink to the configuration sources and the Master
 *     service (reload, snapshots of the services) to other bundles; reads master_cf at start-up
 *     and reloads when the file or org.jmaster.master changes. The policy, the event loop and the
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
@Component(service = {EntrySink.class, Master.class}, immediate = true, configurationPid = MasterSettings.PID)
@Designate(ocd = MasterMetatype.class)
public final class MasterComponent implements EntrySink, Master {
    private final Supervisor supervisor;
    private final Jmx jmx;
    /** The settings as configured; the supervisor keeps some of the old values until a restart. */
    private volatile MasterSettings requested;
    private MasterCfWatch watch;

    /** Starts the master with its configuration, and the services of its master.cf. */
    @Activate
    public MasterComponent(Map<String, Object> properties, BundleContext context) {
        requested = settings(properties, MasterSettings.defaults());
        supervisor = new Supervisor(requested, Clock.SYSTEM);
        jmx = new Jmx(supervisor);
        supervisor.setObserver(jmx);
        jmx.start(new MasterControl(this, context));
        Supervisor.LOG.info("daemon started -- version " + Supervisor.VERSION + ", configuration "
                + requested.configDirectory());
        supervisor.inbox.submit(supervisor::load);
        watchMasterCf();
    }

    /** A change of org.jmaster.master is a reload, as a change of main.cf followed by postfix reload. */
    @Modified
    void modified(Map<String, Object> properties) {
        requested = settings(properties, requested);
        supervisor.inbox.submit(() -> supervisor.reload(requested));
        watchMasterCf();
    }

    private synchronized void watchMasterCf() {
        String file = requested.masterCf();
        if (watch != null && (file.isEmpty() || !watch.file().equals(Path.of(file).toAbsolutePath()))) {
            closeWatch();
        }
        if (watch == null && !file.isEmpty()) {
            try {
                watch = new MasterCfWatch(Path.of(file), () -> supervisor.inbox.submit(() -> supervisor.reload(requested)));
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
            supervisor.inbox.call(() -> {
                supervisor.reload(requested);
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

    private static MasterSettings settings(Map<String, Object> properties, MasterSettings fallback) {
        try {
            return MasterSettings.parse(properties);
        } catch (IllegalArgumentException e) {
            Supervisor.LOG.severe(MasterSettings.PID + ": " + e.getMessage() + " -- keeping the settings in force");
            return fallback;
        }
    }

    /**
     * Retires every child and waits up to stop_timeout for them to finish, cleans up what is left,
     * then leaves the listen sockets to the loop for the next master.
     */
    @Deactivate
    public void deactivate() throws InterruptedException {
        closeWatch();
        if (supervisor.binding.canRun()) {
            long stopTimeout = supervisor.settings().stopTimeout().toMillis();
            supervisor.inbox.submit(supervisor.handover::retireAll);
            waitWhile(stopTimeout, () -> supervisor.binding.hasSpawner() && supervisor.table.processes() > 0);
            supervisor.inbox.submit(supervisor.entries::removeAll);
            waitWhile(stopTimeout + 3000, () -> !supervisor.table.isEmpty());
        }
        synchronized (supervisor.lock) {
            supervisor.binding.close();
            supervisor.handover.closeAll();
        }
        jmx.stop();
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
