package org.jmaster.master.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jmaster.api.ListenSockets;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.ServiceEvent;
import org.jmaster.api.ServiceRuntime;
import org.jmaster.api.ServiceType;
import org.jmaster.api.StatusChannel;
import org.jmaster.api.spi.Listener;

/**
 * NAME
 *     Services - the service table and the sequencing of start, restart, reload and stop
 *     (Postfix master_service.c, master_ent.c, master_conf.c)
 * SUMMARY
 *     put(origin, columns)   a configuration entry appeared or changed (ConfigAdmin)
 *     remove(origin)         a configuration entry disappeared
 *     reload()               re-read master.cf, resolve every entry again, restart every survivor
 *     restart(service)       new status channel: the children finish and exit
 *     retireAll()            the master is going away: children finish and exit
 *     removeAll()            stop everything (the master is going away)
 * DESCRIPTION
 *     Entries come from master.cf (origin "<file>: line <n>") and from ConfigAdmin (origin the
 *     configuration's PID); ConfigAdmin entries come after master.cf ones, so they win a
 *     duplicate. An entry is resolved with the settings in force; its identity is (type,
 *     canonical endpoint name), so "smtp inet" and "25 inet" are one service.
 *
 *     A new identity is started: the command must exist, then listen sockets, status channel,
 *     watched, listening as the policy decides, wakeup. A changed entry with the same identity
 *     keeps its sockets, children, throttle, busy-warning and stress times: it takes the new
 *     definition (and its process limit) and is restarted. A changed identity is a removal plus a
 *     start. A later entry with an identity already taken wins, with Postfix's duplicate warning.
 *
 *     Reload does that for every entry at once and restarts every surviving service even if
 *     nothing changed; services whose entry is gone are removed. When master.cf has a bad line,
 *     that line is refused and the services that came from master.cf are kept as they are.
 *
 *     A removed service is cleaned up (SIGTERM, bounded by stop_timeout) and its sockets closed
 *     when the last child is reaped. If its identity is configured again meanwhile, it stays.
 *     When the master itself goes away its children are retired first, and its listen sockets
 *     are left to the listener (Listener.keep), so that a master bundle update loses no client.
 *
 *     Called with the supervisor's lock held, on the event loop, with a policy and a listener;
 *     processes() and closeAll() also from the thread that stops the master, with the lock held.
 * DIAGNOSTICS
 *     A bad entry is refused with a message that names its origin, the field and the value; the
 *     service it would have replaced, and every other service, keep running.
 */
final class Services {
    private final Supervisor supervisor;
    private final Wakeups wakeups;
    private final Map<String, List<String>> adminEntries = new LinkedHashMap<>();
    private List<MasterCf.Entry> fileEntries = List.of();
    /** How long the listener keeps the sockets of a master that went away for the next one. */
    static final long KEEP_MILLIS = 10_000;
    /** The master is going away: nothing starts any more, and its listen sockets go to the listener. */
    private boolean handover;
    /** Listen sockets of services already stopped, for the listener once the master is gone. */
    private final List<ListenSockets> handedOver = new ArrayList<>();
    private String fileRead;
    private final Map<String, ManagedService> byIdentity = new LinkedHashMap<>();
    private final Map<ServiceRuntime, ManagedService> byRuntime = new IdentityHashMap<>();

    /** An entry resolved with the settings in force. */
    private static final class Resolved {
        final String origin;
        final boolean fromMasterCf;
        final ServiceDefinition definition;
        final String name;
        final String identity;

        Resolved(String origin, boolean fromMasterCf, ServiceDefinition definition, String name) {
            this.origin = origin;
            this.fromMasterCf = fromMasterCf;
            this.definition = definition;
            this.name = name;
            this.identity = definition.type().column() + "/" + name;
        }
    }

    Services(Supervisor supervisor) {
        this.supervisor = supervisor;
        this.wakeups = new Wakeups(supervisor);
    }

    List<ServiceRuntime> runtimes() {
        return new ArrayList<>(byRuntime.keySet());
    }

    List<ManagedService> all() {
        return new ArrayList<>(byIdentity.values());
    }

    boolean isEmpty() {
        return byRuntime.isEmpty();
    }

    boolean isCurrent(ServiceRuntime service) {
        return byRuntime.containsKey(service);
    }

    ServiceRuntime ownerOf(int pid) {
        for (ServiceRuntime service : byRuntime.keySet()) {
            if (service.child(pid) != null) {
                return service;
            }
        }
        return null;
    }

    void put(String origin, List<String> columns) {
        if (handover) {
            return; // the master is going away; its successor reads the configuration again
        }
        boolean known = adminEntries.containsKey(origin);
        Resolved entry = resolve(origin, false, columns, known ? " -- keeping the service as it was" : " -- service not started");
        if (entry == null) {
            return;
        }
        adminEntries.put(origin, columns);
        ManagedService current = byOrigin(origin);
        ManagedService same = byIdentity.get(entry.identity);
        if (same != null && !same.removing && !same.origin.equals(origin)) {
            duplicate(entry);
        }
        if (current != null && current != same) {
            startRemoval(current);
        }
        apply(entry);
    }

    void remove(String origin) {
        if (handover) {
            return;
        }
        adminEntries.remove(origin);
        ManagedService service = byOrigin(origin);
        if (service != null) {
            startRemoval(service);
        }
    }

    /** Postfix's reload: steps 3-5 of section 6.5 (the settings were taken by the supervisor). */
    void reload() {
        if (handover) {
            return;
        }
        boolean fileIsBad = readMasterCf();
        Map<String, Resolved> wanted = new LinkedHashMap<>();
        Set<String> refused = new HashSet<>();
        List<Resolved> entries = new ArrayList<>();
        for (MasterCf.Entry e : fileEntries) {
            Resolved entry = resolve(e.origin, true, e.columns, " -- line ignored");
            fileIsBad |= entry == null;
            entries.add(entry);
        }
        for (Map.Entry<String, List<String>> e : adminEntries.entrySet()) {
            Resolved entry = resolve(e.getKey(), false, e.getValue(), " -- keeping the service as it was");
            if (entry == null) {
                refused.add(e.getKey());
            }
            entries.add(entry);
        }
        for (Resolved entry : entries) {
            if (entry != null) {
                if (wanted.remove(entry.identity) != null) {
                    duplicate(entry);
                }
                wanted.put(entry.identity, entry);
            }
        }
        Set<ManagedService> kept = new HashSet<>();
        for (Resolved entry : wanted.values()) {
            ManagedService service = apply(entry);
            if (service != null) {
                kept.add(service);
            }
        }
        for (ManagedService service : all()) {
            if (kept.contains(service) || service.removing) {
                continue;
            }
            if (service.fromMasterCf && fileIsBad) {
                supervisor.warning("service " + service.runtime + ": kept as it was: " + fileRead + " has errors");
            } else if (refused.contains(service.origin)) {
                supervisor.warning("service " + service.runtime + ": kept as it was: " + service.origin + " is refused");
            } else {
                startRemoval(service);
            }
        }
    }

    /** Reads master_cf; true when it has bad lines or cannot be read (its services are then kept). */
    private boolean readMasterCf() {
        MasterSettings settings = supervisor.settings();
        if (settings.masterCf().isEmpty()) {
            fileEntries = List.of();
            return false;
        }
        Path file = Path.of(settings.masterCf());
        fileRead = file.toString();
        try {
            MasterCf.Result result = MasterCf.read(file, settings.masterServiceDisable(), settings.defaultProcessLimit());
            result.errors.forEach(error -> supervisor.error(error + " -- line ignored"));
            fileEntries = result.entries;
            return !result.errors.isEmpty();
        } catch (IOException e) {
            supervisor.error(file + ": cannot read: " + e + " -- keeping its services as they are");
            return true;
        }
    }

    private Resolved resolve(String origin, boolean fromMasterCf, List<String> columns, String consequence) {
        MasterSettings settings = supervisor.settings();
        try {
            ServiceDefinition definition = ServiceDefinition.fromColumns(columns, settings.defaultProcessLimit());
            return new Resolved(origin, fromMasterCf, definition, supervisor.listener().endpointName(definition, settings));
        } catch (IllegalArgumentException e) {
            supervisor.error(origin + ": " + e.getMessage() + consequence);
            return null;
        }
    }

    private void duplicate(Resolved entry) {
        supervisor.warning("duplicate master.cf entry for service \"" + entry.definition.name() + "\" (" + entry.name
                + ") -- using the last entry");
    }

    private ManagedService byOrigin(String origin) {
        for (ManagedService service : byIdentity.values()) {
            if (service.origin.equals(origin) && !service.removing) {
                return service;
            }
        }
        return null;
    }

    /** Starts the entry's service, or updates and restarts the one with its identity. */
    private ManagedService apply(Resolved entry) {
        ManagedService same = byIdentity.get(entry.identity);
        if (same == null) {
            return start(entry);
        }
        same.origin = entry.origin;
        same.fromMasterCf = entry.fromMasterCf;
        same.removing = false;
        ServiceRuntime service = same.runtime;
        MasterSettings settings = supervisor.settings();
        int oldLimit = service.processLimit();
        service.setDefinition(entry.definition, settings.commandPath(entry.definition.command().get(0)));
        configure(service, settings);
        same.awaitingFirstSpawn = entry.definition.isConditionalWakeup();
        supervisor.observer().processLimitChanged(service, oldLimit, service.processLimit());
        restart(service);
        supervisor.policy().availListen(service, supervisor);
        supervisor.info("service " + service + " restarted: " + entry.definition);
        supervisor.event(service, ServiceEvent.RESTARTED, "service " + service + " restarted: " + entry.definition);
        return same;
    }

    private ManagedService start(Resolved entry) {
        MasterSettings settings = supervisor.settings();
        ServiceDefinition definition = entry.definition;
        String path = settings.commandPath(definition.command().get(0));
        String failure = !Files.isExecutable(Path.of(path)) ? "command " + path + " does not exist or is not executable"
                : null;
        ServiceRuntime service = new ServiceRuntime(entry.name, definition, path);
        configure(service, settings);
        ListenSockets sockets = null;
        try {
            if (failure == null) {
                sockets = supervisor.listener().open(definition, settings,
                        supervisor.policy().listenBacklog(definition.processLimit(), settings.defaultProcessLimit()));
                service.setListenSockets(sockets);
                service.setStatusChannel(supervisor.listener().openStatusChannel());
            }
        } catch (IOException | RuntimeException e) {
            close(sockets);
            failure = e.getMessage();
        }
        if (failure != null) {
            supervisor.error(entry.origin + ": service " + service + ": " + failure + " -- service not started");
            return null;
        }
        ManagedService managed = new ManagedService(entry.origin, entry.identity, service);
        managed.fromMasterCf = entry.fromMasterCf;
        byIdentity.put(entry.identity, managed);
        byRuntime.put(service, managed);
        supervisor.listener().watch(service, supervisor);
        supervisor.policy().availListen(service, supervisor);
        supervisor.info("service " + service + " started: " + definition + " on " + sockets.addresses());
        supervisor.observer().added(service);
        wakeups.init(managed);
        return managed;
    }

    private static void configure(ServiceRuntime service, MasterSettings settings) {
        service.setThrottleDelayMillis(settings.serviceThrottleTime().toMillis());
        service.setStopTimeoutMillis(settings.stopTimeout().toMillis());
    }

    /**
     * Postfix's master_restart_service: a new status channel, so the children finish what they do
     * and exit (section 3.8); the wakeup starts again.
     */
    void restart(ServiceRuntime service) {
        if (handover) {
            return; // retired: no new status channel, no new child
        }
        StatusChannel old = service.statusChannel();
        try {
            service.setStatusChannel(supervisor.listener().openStatusChannel());
        } catch (IOException e) {
            supervisor.warning("service " + service + ": cannot restart: " + e.getMessage());
            return;
        }
        close(old);
        supervisor.listener().watch(service, supervisor);
        ManagedService managed = byRuntime.get(service);
        if (managed != null && !managed.removing) {
            wakeups.init(managed);
        }
    }

    /**
     * The spawner left or was replaced: every child is asked to finish and exit, and its death
     * will not be taken for a bad start-up; the listen sockets are watched only with a spawner.
     */
    void retireChildren() {
        for (ServiceRuntime service : runtimes()) {
            if (service.totalProcesses() > 0) {
                service.children().forEach(org.jmaster.api.ChildProcess::setTerminating);
                restart(service);
            }
        }
        applyListening();
    }

    /** Tells the listener again what the policy decided, as the spawner came or went. */
    void applyListening() {
        for (ServiceRuntime service : runtimes()) {
            supervisor.listen(service, service.isListening());
        }
    }

    /** The listener or the policy was replaced: the wakeup timers were lost with the old one. */
    void rearmTimers() {
        for (ManagedService service : handover ? List.<ManagedService>of() : all()) {
            wakeups.rearm(service);
        }
    }

    /** A child was spawned: a conditional wakeup ("N?") starts now. */
    void spawned(ServiceRuntime service) {
        ManagedService managed = byRuntime.get(service);
        if (managed != null && managed.awaitingFirstSpawn) {
            managed.awaitingFirstSpawn = false;
            wakeups.init(managed);
        }
    }

    void event(ServiceRuntime service, ServiceEvent event) {
        ManagedService managed = byRuntime.get(service);
        if (event == ServiceEvent.CLEANUP && managed != null && managed.removing) {
            finishRemoval(managed);
        }
    }

    /**
     * The master is going away, gracefully (section 3.8, as a reload): no new child, the status
     * channels close so that every child finishes its request and exits; the listen sockets will
     * be left to the listener for the next master (Listener.keep).
     */
    void retireAll() {
        handover = true;
        for (ManagedService managed : all()) {
            ServiceRuntime service = managed.runtime;
            wakeups.cancel(managed);
            supervisor.listener().unwatch(service);
            service.children().forEach(org.jmaster.api.ChildProcess::setTerminating);
            close(service.statusChannel());
        }
    }

    /** The master is going away (retireAll ran). */
    boolean isRetiring() {
        return handover;
    }

    /** Children alive, all services together. */
    int processes() {
        int total = 0;
        for (ServiceRuntime service : byRuntime.keySet()) {
            total += service.totalProcesses();
        }
        return total;
    }

    void removeAll() {
        adminEntries.clear();
        fileEntries = List.of();
        for (ManagedService service : all()) {
            startRemoval(service);
        }
    }

    private void startRemoval(ManagedService managed) {
        if (!managed.removing) {
            managed.removing = true;
            wakeups.cancel(managed);
            supervisor.policy().cleanup(managed.runtime, supervisor);
        }
    }

    private void finishRemoval(ManagedService managed) {
        ServiceRuntime service = managed.runtime;
        byIdentity.remove(managed.identity);
        byRuntime.remove(service);
        supervisor.listener().unwatch(service);
        close(service.statusChannel());
        release(service.listenSockets());
        supervisor.observer().removed(service);
        supervisor.info("service " + service + " stopped");
    }

    /** inet services that take their addresses from inet_interfaces (Postfix's reload warning). */
    List<ServiceRuntime> inetWithoutHost() {
        List<ServiceRuntime> result = new ArrayList<>();
        for (ServiceRuntime service : byRuntime.keySet()) {
            String name = service.definition().name();
            if (service.definition().type() == ServiceType.INET && !name.contains(":")) {
                result.add(service);
            }
        }
        return result;
    }

    /** Closes every channel of every service, whatever its state: the master is gone. */
    void closeAll() {
        for (ManagedService managed : all()) {
            wakeups.cancel(managed);
            close(managed.runtime.statusChannel());
            release(managed.runtime.listenSockets());
        }
        Listener listener = supervisor.listener();
        for (ListenSockets sockets : handedOver) {
            if (listener != null) {
                listener.keep(sockets, KEEP_MILLIS); // the time counts from the master's last moment
            } else {
                close(sockets);
            }
        }
        handedOver.clear();
        wakeups.close();
        adminEntries.clear();
        byIdentity.clear();
        byRuntime.clear();
    }

    /** Closes listen sockets, or sets them aside for the next master (closeAll hands them over). */
    private void release(ListenSockets sockets) {
        if (handover && sockets != null) {
            handedOver.add(sockets);
        } else {
            close(sockets);
        }
    }

    private static void close(Closeable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (IOException e) {
                Supervisor.LOG.fine("close: " + e);
            }
        }
    }
}
