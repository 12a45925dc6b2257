/**
 * Process birth and death: the contract between the spawner bundle and the master.
 */
@Export
@Version("1.0.0")
package org.jmaster.api.spi.spawner;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
