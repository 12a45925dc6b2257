/**
 * The service model of jmaster as other bundles see it: what a master.cf line says
 * ({@link org.jmaster.api.ServiceDefinition}), the master-wide parameters
 * ({@link org.jmaster.api.MasterSettings}), the running {@link org.jmaster.api.Master} and the
 * immutable snapshots it hands out ({@link org.jmaster.api.ServiceSnapshot},
 * {@link org.jmaster.api.ProcessSnapshot}).
 *
 * <p>The master's mutable runtime state is not here: it lives in
 * {@link org.jmaster.api.spi.policy}, which only the policy and the master import.
 */
@Export
@Version("2.0.0")
package org.jmaster.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
