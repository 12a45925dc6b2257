package org.jmaster.master.internal;

import java.util.List;
import java.util.Map;
import org.jmaster.api.MasterSettings;
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
 *     Creates the Supervisor and offers its service table to the configuration sources. The
 *     policy, the listener and the spawner are optional dynamic references, so that each of their
 *     bundles can be updated while the master keeps every service's sockets and state.
 *
 *     Going away (bundle or framework stop): every service is cleaned up (SIGTERM, SIGKILL after
 *     stop_timeout), then every socket is closed.
 * DIAGNOSTICS
 *     A bad org.jmaster.master value is refused with a message naming the PID, the key and the
 *     value; the previous (or default) settings stay in force.
 */
@Component(service = ServiceTable.class, immediate = true, configurationPid = MasterSettings.PID)
@Designate(ocd = MasterConfiguration.class)
public final class MasterComponent implements ServiceTable {
    private final Supervisor supervisor;

    /** Starts the master with its configuration. */
    @Activate
    public MasterComponent(Map<String, Object> properties) {
        supervisor = new Supervisor(settings(properties, MasterSettings.defaults()), Clock.SYSTEM);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        MasterSettings next = settings(properties, supervisor.settings());
        supervisor.submit(() -> supervisor.setSettings(next));
    }

    private static MasterSettings settings(Map<String, Object> properties, MasterSettings fallback) {
        try {
            return MasterSettings.parse(properties);
        } catch (IllegalArgumentException e) {
            Supervisor.LOG.severe(MasterSettings.PID + ": " + e.getMessage() + " -- keeping the settings in force");
            return fallback;
        }
    }

    /** Cleans up every service, then closes every socket. */
    @Deactivate
    public void deactivate() throws InterruptedException {
        if (supervisor.canRun()) {
            supervisor.submit(supervisor.services::removeAll);
            long deadline = System.nanoTime() + (supervisor.settings().stopTimeout().toMillis() + 3000) * 1_000_000;
            while (System.nanoTime() < deadline && supervisor.canRun()) {
                synchronized (supervisor.lock) {
                    if (supervisor.services.isEmpty()) {
                        break;
                    }
                }
                Thread.sleep(20);
            }
        }
        synchronized (supervisor.lock) {
            supervisor.close();
            supervisor.services.closeAll();
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
