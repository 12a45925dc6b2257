package org.jmaster.master.internal;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jmaster.api.ListenSockets;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.ServiceEvent;
import org.jmaster.api.ServiceRuntime;
import org.jmaster.api.StatusChannel;

/**
 * NAME
 *     Services - the service table and the sequencing of start, restart and stop
 *     (Postfix master_service.c, master_ent.c)
 * SUMMARY
 *     put(origin, columns)   a configuration entry appeared or changed
 *     remove(origin)         a configuration entry disappeared
 *     restart(service)       new status channel: the children finish and exit
 *     removeAll()            stop everything (the master is going away)
 * DESCRIPTION
 *     An entry is parsed with the current settings; its identity is (type, canonical endpoint
 *     name), so "smtp inet" and "25 inet" are one service. A new identity is started: listen
 *     sockets, status channel, watched, listening as the policy decides. A changed entry with the
 *     same identity keeps its sockets, children, throttle and stress state: it takes the new
 *     definition and is restarted. A changed identity is a removal plus a start. A second entry
 *     with an identity another origin holds wins, with Postfix's duplicate warning.
 *
 *     A removed service is cleaned up (SIGTERM, bounded by stop_timeout) and its sockets are
 *     closed when the last child is reaped. If its identity is configured again meanwhile, it
 *     simply stays.
 *
 *     Called with the supervisor's lock held, on the event loop, with a policy and a listener.
 * DIAGNOSTICS
 *     A bad entry is refused with a warning that names its origin, the field and the value; the
 *     service it would have replaced, and every other service, keep running.
 */
final class Services {
    private final Supervisor supervisor;
    private final Map<String, ManagedService> byOrigin = new LinkedHashMap<>();
    private final Map<String, ManagedService> byIdentity = new LinkedHashMap<>();
    private final Map<ServiceRuntime, ManagedService> byRuntime = new IdentityHashMap<>();

    Services(Supervisor supervisor) {
        this.supervisor = supervisor;
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
        MasterSettings settings = supervisor.settings();
        ServiceDefinition definition;
        String name;
        try {
            definition = ServiceDefinition.fromColumns(columns, settings.defaultProcessLimit());
            name = supervisor.listener().endpointName(definition, settings);
        } catch (IllegalArgumentException e) {
            supervisor.warning(origin + ": " + e.getMessage()
                    + (byOrigin.containsKey(origin) ? " -- keeping the service as it was" : " -- service not started"));
            return;
        }
        String identity = definition.type().column() + "/" + name;
        ManagedService current = byOrigin.get(origin);
        ManagedService same = byIdentity.get(identity);
        if (same != null && !same.removing && !same.origin.equals(origin)) {
            supervisor.warning("duplicate master.cf entry for service \"" + definition.name() + "\" (" + name
                    + ") -- using the last entry");
            byOrigin.remove(same.origin);
        }
        if (current != null && current != same) {
            startRemoval(current);
        }
        if (same != null) {
            byOrigin.put(origin, same);
            same.origin = origin;
            same.removing = false;
            update(same, definition, settings);
        } else {
            start(origin, identity, name, definition, settings);
        }
    }

    void remove(String origin) {
        ManagedService service = byOrigin.get(origin);
        if (service != null) {
            startRemoval(service);
        }
    }

    void removeAll() {
        for (ManagedService service : all()) {
            startRemoval(service);
        }
    }

    private void start(String origin, String identity, String name, ServiceDefinition definition,
            MasterSettings settings) {
        ServiceRuntime service = new ServiceRuntime(name, definition,
                settings.commandPath(definition.command().get(0)));
        configure(service, settings);
        ListenSockets sockets = null;
        try {
            sockets = supervisor.listener().open(definition, settings,
                    supervisor.policy().listenBacklog(definition.processLimit(), settings.defaultProcessLimit()));
            service.setListenSockets(sockets);
            service.setStatusChannel(supervisor.listener().openStatusChannel());
        } catch (IOException | RuntimeException e) {
            close(sockets);
            supervisor.warning(origin + ": service " + definition.name() + "(" + name + "): " + e.getMessage()
                    + " -- service not started");
            return;
        }
        ManagedService managed = new ManagedService(origin, identity, service);
        byOrigin.put(origin, managed);
        byIdentity.put(identity, managed);
        byRuntime.put(service, managed);
        supervisor.listener().watch(service, supervisor);
        supervisor.policy().availListen(service, supervisor);
        supervisor.info("service " + service + " started: " + definition + " on " + sockets.addresses());
    }

    private void update(ManagedService managed, ServiceDefinition definition, MasterSettings settings) {
        ServiceRuntime service = managed.runtime;
        service.setDefinition(definition, settings.commandPath(definition.command().get(0)));
        configure(service, settings);
        restart(service);
        supervisor.policy().availListen(service, supervisor);
        supervisor.info("service " + service + " restarted: " + definition);
    }

    private static void configure(ServiceRuntime service, MasterSettings settings) {
        service.setThrottleDelayMillis(settings.serviceThrottleTime().toMillis());
        service.setStopTimeoutMillis(settings.stopTimeout().toMillis());
    }

    /** Replaces the status channel: the children finish what they do and exit (section 3.8). */
    void restart(ServiceRuntime service) {
        StatusChannel old = service.statusChannel();
        try {
            service.setStatusChannel(supervisor.listener().openStatusChannel());
        } catch (IOException e) {
            supervisor.warning("service " + service + ": cannot restart: " + e.getMessage());
            return;
        }
        close(old);
        supervisor.listener().watch(service, supervisor);
    }

    /** The spawner left: every child is asked to finish and exit, and no socket is watched. */
    void retireChildren() {
        for (ServiceRuntime service : runtimes()) {
            if (service.totalProcesses() > 0) {
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

    /** A child was spawned (wakeup timers of conditional services start here). */
    void spawned(ServiceRuntime service) {
        // wakeup timers come with the master.cf issue
    }

    void event(ServiceRuntime service, ServiceEvent event) {
        ManagedService managed = byRuntime.get(service);
        if (event == ServiceEvent.CLEANUP && managed != null && managed.removing) {
            finishRemoval(managed);
        }
    }

    private void startRemoval(ManagedService managed) {
        byOrigin.remove(managed.origin, managed);
        if (!managed.removing) {
            managed.removing = true;
            supervisor.policy().cleanup(managed.runtime, supervisor);
        }
    }

    private void finishRemoval(ManagedService managed) {
        ServiceRuntime service = managed.runtime;
        byIdentity.remove(managed.identity);
        byRuntime.remove(service);
        supervisor.listener().unwatch(service);
        close(service.statusChannel());
        close(service.listenSockets());
        supervisor.info("service " + service + " stopped");
    }

    /** Closes every channel of every service, whatever its state: the master is gone. */
    void closeAll() {
        for (ManagedService managed : all()) {
            close(managed.runtime.statusChannel());
            close(managed.runtime.listenSockets());
        }
        byOrigin.clear();
        byIdentity.clear();
        byRuntime.clear();
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
