package org.jmaster.api.jmx;

import java.util.SortedMap;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The objects behind the master's MBeans, as an OSGi service that the master registers: the
 * operator's other faces, the shell commands (bundles org.jmaster.shell and
 * org.jmaster.shell.karaf), call the operation of the same name on the very object JMX calls, so
 * that a command and its MBean operation are one code path (the same checks, log lines,
 * notifications and refusals).
 *
 * <p>Caution: a call here passes no JMX access check and no JMX audit; a caller that acts for a
 * user checks and logs as the JMX connector does (logger {@link AuditLog#LOGGER}). The objects
 * are the master's of this moment: a new master (bundle update) registers new ones, and a caller
 * asks again for each command instead of keeping them.
 */
@ProviderType
public interface MasterControls {
    /** The Master MBean's object: reload, the service list. */
    MasterMXBean masterControl();

    /**
     * Every service's MBean object now, by "<service>/<type>" in the order of those names (a second
     * service of the same name and type, under another endpoint, as "<service>/<type>@<endpoint>").
     */
    SortedMap<String, ServiceMXBean> serviceControls();
}
