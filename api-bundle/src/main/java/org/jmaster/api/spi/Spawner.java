package org.jmaster.api.spi;

import org.jmaster.api.ChildProcess;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceRuntime;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Process birth and death: starts children with Postfix's descriptor, argument and environment
 * contract (fds 0-2 on /dev/null, 3/4 the flow pipe, 5 the status channel, 6.. the listen
 * sockets, nothing else; cwd the queue directory), signals them by pid, and reaps them by pid,
 * reporting each death to the handler given at spawn.
 *
 * <p>When the spawner goes away it waits, up to the stop timeout, for its children to leave (the
 * master restarts every service so that they do), then terminates the rest: no child outlives it.
 */
@ProviderType
public interface Spawner {
    /** SIGKILL on Linux. */
    int SIGKILL = 9;
    /** SIGTERM on Linux. */
    int SIGTERM = 15;

    /**
     * Starts one child of the service with its current listen sockets and status channel.
     *
     * @param settings the master-wide parameters (queue directory, environment, ...)
     * @param generation the master-wide generation, passed in {@code GENERATION} (octal)
     * @param stress the stress argument
     * @param onExit told, on the spawner's thread, when the child is reaped
     * @throws SpawnException when no process could be created
     */
    ChildProcess spawn(ServiceRuntime service, MasterSettings settings, long generation, StressArgument stress,
            ExitHandler onExit) throws SpawnException;

    /** Sends a signal to the child by pid; a child already gone is not an error. */
    void signal(ChildProcess child, int signal);
}
