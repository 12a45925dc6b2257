package org.jmaster.shell.karaf;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.jmaster.shell.core.Commands;
import org.jmaster.shell.core.Usage;

/** jmaster:processes: Commands.processes of the core. */
@Service
@Command(scope = "jmaster", name = "processes", description = Usage.PROCESSES)
public class Processes extends ServiceAction {
    @Override
    void run(Commands commands) {
        commands.processes(service);
    }
}
