package org.jmaster.shell.karaf;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.jmaster.api.jmx.MasterControls;
import org.jmaster.shell.core.Commands;

/**
 * NAME
 *     JmasterAction - a jmaster: command in Karaf's own command API
 * SYNOPSIS
 *     jmaster:services, processes, throttle, unthrottle, restart, cleanup, resize, reload
 *     (the same as in the Felix console; TAB completes a service, --help and help jmaster:x
 *     show Karaf's usage)
 * DESCRIPTION
 *     Karaf's command extender (the Karaf-Commands header names this package) registers each
 *     action of this package, and ServiceCompleter, once the master's MasterControls service is
 *     there, and removes them when it goes. Karaf parses the arguments (@Argument, Karaf's
 *     missing and extra argument messages), answers --help and completes the service argument
 *     (@Completion, ServiceCompleter); an action hands what was typed to the command of the
 *     shell-independent core (org.jmaster.shell.core.Commands, embedded in this bundle from the
 *     shell bundle), which prints through Karaf's System.out. Karaf wraps a Gogo command with no
 *     argument completer, hence these actions instead of the shell bundle's Gogo commands, which
 *     are not installed in Karaf.
 *
 *     Karaf applies its command ACL to these commands as to its own: the feature's
 *     org.apache.karaf.command.acl.jmaster gives each the role of its MBean operation, and a
 *     command a user's roles do not allow is not found.
 * DIAGNOSTICS
 *     The core's CommandException: Karaf prints its one line and logs no stack trace.
 */
public abstract class JmasterAction implements Action {
    @Reference
    MasterControls controls;

    @Override
    public final Object execute() {
        Commands commands = new Commands(controls, line -> System.out.println(line)); // the session's System.out (ThreadIO)
        Commands.guard(getClass().getAnnotation(Command.class).name(), () -> run(commands));
        return null;
    }

    /** The command, with the arguments Karaf has set. */
    abstract void run(Commands commands);
}
