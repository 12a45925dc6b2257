package org.jmaster.api;

import java.time.Instant;
import org.jmaster.api.postfix.ProcessState;

/**
 * One live child of a service at one moment: what the master knew of it (Postfix's
 * {@code MASTER_PROC}). An immutable copy.
 *
 * @param pid the process id
 * @param generation the master-wide generation it was started with ({@code GENERATION})
 * @param state TAKEN (busy) or AVAIL (idle), as the master believes
 * @param useCount requests completed: the TAKEN to AVAIL transitions the master has seen
 * @param startTime when it was spawned (wall clock)
 */
public record ProcessSnapshot(int pid, long generation, ProcessState state, int useCount, Instant startTime) {
    /** True when the master counted this child as idle. */
    public boolean isAvailable() {
        return state == ProcessState.AVAIL;
    }
}
