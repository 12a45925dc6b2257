package org.jmaster.shell.karaf;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.jmaster.shell.core.Commands;
import org.jmaster.shell.core.Usage;

/** jmaster:throttle: Commands.throttle of the core. */
@Service
@Command(scope = "jmaster", name = "throttle", description = Usage.THROTTLE)
public class Throttle extends ServiceAction {
    @Argument(index = 1, name = "seconds", description = Usage.SECONDS)
    String seconds;

    @Override
    void run(Commands commands) {
        commands.throttle(service, seconds);
    }
}
