package org.jmaster.api.spi.loop;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What the loop watches for one service: its listen sockets (for readiness, only while
 * listening is enabled) and its status channel (always, for records). The channels stay open
 * when the watch ends: they are the master's.
 */
@ProviderType
public interface Watch {
    /** Enables or disables read events on every listen socket (R5). Any thread. */
    void setListening(boolean enabled);

    /** A restart replaced the status channel: read the new one, forget the old one. Loop thread only. */
    void statusChannel(StatusChannel channel);

    /** Stops watching; a no-op when done already or when the loop has stopped. Any thread. */
    void cancel();
}
