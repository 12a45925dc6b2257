/**
 * The JMX management interface of jmaster, as MXBeans so that any JMX client (JConsole, jmxterm)
 * reads it with open types only and needs none of jmaster's classes.
 *
 * <p>Names: {@code org.jmaster:type=Master} and one
 * {@code org.jmaster:type=Service,name=<ObjectName.quote("<service>/<type>")>} per service.
 * These names, attributes, operations and notification types are a contract.
 */
@Export
@Version("1.0.0")
package org.jmaster.api.jmx;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
