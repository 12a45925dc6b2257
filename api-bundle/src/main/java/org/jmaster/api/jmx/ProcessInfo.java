package org.jmaster.api.jmx;

import java.util.Date;

/** One live child of a service, a row of the {@code Processes} attribute. */
public interface ProcessInfo {
    /** The process id. */
    int getPid();

    /** The master-wide generation the child was started with. */
    long getGeneration();

    /** {@code AVAIL} (idle) or {@code TAKEN} (busy). */
    String getState();

    /** Requests the child completed. */
    int getUseCount();

    /** When the child was started. */
    Date getStartTime();
}
