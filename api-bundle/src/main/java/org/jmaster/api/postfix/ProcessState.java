package org.jmaster.api.postfix;

/**
 * What a child reports, and what the master believes it is doing: Postfix's
 * {@code MASTER_STAT_TAKEN} and {@code MASTER_STAT_AVAIL}. The code is the value a child writes
 * in a status record.
 */
public enum ProcessState {
    /** Busy with a client: do not count it as idle ({@code MASTER_STAT_TAKEN = 0}). */
    TAKEN(StatusRecord.TAKEN),
    /** Idle and ready to accept ({@code MASTER_STAT_AVAIL = 1}). */
    AVAIL(StatusRecord.AVAIL);

    private final int code;

    ProcessState(int code) {
        this.code = code;
    }

    /** The status value on the wire. */
    public int code() {
        return code;
    }
}
