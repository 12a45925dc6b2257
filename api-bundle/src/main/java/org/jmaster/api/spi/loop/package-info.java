/**
 * The event loop: the contract between the nio bundle, which owns the master's I/O thread, and
 * the master.
 *
 * <p>The loop creates the endpoints and status channels ({@link org.jmaster.api.spi.loop.ListenSockets},
 * {@link org.jmaster.api.spi.loop.StatusChannel}), which the master then keeps, so that it can
 * hand them to the next loop when the nio bundle is replaced. It watches them for the master
 * ({@link org.jmaster.api.spi.loop.Watch}), telling it what happens
 * ({@link org.jmaster.api.spi.loop.LoopEvents}), and runs its timers and tasks, all on its one
 * thread. It also sends the master's wakeup triggers (1.1).
 */
@Export
@Version("1.1.0")
package org.jmaster.api.spi.loop;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
