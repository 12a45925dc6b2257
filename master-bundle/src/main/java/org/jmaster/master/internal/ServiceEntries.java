package org.jmaster.master.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceDefinition;

/**
 * NAME
 *     ServiceEntries - configuration entries from both origins, and reload (Postfix
 *     master_conf.c, master_ent.c)
 * SUMMARY
 *     put(origin, columns)   a ConfigAdmin entry appeared or changed
 *     remove(origin)         a ConfigAdmin entry disappeared
 *     reload()               re-read master.cf, resolve every entry again, mark and sweep
 *     removeAll()            the master is going away: every service is removed
 * DESCRIPTION
 *     Entries come from master.cf (origin "<file>: line <n>") and from ConfigAdmin (origin the
 *     configuration's PID); ConfigAdmin entries come after master.cf ones, so they win a
 *     duplicate. An entry is resolved with the settings in force; its identity is (type,
 *     canonical endpoint name), so "smtp inet" and "25 inet" are one service.
 *
 *     A new identity is started. A changed entry with the same identity keeps its sockets,
 *     children, throttle, busy-warning and stress times: it takes the new definition (and its
 *     process limit) and is restarted. A changed identity is a removal plus a start. A later
 *     entry with an identity already taken wins, with Postfix's duplicate warning.
 *
 *     Reload is Postfix's mark and sweep (master_refresh): every wanted entry is applied (marked),
 *     which restarts every surviving service even if nothing changed; the services no entry
 *     marked are removed (swept). When master.cf has a bad line, that line is refused and the
 *     services that came from master.cf are kept as they are; a refused ConfigAdmin entry keeps
 *     its service likewise.
 *
 *     Nothing is done while the master hands over: its successor reads the configuration again.
 *     Called on the event loop with the supervisor's lock held.
 * DIAGNOSTICS
 *     A bad entry is refused with a message that names its origin, the field and the value; the
 *     service it would have replaced, and every other service, keep running.
 */
final class ServiceEntries {
    private final Supervisor supervisor;
    private final Map<String, List<String>> adminEntries = new LinkedHashMap<>();
    private List<MasterCf.Entry> fileEntries = List.of();
    private String fileRead;

    /**
     * A configuration entry resolved with the settings in force.
     *
     * @param name the canonical endpoint name
     */
    record Resolved(String origin, boolean fromMasterCf, ServiceDefinition definition, String name) {
        /** (type, canonical endpoint name). */
        String identity() {
            return definition.type().column() + "/" + name;
        }
    }

    ServiceEntries(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    void put(String origin, List<String> columns) {
        if (supervisor.handover.isRetiring()) {
            return;
        }
        boolean known = adminEntries.containsKey(origin);
        Resolved entry = resolve(origin, false, columns,
                known ? " -- keeping the service as it was" : " -- service not started");
        if (entry == null) {
            return;
        }
        adminEntries.put(origin, columns);
        ServiceEntry current = supervisor.table.byOrigin(origin);
        ServiceEntry same = supervisor.table.get(entry.identity());
        if (same != null && !same.removing && !same.origin.equals(origin)) {
            duplicate(entry);
        }
        if (current != null && current != same) {
            supervisor.lifecycle.startRemoval(current);
        }
        apply(entry);
    }

    void remove(String origin) {
        if (supervisor.handover.isRetiring()) {
            return;
        }
        adminEntries.remove(origin);
        ServiceEntry service = supervisor.table.byOrigin(origin);
        if (service != null) {
            supervisor.lifecycle.startRemoval(service);
        }
    }

    /** Postfix's reload: steps 3-5 of section 6.5 (the settings were taken by the supervisor). */
    void reload() {
        if (supervisor.handover.isRetiring()) {
            return;
        }
        boolean fileIsBad = readMasterCf();
        Set<String> refused = new HashSet<>();
        List<Resolved> entries = new ArrayList<>();
        for (MasterCf.Entry e : fileEntries) {
            Resolved entry = resolve(e.origin(), true, e.columns(), " -- line ignored");
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
        Map<String, Resolved> wanted = new LinkedHashMap<>();
        for (Resolved entry : entries) {
            if (entry != null) {
                if (wanted.remove(entry.identity()) != null) {
                    duplicate(entry);
                }
                wanted.put(entry.identity(), entry);
            }
        }
        Set<ServiceEntry> marked = new HashSet<>();
        for (Resolved entry : wanted.values()) {
            ServiceEntry service = apply(entry);
            if (service != null) {
                marked.add(service);
            }
        }
        for (ServiceEntry service : supervisor.table.all()) {
            if (marked.contains(service) || service.removing) {
                continue;
            }
            if (service.fromMasterCf && fileIsBad) {
                supervisor.context.warning("service " + service + ": kept as it was: " + fileRead + " has errors");
            } else if (refused.contains(service.origin)) {
                supervisor.context.warning("service " + service + ": kept as it was: " + service.origin + " is refused");
            } else {
                supervisor.lifecycle.startRemoval(service);
            }
        }
    }

    /** Every entry is forgotten and every service removed: the master is going away. */
    void removeAll() {
        adminEntries.clear();
        fileEntries = List.of();
        for (ServiceEntry service : supervisor.table.all()) {
            supervisor.lifecycle.startRemoval(service);
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
            MasterCf.Result result = MasterCf.read(file, settings);
            result.errors().forEach(error -> supervisor.context.error(error + " -- line ignored", error));
            fileEntries = result.entries();
            return !result.errors().isEmpty();
        } catch (IOException e) {
            supervisor.context.error(file + ": cannot read: " + e + " -- keeping its services as they are",
                    "open " + file + ": " + e.getMessage());
            return true;
        }
    }

    private Resolved resolve(String origin, boolean fromMasterCf, List<String> columns, String consequence) {
        MasterSettings settings = supervisor.settings();
        try {
            ServiceDefinition definition = ServiceDefinition.fromColumns(columns, settings.defaultProcessLimit(),
                    settings.chrootDefault());
            return new Resolved(origin, fromMasterCf, definition,
                    supervisor.binding.loop().endpointName(definition, settings));
        } catch (IllegalArgumentException e) {
            supervisor.context.error(origin + ": " + e.getMessage() + consequence, origin + ": " + e.getMessage());
            return null;
        }
    }

    private void duplicate(Resolved entry) {
        supervisor.context.warning("duplicate master.cf entry for service \"" + entry.definition().name() + "\" ("
                + entry.name() + ") -- using the last entry");
    }

    /** Starts the entry's service, or updates and restarts the one with its identity. */
    private ServiceEntry apply(Resolved entry) {
        ServiceEntry same = supervisor.table.get(entry.identity());
        if (same == null) {
            return supervisor.lifecycle.start(entry);
        }
        supervisor.lifecycle.update(same, entry);
        return same;
    }
}
