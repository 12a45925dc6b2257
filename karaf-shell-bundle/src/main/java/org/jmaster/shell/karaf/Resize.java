package org.jmaster.shell.karaf;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.jmaster.shell.core.Commands;
import org.jmaster.shell.core.Usage;

/** jmaster:resize: Commands.resize of the core. */
@Service
@Command(scope = "jmaster", name = "resize", description = Usage.RESIZE)
public class Resize extends ServiceAction {
    @Argument(index = 1, name = "n", description = Usage.LIMIT, required = true)
    String limit;

    @Override
    void run(Commands commands) {
        commands.resize(service, limit);
    }
}
