package org.jmaster.shell.gogo;

import java.util.function.Consumer;
import org.apache.felix.service.command.Descriptor;
import org.jmaster.api.jmx.MasterControls;
import org.jmaster.shell.core.Commands;
import org.jmaster.shell.core.Usage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * NAME
 *     GogoCommands - the jmaster: commands of the Felix distribution's Gogo console
 * SYNOPSIS
 *     jmaster:services                      every service, one line each, with its counts
 *     jmaster:processes <service>           the service's children: pid, generation, state, use count, age
 *     jmaster:throttle <service> [seconds]  suspends process creation (service_throttle_time by default)
 *     jmaster:unthrottle <service>          resumes it
 *     jmaster:restart <service>             recycles the children gracefully
 *     jmaster:cleanup <service>             terminates every child
 *     jmaster:resize <service> <n>          sets the process limit until the next reload
 *     jmaster:reload                        Postfix's reload
 *     (each with --help; help jmaster:<command> shows the same)
 * DESCRIPTION
 *     One Gogo command service (osgi.command.scope and osgi.command.function) over the master's
 *     MasterControls service; each function checks its words (Usage) and calls the command of
 *     the shell-independent core (Commands). Gogo is this bundle's only reason to be, so its
 *     package is a mandatory import here, and no longer the master's: the master bundle imports
 *     nothing of any shell, and a refresh of the shell does not restart it.
 *
 *     Caution: Karaf's shell is a Gogo runtime too, and would pick this component up; there the
 *     commands are the org.jmaster.shell.karaf bundle's (Karaf's own command API, with the
 *     completion of service names), and this bundle is not installed: two commands of one name
 *     would be ambiguous in Karaf's registry. The Felix console (gogo.shell) completes nothing.
 * DIAGNOSTICS
 *     Bad input and a refused operation are a CommandException of one line; the console prints
 *     "gogo: CommandException: <message>".
 */
@Component(service = GogoCommands.class, property = {"osgi.command.scope=jmaster",
    "osgi.command.function=services", "osgi.command.function=processes", "osgi.command.function=throttle",
    "osgi.command.function=unthrottle", "osgi.command.function=restart", "osgi.command.function=cleanup",
    "osgi.command.function=resize", "osgi.command.function=reload"})
public final class GogoCommands {
    private final Commands commands;
    private final Consumer<String> out;

    /** The commands over the master's controls; their output goes to the console's standard output. */
    @Activate
    public GogoCommands(@Reference MasterControls controls) {
        this(controls, line -> System.out.println(line)); // the console's own System.out (Gogo's ThreadIO)
    }

    GogoCommands(MasterControls controls, Consumer<String> out) {
        this.commands = new Commands(controls, out);
        this.out = out;
    }

    @Descriptor(Usage.SERVICES)
    public void services(@Descriptor("none") String... args) {
        if (!Usage.help("services", args, out)) {
            Commands.guard("services", () -> commands.services());
        }
    }

    @Descriptor(Usage.PROCESSES)
    public void processes(@Descriptor("<service>: " + Usage.SERVICE) String... args) {
        if (!Usage.help("processes", args, out)) {
            Commands.guard("processes", () -> commands.processes(args[0]));
        }
    }

    @Descriptor(Usage.THROTTLE)
    public void throttle(@Descriptor("<service> [seconds]") String... args) {
        if (!Usage.help("throttle", args, out)) {
            Commands.guard("throttle", () -> commands.throttle(args[0], args.length == 2 ? args[1] : null));
        }
    }

    @Descriptor(Usage.UNTHROTTLE)
    public void unthrottle(@Descriptor("<service>: " + Usage.SERVICE) String... args) {
        if (!Usage.help("unthrottle", args, out)) {
            Commands.guard("unthrottle", () -> commands.unthrottle(args[0]));
        }
    }

    @Descriptor(Usage.RESTART)
    public void restart(@Descriptor("<service>: " + Usage.SERVICE) String... args) {
        if (!Usage.help("restart", args, out)) {
            Commands.guard("restart", () -> commands.restart(args[0]));
        }
    }

    @Descriptor(Usage.CLEANUP)
    public void cleanup(@Descriptor("<service>: " + Usage.SERVICE) String... args) {
        if (!Usage.help("cleanup", args, out)) {
            Commands.guard("cleanup", () -> commands.cleanup(args[0]));
        }
    }

    @Descriptor(Usage.RESIZE)
    public void resize(@Descriptor("<service> <n>") String... args) {
        if (!Usage.help("resize", args, out)) {
            Commands.guard("resize", () -> commands.resize(args[0], args[1]));
        }
    }

    @Descriptor(Usage.RELOAD)
    public void reload(@Descriptor("none") String... args) {
        if (!Usage.help("reload", args, out)) {
            Commands.guard("reload", () -> commands.reload());
        }
    }
}
