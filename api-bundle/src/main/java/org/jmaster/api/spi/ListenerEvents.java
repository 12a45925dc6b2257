package org.jmaster.api.spi;

import org.jmaster.api.ServiceRuntime;
import org.jmaster.api.StatusRecord;
import org.osgi.annotation.versioning.ConsumerType;

/** What the listener reports to the master, on the loop thread. */
@ConsumerType
public interface ListenerEvents {
    /** A listen socket of the service is readable while listening is enabled: a client waits. */
    void listenReady(ServiceRuntime service);

    /** A 12-byte record arrived on the service's status channel. */
    void statusRecord(ServiceRuntime service, StatusRecord record);

    /** Fewer than 12 bytes arrived and were discarded. */
    void partialStatus(ServiceRuntime service, byte[] bytes, int length);

    /** Reading the status channel failed (the text says how); the channel is no longer watched. */
    void statusFailure(ServiceRuntime service, String message);
}
