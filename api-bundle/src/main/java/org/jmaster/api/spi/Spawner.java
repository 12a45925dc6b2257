package org.jmaster.api.spi;

import org.jmaster.api.ChildProcess;
import org.jmaster.api.ServiceRuntime;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Process birth and death: starts children with Postfix's descriptor and argument contract,
 * signals them by pid, and reaps them by pid, reporting each death to the handler given at spawn.
 */
@ProviderType
public interface Spawner {
    /** SIGKILL on Linux. */
    int SIGKILL = 9;
    /** SIGTERM on Linux. */
    int SIGTERM = 15;

    /**
     * Starts one child of the service.
     *
     * @param generation the master-wide generation, passed in {@code GENERATION} (octal)
     * @param stress the stress argument
     * @param onExit told, on the spawner's thread, when the child is reaped
     * @throws SpawnException when no process could be created
     */
    ChildProcess spawn(ServiceRuntime service, long generation, StressArgument stress, ExitHandler onExit)
            throws SpawnException;

    /** Sends a signal to the child by pid; a child already gone is not an error. */
    void signal(ChildProcess child, int signal);
}
