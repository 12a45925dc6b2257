package org.jmaster.api.spi.loop;

import org.jmaster.api.postfix.StatusRecord;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What the loop reports to the master about one watched service, on the loop thread.
 *
 * <p>A provider type: the master is its only implementer.
 */
@ProviderType
public interface LoopEvents {
    /** A listen socket is readable while listening is enabled: a client waits. */
    void listenReady();

    /** A 12-byte record arrived on the status channel. */
    void statusRecord(StatusRecord record);

    /** Fewer than 12 bytes arrived and were discarded. */
    void partialStatus(byte[] bytes, int length);

    /** Reading the status channel failed (the text says how); the channel may no longer be watched. */
    void statusFailure(String message);
}
