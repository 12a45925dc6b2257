/**
 * The service provider interfaces between jmaster's bundles.
 *
 * <p>The data path, as in Postfix: a client connects; the {@link org.jmaster.api.spi.Listener}
 * sees the listen socket readable (it only watches while no child is idle) and tells the master;
 * the master asks the {@link org.jmaster.api.spi.ProcessPolicy}, which decides and, through its
 * {@link org.jmaster.api.spi.PolicyContext}, has the {@link org.jmaster.api.spi.Spawner} start a
 * child; the child accepts and writes TAKEN, later AVAIL; the listener reads the record and the
 * policy updates its counts and whether to listen.
 *
 * <p>Threads: the policy is called on the listener's event-loop thread only, and every change of
 * a service's runtime state happens there.
 */
@Export
@Version("1.1.0")
package org.jmaster.api.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
