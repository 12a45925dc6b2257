package org.jmaster.shell.karaf;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.jmaster.shell.core.Usage;

/** A command on one service: its first argument, which TAB completes to the services' labels. */
public abstract class ServiceAction extends JmasterAction {
    @Argument(index = 0, name = "service", description = Usage.SERVICE, required = true)
    @Completion(ServiceCompleter.class)
    String service;
}
