package org.jmaster.api.spi.spawner;

import org.jmaster.api.SpawnException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Process birth and death: starts children with Postfix's descriptor, argument and environment
 * contract (fds 0-2 on /dev/null, 3/4 the flow pipe, 5 the status channel, 6.. the listen
 * sockets, nothing else; cwd the queue directory), signals them by pid, and reaps them by pid,
 * reporting each death to the handler given at spawn. Signal numbers: {@link org.jmaster.api.ExitStatus}.
 *
 * <p>When the spawner goes away it waits, up to the stop timeout, for its children to leave (the
 * master restarts every service so that they do), then terminates the rest: no child outlives it.
 */
@ProviderType
public interface Spawner {
    /**
     * Starts one child.
     *
     * @param onExit told, on the spawner's thread, when the child is reaped
     * @return the child's pid
     * @throws SpawnException when no process could be created
     */
    int spawn(SpawnRequest request, ExitHandler onExit) throws SpawnException;

    /** Sends a signal to the child with this pid; a child already gone is not an error. */
    void signal(int pid, int signal);
}
