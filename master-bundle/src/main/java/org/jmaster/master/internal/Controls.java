package org.jmaster.master.internal;

import java.util.SortedMap;
import org.jmaster.api.jmx.MasterMXBean;
import org.jmaster.api.jmx.ServiceMXBean;

/**
 * The objects behind the master's MBeans, for its other operator face, the shell commands
 * (ShellCommands): an internal service between the master component and the command component of
 * this bundle, so that a command and the MBean operation of the same name are one code path.
 */
public interface Controls {
    /** The Master MBean's object: reload, the service list. */
    MasterMXBean masterControl();

    /**
     * Every service's MBean object now, by "<service>/<type>" in the order of those names (a second
     * service of the same name and type, under another endpoint, as "<service>/<type>@<endpoint>").
     */
    SortedMap<String, ServiceMXBean> serviceControls();
}
