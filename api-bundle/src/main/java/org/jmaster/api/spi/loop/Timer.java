package org.jmaster.api.spi.loop;

import org.osgi.annotation.versioning.ProviderType;

/** A task scheduled on the event loop. */
@ProviderType
public interface Timer {
    /** The task will not run (a no-op when it already ran or was cancelled). Any thread. */
    void cancel();
}
