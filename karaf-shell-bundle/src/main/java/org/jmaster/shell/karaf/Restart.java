package org.jmaster.shell.karaf;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.jmaster.shell.core.Commands;
import org.jmaster.shell.core.Usage;

/** jmaster:restart: Commands.restart of the core. */
@Service
@Command(scope = "jmaster", name = "restart", description = Usage.RESTART)
public class Restart extends ServiceAction {
    @Override
    void run(Commands commands) {
        commands.restart(service);
    }
}
