package org.jmaster.master.internal;

import org.jmaster.api.ServiceRuntime;
import org.jmaster.api.spi.Timer;

/** One service in the master's table: where its configuration came from, its identity, its state. */
final class ManagedService {
    /** The configuration entry in force: a configuration PID, or a master.cf file and line. */
    String origin;
    /** That entry is a master.cf line. */
    boolean fromMasterCf;
    /** (type, canonical endpoint name): two entries with the same identity are one service. */
    final String identity;
    final ServiceRuntime runtime;
    /** Its entry is gone: a cleanup runs, then its sockets close. */
    boolean removing;
    /** Postfix's MASTER_FLAG_CONDWAKE: a "N?" wakeup that waits for the first spawn. */
    boolean awaitingFirstSpawn;
    /** The next wakeup, or null. */
    Timer wakeupTimer;
    /** When the next wakeup is due, on the master's clock. */
    long wakeupDue;

    ManagedService(String origin, String identity, ServiceRuntime runtime) {
        this.origin = origin;
        this.identity = identity;
        this.runtime = runtime;
        this.awaitingFirstSpawn = runtime.definition().isConditionalWakeup();
    }
}
