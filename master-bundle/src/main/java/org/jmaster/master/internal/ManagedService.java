package org.jmaster.master.internal;

import org.jmaster.api.ServiceRuntime;

/** One service in the master's table: where its configuration came from, its identity, its state. */
final class ManagedService {
    /** The configuration entry in force: a configuration PID, or a master.cf file and line. */
    String origin;
    /** (type, canonical endpoint name): two entries with the same identity are one service. */
    final String identity;
    final ServiceRuntime runtime;
    /** Its entry is gone: a cleanup runs, then its sockets close. */
    boolean removing;

    ManagedService(String origin, String identity, ServiceRuntime runtime) {
        this.origin = origin;
        this.identity = identity;
        this.runtime = runtime;
    }
}
