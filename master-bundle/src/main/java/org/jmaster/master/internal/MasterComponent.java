package org.jmaster.master.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jmaster.api.Master;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceRuntime;
import org.jmaster.api.spi.Clock;
import org.jmaster.api.spi.Listener;
import org.jmaster.api.spi.ProcessPolicy;
import org.jmaster.api.spi.Spawner;
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
 *     Creates the Supervisor, offers its service table to the configuration sources and the
 *     Master service (reload, the service table) to other bundles; reads master_cf at start-up
 *     and reloads when the file or org.jmaster.master changes. The
 *     policy, the listener and the spawner are optional dynamic references, so that each of their
 *     bundles can be updated while the master keeps every service's sockets and state.
 *
 *     Going away (bundle or framework stop): every child is retired as by a reload (idle ones
 *     exit at once, busy ones after their request); those still alive after stop_timeout are
 *     cleaned up (SIGTERM, SIGKILL after stop_timeout). Meanwhile nothing starts: no child, no
 *     configuration change, no reload. The listen sockets are then left to the listener for a
 *     while, so that clients wait in the backlog for the next master instead of being refused;
 *     every other channel is closed. Without a policy or a listener the sockets are closed.
 * DIAGNOSTICS
 *     A bad org.jmaster.master value is refused with a message naming the PID, the key and the
 *     value; the previous (or default) settings stay in force.
 */
@Component(service = {ServiceTable.class, Master.class}, immediate = true, configurationPid = MasterSettings.PID)
@Designate(ocd = MasterConfiguration.class)
public final class MasterComponent implements ServiceTable, Master {
    private final Supervisor supervisor;
    private final Jmx jmx;
    /** The settings as configured; the supervisor keeps some of the old values until a restart. */
    private volatile MasterSettings requested;
    private MasterCfWatch watch;

    /** Starts the master with its configuration, and the services of its master.cf. */
    @Activate
    public MasterComponent(Map<String, Object> properties, org.osgi.framework.BundleContext context) {
        requested = settings(properties, MasterSettings.defaults());
        supervisor = new Supervisor(requested, Clock.SYSTEM);
        jmx = new Jmx(supervisor);
        supervisor.setObserver(jmx);
        jmx.start(new MasterControl(this, context));
        Supervisor.LOG.info("daemon started -- version " + Supervisor.VERSION + ", configuration "
                + requested.configDirectory());
        supervisor.submit(supervisor::load);
        watchMasterCf();
    }

    /** A change of org.jmaster.master is a reload, as a change of main.cf followed by postfix reload. */
    @Modified
    void modified(Map<String, Object> properties) {
        requested = settings(properties, requested);
        supervisor.submit(() -> supervisor.reload(requested));
        watchMasterCf();
    }

    private synchronized void watchMasterCf() {
        String file = requested.masterCf();
        if (watch != null && (file.isEmpty() || !watch.file().equals(Path.of(file).toAbsolutePath()))) {
            closeWatch();
        }
        if (watch == null && !file.isEmpty()) {
            try {
                watch = new MasterCfWatch(Path.of(file), () -> supervisor.submit(() -> supervisor.reload(requested)));
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
            supervisor.call(() -> {
                supervisor.reload(requested);
                return null;
            }, 30_000);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the reload did not finish within 30 s");
        } catch (java.util.concurrent.ExecutionException e) {
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
    public List<ServiceRuntime> services() {
        synchronized (supervisor.lock) {
            return supervisor.services.runtimes();
        }
    }

    @Override
    public long processGeneration() {
        return supervisor.generation();
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
     * then leaves the listen sockets to the listener for the next master.
     */
    @Deactivate
    public void deactivate() throws InterruptedException {
        closeWatch();
        if (supervisor.canRun()) {
            long stopTimeout = supervisor.settings().stopTimeout().toMillis();
            supervisor.submit(supervisor.services::retireAll);
            waitWhile(stopTimeout, () -> supervisor.hasSpawner() && supervisor.services.processes() > 0);
            supervisor.submit(supervisor.services::removeAll);
            waitWhile(stopTimeout + 3000, () -> !supervisor.services.isEmpty());
        }
        synchronized (supervisor.lock) {
            supervisor.close();
            supervisor.services.closeAll();
        }
        jmx.stop();
    }

    /** Waits at most millis while the supervisor can run and the condition, read under its lock, holds. */
    private void waitWhile(long millis, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < deadline && supervisor.canRun()) {
            synchronized (supervisor.lock) {
                if (!condition.getAsBoolean()) {
                    return;
                }
            }
            Thread.sleep(10);
        }
    }

    Supervisor supervisor() {
        return supervisor;
    }

    @Override
    public void put(String origin, List<String> columns) {
        supervisor.submit(() -> supervisor.services.put(origin, columns));
    }

    @Override
    public void remove(String origin) {
        supervisor.submit(() -> supervisor.services.remove(origin));
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindPolicy(ProcessPolicy policy) {
        supervisor.setPolicy(policy);
    }

    void unbindPolicy(ProcessPolicy policy) {
        supervisor.unsetPolicy(policy);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindListener(Listener listener) {
        supervisor.setListener(listener);
    }

    void unbindListener(Listener listener) {
        supervisor.unsetListener(listener);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindSpawner(Spawner spawner) {
        supervisor.setSpawner(spawner);
    }

    void unbindSpawner(Spawner spawner) {
        supervisor.unsetSpawner(spawner);
    }
}
