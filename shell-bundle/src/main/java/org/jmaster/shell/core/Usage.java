package org.jmaster.shell.core;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;
import org.jmaster.api.jmx.AuditLog;

/**
 * NAME
 *     Usage - what each jmaster: command does and takes, in one place for both shells
 * SYNOPSIS
 *     Usage.SERVICES ... Usage.RELOAD           what a command does (a constant, for annotations)
 *     Usage.SERVICE, Usage.SECONDS, Usage.LIMIT  what an argument is
 *     Usage.help(command, args, out)           --help, or the number of arguments checked
 * DESCRIPTION
 *     The constants are the descriptions that Gogo's @Descriptor and Karaf's @Command and
 *     @Argument show (help jmaster:throttle). help() serves a shell that hands a command its
 *     words as they were typed (Gogo): with --help or -h among them it prints the usage and the
 *     description and returns true; otherwise it checks how many there are. Karaf's command API
 *     does both itself, from the annotations.
 * DIAGNOSTICS
 *     A missing or an extra argument is a CommandException: "jmaster:resize: missing <n> --
 *     usage: jmaster:resize <service> <n>".
 */
public final class Usage {
    public static final String SERVICES = "Lists every service: service, type, process limit, processes total and"
            + " available, listening, throttled, stress mode, children spawned, requests completed, bad start-ups";
    public static final String PROCESSES = "Lists the children of a service: pid, generation, state (AVAIL idle, TAKEN"
            + " busy), requests completed, age";
    public static final String THROTTLE = "Suspends process creation of a service, for service_throttle_time or the"
            + " given seconds (at most a day); clients wait in the listen queue";
    public static final String UNTHROTTLE = "Resumes process creation of a service now";
    public static final String RESTART = "Recycles the children of a service gracefully: each finishes its request and"
            + " exits; the listen sockets stay open";
    public static final String CLEANUP = "Terminates every child of a service (SIGTERM, then SIGKILL after"
            + " stop_timeout); returns when they are gone. The service serves the next client with a new child";
    public static final String RESIZE = "Sets the process limit of a service (1 or more) at once; the next reload puts"
            + " the configured maxproc back";
    public static final String RELOAD = "Postfix's reload: reads org.jmaster.master, main.cf, master.cf and the service"
            + " configurations again; new services start, the others restart gracefully, removed ones stop";

    /** The service argument. */
    public static final String SERVICE = "The service, as jmaster:services shows it, or <service>/<type>";
    /** throttle's second argument. */
    public static final String SECONDS = "How long, from 1 to 86400 (a day); service_throttle_time when left out";
    /** resize's second argument. */
    public static final String LIMIT = "The new process limit, 1 or more";

    /** A command's arguments as its usage line names them, how many it takes, and what it does. */
    private record Form(String synopsis, int min, int max, String description) {
    }

    private static final Map<String, Form> FORMS = Map.of(
            "services", new Form("", 0, 0, SERVICES),
            "processes", new Form("<service>", 1, 1, PROCESSES),
            "throttle", new Form("<service> [seconds]", 1, 2, THROTTLE),
            "unthrottle", new Form("<service>", 1, 1, UNTHROTTLE),
            "restart", new Form("<service>", 1, 1, RESTART),
            "cleanup", new Form("<service>", 1, 1, CLEANUP),
            "resize", new Form("<service> <n>", 2, 2, RESIZE),
            "reload", new Form("", 0, 0, RELOAD));

    private Usage() {
    }

    /**
     * --help (or -h) among the words: prints the usage and what the command does, and returns
     * true. Otherwise checks the number of words and returns false.
     */
    public static boolean help(String command, String[] args, Consumer<String> out) {
        Form form = FORMS.get(command);
        if (form == null) {
            throw new IllegalStateException("no jmaster:" + command); // a command of ours without a usage
        }
        String usage = "usage: jmaster:" + command + (form.synopsis().isEmpty() ? "" : " " + form.synopsis());
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            out.accept(usage + "\n  " + form.description() + ".");
            return true;
        }
        if (args.length < form.min()) {
            throw new CommandException("jmaster:" + command + ": missing " + form.synopsis().split(" ")[args.length]
                    + " -- " + usage);
        }
        if (args.length > form.max()) {
            throw new CommandException("jmaster:" + command + ": too many arguments: "
                    + AuditLog.printable(String.join(" ", args)) + " -- " + usage);
        }
        return false;
    }
}
