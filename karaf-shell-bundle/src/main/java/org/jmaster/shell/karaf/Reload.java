package org.jmaster.shell.karaf;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.jmaster.shell.core.Commands;
import org.jmaster.shell.core.Usage;

/** jmaster:reload: Commands.reload of the core. */
@Service
@Command(scope = "jmaster", name = "reload", description = Usage.RELOAD)
public class Reload extends JmasterAction {
    @Override
    void run(Commands commands) {
        commands.reload();
    }
}
