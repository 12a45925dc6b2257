/**
 * The service model of jmaster: what a master.cf line says ({@link org.jmaster.api.ServiceDefinition}),
 * what the master knows of a running service and its children ({@link org.jmaster.api.ServiceRuntime},
 * {@link org.jmaster.api.ChildProcess}), and the 12-byte status record children send
 * ({@link org.jmaster.api.StatusRecord}).
 */
@Export
@Version("1.0.0")
package org.jmaster.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
