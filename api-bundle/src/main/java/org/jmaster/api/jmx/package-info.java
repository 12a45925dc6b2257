/**
 * The JMX management interface of jmaster, as MXBeans so that any JMX client (JConsole, jmxterm)
 * reads it with open types only and needs none of jmaster's classes.
 *
 * <p>Names: {@code org.jmaster:type=Master} and one
 * {@code org.jmaster:type=Service,name=<ObjectName.quote("<service>/<type>")>} per service.
 * These names, attributes, operations and notification types are a contract.
 *
 * <p>1.1: {@link org.jmaster.api.jmx.MasterControls}, the objects behind the MBeans as an OSGi
 * service for the shell commands, and {@link org.jmaster.api.jmx.AuditLog}, the audit logger's
 * name and escaping.
 */
@Export
@Version("1.1.0")
package org.jmaster.api.jmx;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
