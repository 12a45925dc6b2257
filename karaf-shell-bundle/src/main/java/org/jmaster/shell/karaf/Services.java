package org.jmaster.shell.karaf;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.jmaster.shell.core.Commands;
import org.jmaster.shell.core.Usage;

/** jmaster:services: Commands.services of the core. */
@Service
@Command(scope = "jmaster", name = "services", description = Usage.SERVICES)
public class Services extends JmasterAction {
    @Override
    void run(Commands commands) {
        commands.services();
    }
}
