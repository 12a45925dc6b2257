package org.jmaster.api.jmx;

import java.util.Date;
import org.osgi.annotation.versioning.ProviderType;

/** One live child of a service, a row of the {@code Processes} attribute. */
@ProviderType
@Description("A live child process of the service.")
public interface ProcessInfo {
    /** The process id. */
    @Description("The process id.")
    int getPid();

    /** The master-wide generation the child was started with. */
    @Description("The master-wide generation the child was started with (its GENERATION).")
    long getGeneration();

    /** {@code AVAIL} (idle) or {@code TAKEN} (busy). */
    @Description("AVAIL when idle and accepting, TAKEN when busy with a client.")
    String getState();

    /** Requests the child completed. */
    @Description("Requests the child completed.")
    int getUseCount();

    /** When the child was started. */
    @Description("When the child was started.")
    Date getStartTime();
}
