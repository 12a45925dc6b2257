package org.jmaster.api.spi.policy;

import java.time.Instant;
import org.jmaster.api.ProcessSnapshot;
import org.jmaster.api.postfix.ProcessState;

/**
 * What the master knows of one child process: Postfix's {@code MASTER_PROC}.
 *
 * <p>Created by the master when the spawner has started the process; from then on its state
 * and use count are changed only by the policy, on the event-loop thread. Other threads (JMX) may
 * read it at any time, each read a snapshot of one field.
 */
public final class ChildState {
    private final int pid;
    private final long generation;
    private final Instant startTime;
    private volatile ProcessState state = ProcessState.TAKEN;
    private volatile int useCount;
    private volatile boolean terminating;

    /**
     * A freshly spawned child, TAKEN with use count 0 until the policy counts it available.
     *
     * @param pid its process id
     * @param generation the master-wide generation it was given ({@code GENERATION}), unsigned 32 bits
     * @param startTime when it was spawned (wall clock, for operators)
     */
    public ChildState(int pid, long generation, Instant startTime) {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be positive: " + pid);
        }
        if (generation < 0 || generation > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("generation out of unsigned 32-bit range: " + generation);
        }
        this.pid = pid;
        this.generation = generation;
        this.startTime = startTime;
    }

    /** The process id. */
    public int pid() {
        return pid;
    }

    /** The generation this child was started with; records carrying another one are stale. */
    public long generation() {
        return generation;
    }

    /** When the child was spawned. */
    public Instant startTime() {
        return startTime;
    }

    /** TAKEN or AVAIL, as the master believes. */
    public ProcessState state() {
        return state;
    }

    /** True while the master counts this child as idle. */
    public boolean isAvailable() {
        return state == ProcessState.AVAIL;
    }

    /** Requests completed: the TAKEN to AVAIL transitions the master has seen. */
    public int useCount() {
        return useCount;
    }

    /**
     * The master asked this child to go (its spawner is leaving): its death, by SIGTERM or
     * otherwise, is neither warned about as a signal nor counted as a bad start-up.
     */
    public boolean isTerminating() {
        return terminating;
    }

    /** Master only, loop thread only. */
    public void setTerminating() {
        this.terminating = true;
    }

    /** Policy only, loop thread only. */
    public void setState(ProcessState state) {
        this.state = state;
    }

    /** Policy only, loop thread only: one more completed request. */
    public void countUse() {
        useCount++;
    }

    /** An immutable copy, for other bundles. */
    public ProcessSnapshot snapshot() {
        return new ProcessSnapshot(pid, generation, state, useCount, startTime);
    }

    @Override
    public String toString() {
        return "pid " + pid + " generation " + generation + " " + state + " use count " + useCount;
    }
}
