package org.jmaster.shell.karaf;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.jmaster.shell.core.Commands;
import org.jmaster.shell.core.Usage;

/** jmaster:cleanup: Commands.cleanup of the core. */
@Service
@Command(scope = "jmaster", name = "cleanup", description = Usage.CLEANUP)
public class Cleanup extends ServiceAction {
    @Override
    void run(Commands commands) {
        commands.cleanup(service);
    }
}
