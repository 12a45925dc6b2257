package org.jmaster.api.spi;

import org.jmaster.api.ServiceRuntime;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The event loop that owns the master's I/O: it watches the listen sockets of a service while the
 * policy wants it to, reads the status channels, and runs timers and tasks on its one thread.
 */
@ProviderType
public interface Listener {
    /** Enables or disables read events on every listen socket of the service. Loop thread only. */
    void setListening(ServiceRuntime service, boolean enabled);

    /** Runs the task on the loop thread after the delay; cancellable from the loop thread. */
    Timer schedule(long delayMillis, Runnable task);

    /** Runs the task on the loop thread, in submission order. Any thread. */
    void execute(Runnable task);
}
