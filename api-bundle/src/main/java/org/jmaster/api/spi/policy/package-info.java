/**
 * The process policy and the master's state it decides on: the contract between the policy
 * bundle and the master, and nobody else.
 *
 * <p>{@link org.jmaster.api.spi.policy.ServiceState} and
 * {@link org.jmaster.api.spi.policy.ChildState} are Postfix's {@code MASTER_SERV} and
 * {@code MASTER_PROC}: mutable, created by the master, changed by the policy on the event-loop
 * thread. Other bundles see only the snapshots of {@link org.jmaster.api.Master#services()}.
 *
 * <p>The data path: the event loop tells the master that a listen socket is readable or that a
 * status record arrived; the master asks the {@link org.jmaster.api.spi.policy.ProcessPolicy},
 * which decides and acts through its {@link org.jmaster.api.spi.policy.PolicyContext} (listen,
 * spawn, signal, timers keyed by service and {@link org.jmaster.api.spi.policy.TimerKind}).
 */
@Export
@Version("1.0.0")
package org.jmaster.api.spi.policy;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
