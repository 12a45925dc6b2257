package org.jmaster.shell.karaf;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.jmaster.shell.core.Commands;
import org.jmaster.shell.core.Usage;

/** jmaster:unthrottle: Commands.unthrottle of the core. */
@Service
@Command(scope = "jmaster", name = "unthrottle", description = Usage.UNTHROTTLE)
public class Unthrottle extends ServiceAction {
    @Override
    void run(Commands commands) {
        commands.unthrottle(service);
    }
}
