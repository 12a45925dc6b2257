package org.jmaster.master.internal;

import java.util.List;
import java.util.logging.Logger;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceEvent;
import org.jmaster.api.ServiceSnapshot;
import org.jmaster.api.spi.policy.ServiceState;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/**
 * NAME
 *     Supervisor - the master's parts, put together (Postfix master.c)
 * SUMMARY
 *     load()                 the master's start-up: read the configuration, start its services
 *     reload(requested)      Postfix's reload: the settings that may change, then the services
 *     snapshots()            every service, as other bundles may see it
 * DESCRIPTION
 *     One object per master that holds the parts and the one lock under which the master's state
 *     changes: the service table; the configuration entries and their reload (ServiceEntries);
 *     the lifecycle of a service (ServiceLifecycle); the policy, event loop and spawner as they
 *     come and go (Binding); the loop inbox (Inbox); the PolicyContext (MasterContext); the
 *     master's timers (Timers), wakeups (Wakeups), the parameters that may not change
 *     (SettingsWatch), and the hand-over of a departing master bundle (Handover).
 *
 *     Every change happens on the event loop's thread with the lock held: loop events arrive
 *     there, and everything else (configuration, reaped children, operator requests) is
 *     submitted to the inbox, which the loop drains. The lock matters only while collaborators
 *     are replaced; in steady state one thread takes it.
 */
final class Supervisor {
    static final Logger LOG = Logger.getLogger("org.jmaster.master");
    /** What jmaster says beyond Postfix's master (a service started, a bundle arrived): its own log, not the mail log. */
    static final Logger DETAIL = Logger.getLogger("org.jmaster.master.detail");
    /** The version operators see in start-up and reload messages. */
    static final String VERSION = versionOf(Supervisor.class);

    final Object lock = new Object();
    final Clock clock;
    final ServiceTable table = new ServiceTable();
    final Timers timers;
    final Inbox inbox = new Inbox(this);
    final Binding binding = new Binding(this);
    final MasterContext context = new MasterContext(this);
    final Wakeups wakeups = new Wakeups(this);
    final Handover handover = new Handover(this);
    final ServiceLifecycle lifecycle;
    final ServiceEntries entries = new ServiceEntries(this);
    private volatile MasterSettings settings;
    private volatile Observer observer = new Observer() {
    };

    /** Told what happens to services (the JMX face), on the loop with the lock held. */
    interface Observer {
        default void added(ServiceEntry entry) {
        }

        default void removed(ServiceEntry entry) {
        }

        default void event(ServiceState service, ServiceEvent event, String message) {
        }

        default void processLimitChanged(ServiceState service, int old, int now) {
        }
    }

    Supervisor(MasterSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.timers = new Timers(lock, clock);
        this.lifecycle = new ServiceLifecycle(this);
    }

    MasterSettings settings() {
        return settings;
    }

    Observer observer() {
        return observer;
    }

    void setObserver(Observer observer) {
        this.observer = observer;
    }

    /**
     * Reads master.cf and starts its services: the master's start-up. Loop thread, lock held.
     *
     * @return what it refused, as Postfix's master would die of it: "bind 0.0.0.0 port 25: Address already in use"
     */
    List<String> load() {
        context.collectStartupErrors();
        entries.reload();
        return context.startupErrors();
    }

    /**
     * Postfix's reload (section 6.5): takes the requested settings, except those that cannot
     * change while running (SettingsWatch); then reloads the services. Loop thread, lock held.
     */
    void reload(MasterSettings requested) {
        context.info("reload -- version " + VERSION + ", configuration " + requested.configDirectory());
        settings = SettingsWatch.next(settings, requested, table.inetWithoutHost(), context);
        entries.reload();
    }

    /** Every service now, as other bundles may see it. Any thread. */
    List<ServiceSnapshot> snapshots() {
        synchronized (lock) {
            long now = clock.millis();
            return table.all().stream().map(entry -> entry.snapshot(now)).toList();
        }
    }

    private static String versionOf(Class<?> type) {
        Bundle bundle = FrameworkUtil.getBundle(type);
        return bundle == null ? "development" : bundle.getVersion().toString();
    }
}
