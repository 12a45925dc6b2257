package org.jmaster.api.spi;

import org.jmaster.api.ExitStatus;
import org.osgi.annotation.versioning.ConsumerType;

/** Receives the death (or stop) of a child from the spawner's reaper thread. */
@ConsumerType
@FunctionalInterface
public interface ExitHandler {
    /**
     * The child was reaped (or reported stopped). Called on the spawner's thread: the master
     * moves it onto the event loop.
     */
    void exited(int pid, ExitStatus status);
}
