package org.jmaster.api;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The running master, as an OSGi service: what its JMX face and other bundles may ask of it. It
 * hands out snapshots only: nothing a caller holds is the master's live state.
 */
@ProviderType
public interface Master {
    /**
     * Postfix's reload: re-reads the settings ({@code org.jmaster.master}), master.cf and the
     * service configurations; starts new services, restarts every surviving one (new status
     * channel, listen sockets kept, throttle, busy-warning time and stress expiry kept), and stops
     * removed ones. Returns when it is done.
     *
     * @throws IllegalStateException when the master cannot act now (a bundle it needs is being
     *     replaced), or the reload did not finish within 30 s
     */
    void reload();

    /** Every service now, in configuration order: a snapshot of each. */
    List<ServiceSnapshot> services();

    /** The master-wide generation counter: the generation of the newest child. */
    long processGeneration();
}
