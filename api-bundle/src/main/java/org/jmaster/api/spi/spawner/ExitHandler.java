package org.jmaster.api.spi.spawner;

import org.jmaster.api.ExitStatus;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Receives the death (or stop) of a child from the spawner's reaper thread.
 *
 * <p>A provider type: the master is its only implementer.
 */
@ProviderType
@FunctionalInterface
public interface ExitHandler {
    /**
     * The child was reaped (or reported stopped). Called on the spawner's thread: the master
     * moves it onto the event loop.
     */
    void exited(int pid, ExitStatus status);
}
