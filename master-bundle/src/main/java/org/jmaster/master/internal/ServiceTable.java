package org.jmaster.master.internal;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jmaster.api.ServiceType;
import org.jmaster.api.spi.policy.ServiceState;

/**
 * NAME
 *     ServiceTable - the services the master runs (Postfix master_head)
 * SUMMARY
 *     add(entry) / remove(entry)       a service enters or leaves
 *     get(identity), entryOf(state)    lookups
 *     byOrigin(origin)                 the service a configuration entry made, unless being removed
 *     ownerOf(pid)                     the service whose children include this pid
 *     all(), processes(), inetWithoutHost()
 * DESCRIPTION
 *     In configuration order. A service being removed stays until its last child is reaped.
 *     Used with the supervisor's lock held.
 */
final class ServiceTable {
    private final Map<String, ServiceEntry> byIdentity = new LinkedHashMap<>();
    private final Map<ServiceState, ServiceEntry> byState = new IdentityHashMap<>();

    void add(ServiceEntry entry) {
        byIdentity.put(entry.identity, entry);
        byState.put(entry.state, entry);
    }

    void remove(ServiceEntry entry) {
        byIdentity.remove(entry.identity, entry);
        byState.remove(entry.state);
    }

    ServiceEntry get(String identity) {
        return byIdentity.get(identity);
    }

    /** The entry of this state, or null when the service is no longer in the table. */
    ServiceEntry entryOf(ServiceState state) {
        return byState.get(state);
    }

    boolean isCurrent(ServiceState state) {
        return byState.containsKey(state);
    }

    ServiceEntry byOrigin(String origin) {
        for (ServiceEntry entry : byIdentity.values()) {
            if (entry.origin.equals(origin) && !entry.removing) {
                return entry;
            }
        }
        return null;
    }

    ServiceState ownerOf(int pid) {
        for (ServiceState state : byState.keySet()) {
            if (state.child(pid) != null) {
                return state;
            }
        }
        return null;
    }

    /** Every service, in configuration order, a copy. */
    List<ServiceEntry> all() {
        return new ArrayList<>(byIdentity.values());
    }

    boolean isEmpty() {
        return byIdentity.isEmpty();
    }

    /** Children alive, all services together. */
    int processes() {
        int total = 0;
        for (ServiceState state : byState.keySet()) {
            total += state.totalProcesses();
        }
        return total;
    }

    /** inet services that take their addresses from inet_interfaces (Postfix's reload warning). */
    List<ServiceState> inetWithoutHost() {
        List<ServiceState> result = new ArrayList<>();
        for (ServiceState state : byState.keySet()) {
            if (state.definition().type() == ServiceType.INET && !state.name().contains(":")) {
                result.add(state);
            }
        }
        return result;
    }

    void clear() {
        byIdentity.clear();
        byState.clear();
    }
}
