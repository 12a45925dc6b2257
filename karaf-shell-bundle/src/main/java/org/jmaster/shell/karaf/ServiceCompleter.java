package org.jmaster.shell.karaf;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.jmaster.api.jmx.MasterControls;
import org.jmaster.shell.core.Commands;

/**
 * The service argument's completion: the label of every service now ("<service>/<type>", as
 * Commands.labels gives them), asked of the master at each TAB, so that a service a reload added
 * is offered at once.
 */
@Service
public class ServiceCompleter implements Completer {
    @Reference
    MasterControls controls;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        // case-sensitive, as the names are: labels that differ in case alone are two services
        return new StringsCompleter(Commands.labels(controls), true).complete(session, commandLine, candidates);
    }
}
