package org.jmaster.api.spi.spawner;

import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.StressArgument;

/**
 * One child to start: what Postfix's {@code master_spawn} takes from the service and the master.
 *
 * @param definition the service's master.cf line (argv: the command and the master's flags)
 * @param path the executable
 * @param settings the master-wide parameters (queue directory, environment, stop timeout)
 * @param generation the master-wide generation, passed in {@code GENERATION} (octal)
 * @param stress the stress argument
 * @param statusFd the master's descriptor of the status channel's child end, placed at fd 5
 * @param listenFds the master's descriptors of the listen sockets, placed from fd 6 in order
 */
public record SpawnRequest(ServiceDefinition definition, String path, MasterSettings settings, long generation,
        StressArgument stress, int statusFd, int[] listenFds) {
    /** Copies the descriptors. */
    public SpawnRequest {
        listenFds = listenFds.clone();
    }

    /** The listen descriptors, a copy. */
    @Override
    public int[] listenFds() {
        return listenFds.clone();
    }
}
