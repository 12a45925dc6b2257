package org.jmaster.api;

import java.time.Instant;
import java.util.List;

/**
 * One service at one moment: its definition, its endpoints, what the policy decided and its
 * children (Postfix's {@code MASTER_SERV}), with the counters operators read. An immutable copy,
 * as Felix SCR's runtime answers with DTOs: holding one changes nothing and sees no later change;
 * ask {@link Master#services()} again for that.
 *
 * @param canonicalName Postfix's {@code name}: the canonical endpoint name that, with the type,
 *     identifies the service ({@code "25"} for {@code smtp inet}, {@code "private/foo"})
 * @param started when the service was started; a reload keeps it, a removal and a new start do not
 * @param definition the master.cf line in force
 * @param path the executable children run
 * @param endpoints where it listens: addresses for inet, socket paths otherwise
 * @param processLimit the process limit in force, 0 for unlimited
 * @param totalProcesses children alive ({@code total_proc})
 * @param availableProcesses children idle ({@code avail_proc})
 * @param listening the master watches the listen sockets ({@code MASTER_FLAG_LISTEN})
 * @param throttled process creation is suspended
 * @param throttleRemainingMillis how long the throttle still lasts, 0 when not throttled
 * @param stressMode new children get {@code -o stress=yes}
 * @param processesSpawned children created since the service started
 * @param requestsCompleted TAKEN to AVAIL transitions, summed over every child
 * @param badStartups children that died before completing one request
 * @param throttleCount times the service was throttled
 * @param limitReachedCount times the service reached its process limit with no idle child
 * @param processes the live children, oldest generation first
 */
public record ServiceSnapshot(String canonicalName, Instant started, ServiceDefinition definition, String path, List<String> endpoints,
        int processLimit, int totalProcesses, int availableProcesses, boolean listening, boolean throttled,
        long throttleRemainingMillis, boolean stressMode, long processesSpawned, long requestsCompleted,
        long badStartups, long throttleCount, long limitReachedCount, List<ProcessSnapshot> processes) {

    /** Copies the lists. */
    public ServiceSnapshot {
        endpoints = List.copyOf(endpoints);
        processes = List.copyOf(processes);
    }

    /** Postfix's {@code ext_name}: the service name as written. */
    public String name() {
        return definition.name();
    }

    /** The transport type. */
    public ServiceType type() {
        return definition.type();
    }

    /** {@code <ext_name>(<name>)}, the way Postfix names a service in its messages. */
    @Override
    public String toString() {
        return definition.name() + "(" + canonicalName + ")";
    }
}
