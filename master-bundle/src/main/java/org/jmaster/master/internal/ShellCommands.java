package org.jmaster.master.internal;

import java.security.AccessController;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.Consumer;
import javax.management.MBeanException;
import javax.security.auth.Subject;
import org.apache.felix.service.command.Descriptor;
import org.jmaster.api.jmx.MasterMXBean;
import org.jmaster.api.jmx.ProcessInfo;
import org.jmaster.api.jmx.ServiceMXBean;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * NAME
 *     ShellCommands - the jmaster: commands of the distribution's Gogo console and of Karaf's shell
 * SYNOPSIS
 *     jmaster:services                      every service, one line each, with its counts
 *     jmaster:processes <service>           the service's children: pid, generation, state, use count, age
 *     jmaster:throttle <service> [seconds]  suspends process creation (service_throttle_time by default)
 *     jmaster:unthrottle <service>          resumes it
 *     jmaster:restart <service>             recycles the children gracefully
 *     jmaster:cleanup <service>             terminates every child
 *     jmaster:resize <service> <n>          sets the process limit until the next reload
 *     jmaster:reload                        Postfix's reload
 *     (each with --help; help jmaster:<command> shows the same in either shell)
 * DESCRIPTION
 *     One Gogo command service (osgi.command.scope and osgi.command.function), which the Felix
 *     console and Karaf's shell both pick up. A command calls the operation of the same name on
 *     the very object behind the service's or the master's MBean (Controls): the same checks, the
 *     same log lines and notifications, the same refusals in the same words. A service is named as
 *     its MBean, <service>/<type> (127.0.0.1:10007/inet), or by its name alone when no other
 *     service has it (smtp inet and smtp unix need their type). Each operation is logged first
 *     (logger org.jmaster.master) with the command line and the user: Karaf's, or else the JVM's,
 *     who owns the console.
 *
 *     Why in the master bundle, and not in a bundle of its own: the commands must be the MBean
 *     operations, and the objects behind the MBeans live here (a bundle of its own would reach
 *     them only through the MBean server, and through a second API); they come and go with the
 *     master, as its MBeans do, when it is replaced; and nothing is added to the distribution or
 *     the feature. The one Gogo type used is the Descriptor annotation, and its package is
 *     imported optionally: where no shell runs, the master resolves, this class loads (an absent
 *     annotation is ignored) and the component, a delayed one, is never activated, since no shell
 *     asks for it. No Gogo type appears in a signature, for the same reason.
 *
 *     Completion: the console of the Felix distribution (gogo.shell) completes nothing; Karaf
 *     wraps a Gogo command into one of its own with no argument completer (its CommandTracker),
 *     so it completes the command names, not their arguments; argument completion would need
 *     Karaf's own command API, a second set of commands. --help is handled here, since neither
 *     shell answers it for a Gogo command. Under Karaf, the feature's command ACL
 *     (org.apache.karaf.command.acl.jmaster) gives each command the role of its MBean operation.
 * DIAGNOSTICS
 *     Bad input (no such service, a missing or extra argument, a number that is not one or is out
 *     of range) and a refused operation are a CommandException, one line that names the command
 *     and what is wrong. Karaf prints its message alone and logs no stack trace, as for its own
 *     CommandException; the Felix console prints "gogo: CommandException: <message>".
 */
@Component(service = ShellCommands.class, property = {"osgi.command.scope=jmaster",
    "osgi.command.function=services", "osgi.command.function=processes", "osgi.command.function=throttle",
    "osgi.command.function=unthrottle", "osgi.command.function=restart", "osgi.command.function=cleanup",
    "osgi.command.function=resize", "osgi.command.function=reload"})
public final class ShellCommands {
    private static final String[] SERVICE_HEADER = {"service", "type", "limit", "total", "available", "listening",
        "throttled", "stress", "spawned", "completed", "bad start-ups"};
    private static final String[] PROCESS_HEADER = {"pid", "generation", "state", "use count", "age"};

    private final Controls controls;
    private final Consumer<String> out;

    /** The commands over the master's controls; their output goes to the shell's standard output. */
    @Activate
    public ShellCommands(@Reference Controls controls) {
        this(controls, line -> System.out.println(line)); // the shell's own System.out (Gogo's ThreadIO)
    }

    ShellCommands(Controls controls, Consumer<String> out) {
        this.controls = controls;
        this.out = out;
    }

    /** A refusal or bad input, in one line: Karaf prints an exception of this simple name without its stack. */
    public static final class CommandException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        CommandException(String message) {
            super(message);
        }

        /** What Karaf prints for a CommandException: the message alone. */
        public String getNiceHelp() {
            return getMessage();
        }
    }

    @Descriptor("Lists every service: service, type, process limit, processes total and available, listening,"
            + " throttled, stress mode, children spawned, requests completed, bad start-ups")
    public void services(@Descriptor("none") String... args) {
        if (help("services", "", args, 0, 0)) {
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(SERVICE_HEADER);
        for (Map.Entry<String, ServiceMXBean> entry : controls.serviceControls().entrySet()) {
            ServiceMXBean s = entry.getValue();
            long remaining = s.getThrottleRemainingSeconds();
            rows.add(new String[] {s.getName(), s.getType(), s.getProcessLimit() == 0 ? "unlimited" : Integer.toString(
                    s.getProcessLimit()), Integer.toString(s.getTotalProcesses()),
                Integer.toString(s.getAvailableProcesses()), yesNo(s.isListening()),
                s.isThrottled() ? "yes, " + remaining + "s" : "no", yesNo(s.isStressMode()),
                Long.toString(s.getProcessesSpawned()), Long.toString(s.getRequestsCompleted()),
                Long.toString(s.getBadStartups())});
        }
        out.accept(table(rows, 2, 3, 4, 8, 9, 10));
    }

    @Descriptor("Lists the children of a service: pid, generation, state (AVAIL idle, TAKEN busy), requests"
            + " completed, age")
    public void processes(@Descriptor("<service>: as jmaster:services shows it, or <service>/<type>") String... args) {
        if (help("processes", "<service>", args, 1, 1)) {
            return;
        }
        ServiceMXBean service = service("processes", args[0]).getValue();
        List<String[]> rows = new ArrayList<>();
        rows.add(PROCESS_HEADER);
        long now = System.currentTimeMillis();
        for (ProcessInfo p : service.getProcesses()) {
            rows.add(new String[] {Integer.toString(p.getPid()), Long.toString(p.getGeneration()), p.getState(),
                Integer.toString(p.getUseCount()), age(now - p.getStartTime().getTime())});
        }
        out.accept(table(rows, 0, 1, 3, 4));
    }

    @Descriptor("Suspends process creation of a service, for service_throttle_time or the given seconds (at most"
            + " a day); clients wait in the listen queue")
    public void throttle(@Descriptor("<service> [seconds]") String... args) {
        if (help("throttle", "<service> [seconds]", args, 1, 2)) {
            return;
        }
        Map.Entry<String, ServiceMXBean> service = service("throttle", args[0]);
        if (args.length == 2) {
            int seconds = number("throttle", "seconds", args[1]);
            operate("throttle", args, () -> service.getValue().throttle(seconds));
        } else {
            operate("throttle", args, () -> service.getValue().throttle());
        }
        out.accept(service.getKey() + ": throttled for " + service.getValue().getThrottleRemainingSeconds() + "s");
    }

    @Descriptor("Resumes process creation of a service now")
    public void unthrottle(@Descriptor("<service>") String... args) {
        if (help("unthrottle", "<service>", args, 1, 1)) {
            return;
        }
        Map.Entry<String, ServiceMXBean> service = service("unthrottle", args[0]);
        operate("unthrottle", args, () -> service.getValue().unthrottle());
        out.accept(service.getKey() + ": unthrottled");
    }

    @Descriptor("Recycles the children of a service gracefully: each finishes its request and exits; the listen"
            + " sockets stay open")
    public void restart(@Descriptor("<service>") String... args) {
        if (help("restart", "<service>", args, 1, 1)) {
            return;
        }
        Map.Entry<String, ServiceMXBean> service = service("restart", args[0]);
        operate("restart", args, () -> service.getValue().restart());
        out.accept(service.getKey() + ": restarted: each child exits after its current request");
    }

    @Descriptor("Terminates every child of a service (SIGTERM, then SIGKILL after stop_timeout); returns when"
            + " they are gone. The service serves the next client with a new child")
    public void cleanup(@Descriptor("<service>") String... args) {
        if (help("cleanup", "<service>", args, 1, 1)) {
            return;
        }
        Map.Entry<String, ServiceMXBean> service = service("cleanup", args[0]);
        operate("cleanup", args, () -> service.getValue().cleanup());
        out.accept(service.getKey() + ": cleaned up: every child terminated");
    }

    @Descriptor("Sets the process limit of a service (1 or more) at once; the next reload puts the configured"
            + " maxproc back")
    public void resize(@Descriptor("<service> <n>") String... args) {
        if (help("resize", "<service> <n>", args, 2, 2)) {
            return;
        }
        Map.Entry<String, ServiceMXBean> service = service("resize", args[0]);
        int limit = number("resize", "the process limit", args[1]);
        int before = service.getValue().getProcessLimit();
        operate("resize", args, () -> service.getValue().setProcessLimit(limit));
        out.accept(service.getKey() + ": process limit " + limit + ", was " + before);
    }

    @Descriptor("Postfix's reload: reads org.jmaster.master, main.cf, master.cf and the service configurations"
            + " again; new services start, the others restart gracefully, removed ones stop")
    public void reload(@Descriptor("none") String... args) {
        if (help("reload", "", args, 0, 0)) {
            return;
        }
        MasterMXBean master = controls.masterControl();
        operate("reload", args, master::reload);
        int services = master.getServices().length;
        out.accept("reloaded: " + services + (services == 1 ? " service" : " services"));
    }

    /**
     * --help: prints the usage and returns true. Otherwise checks the number of arguments and
     * returns false.
     */
    private boolean help(String command, String synopsis, String[] args, int min, int max) {
        String usage = "usage: jmaster:" + command + (synopsis.isEmpty() ? "" : " " + synopsis);
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            out.accept(usage + "\n  " + description(command));
            return true;
        }
        if (args.length < min) {
            throw new CommandException("jmaster:" + command + ": missing " + synopsis.split(" ")[args.length] + " -- "
                    + usage);
        }
        if (args.length > max) {
            throw new CommandException("jmaster:" + command + ": too many arguments: "
                    + printable(String.join(" ", args)) + " -- " + usage);
        }
        return false;
    }

    private static String description(String command) {
        for (java.lang.reflect.Method method : ShellCommands.class.getMethods()) {
            Descriptor descriptor = method.getName().equals(command) ? method.getAnnotation(Descriptor.class) : null;
            if (descriptor != null) {
                return descriptor.value() + ".";
            }
        }
        return "";
    }

    /** The service of this name: the key of its MBean, or its name when it is the only one. */
    private Map.Entry<String, ServiceMXBean> service(String command, String name) {
        SortedMap<String, ServiceMXBean> all = controls.serviceControls();
        if (all.containsKey(name)) {
            return Map.entry(name, all.get(name));
        }
        List<Map.Entry<String, ServiceMXBean>> named = new ArrayList<>();
        for (Map.Entry<String, ServiceMXBean> entry : all.entrySet()) {
            if (entry.getKey().startsWith(name + "/")) {
                named.add(entry);
            }
        }
        if (named.size() == 1) {
            return named.get(0);
        }
        if (named.isEmpty()) {
            throw new CommandException("jmaster:" + command + ": no service " + printable(name)
                    + " (jmaster:services lists them)");
        }
        List<String> keys = new ArrayList<>();
        named.forEach(entry -> keys.add(entry.getKey()));
        throw new CommandException("jmaster:" + command + ": " + printable(name) + " is " + String.join(" or ", keys)
                + ": say which");
    }

    private static int number(String command, String what, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new CommandException("jmaster:" + command + ": " + what + " must be a whole number, not "
                    + printable(text));
        }
    }

    /** An MBean operation. */
    private interface Operation {
        void run() throws MBeanException;
    }

    /** Logs the command line, then runs the operation; its refusal becomes one line. */
    private static void operate(String command, String[] args, Operation operation) {
        Supervisor.LOG.info("shell: " + printable(user()) + ": jmaster:" + command
                + (args.length == 0 ? "" : " " + printable(String.join(" ", args))));
        try {
            operation.run();
        } catch (MBeanException | RuntimeException e) {
            throw new CommandException("jmaster:" + command + ": " + e.getMessage());
        }
    }

    /** Karaf's user (its JAAS subject's UserPrincipal), or else the JVM's, who owns the console. */
    @SuppressWarnings("removal")
    private static String user() {
        try {
            Subject subject = Subject.getSubject(AccessController.getContext());
            if (subject != null) {
                for (Principal principal : subject.getPrincipals()) {
                    if (principal.getClass().getSimpleName().equals("UserPrincipal")) {
                        return principal.getName();
                    }
                }
            }
        } catch (RuntimeException e) {
            // no subject where the JDK has no security manager left: the JVM's user
        }
        return System.getProperty("user.name");
    }

    /** Columns padded to their widest cell, two spaces apart; the numeric ones right-aligned. */
    static String table(List<String[]> rows, int... numeric) {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        boolean[] right = new boolean[columns];
        for (int i : numeric) {
            right[i] = true;
        }
        StringBuilder text = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                String pad = " ".repeat(width[i] - row[i].length());
                line.append(i == 0 ? "" : "  ").append(right[i] ? pad + row[i] : row[i] + pad);
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
        return text.substring(0, text.length() - 1);
    }

    /** 42s, 3m05s, 2h03m, 3d04h. */
    static String age(long millis) {
        Duration age = Duration.ofMillis(Math.max(0, millis));
        if (age.toSeconds() < 60) {
            return age.toSeconds() + "s";
        }
        if (age.toMinutes() < 60) {
            return String.format("%dm%02ds", age.toMinutes(), age.toSecondsPart());
        }
        if (age.toHours() < 24) {
            return String.format("%dh%02dm", age.toHours(), age.toMinutesPart());
        }
        return String.format("%dd%02dh", age.toDays(), age.toHoursPart());
    }

    private static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }

    /** What a user typed, with control characters escaped, so that it cannot forge a line of the log or the shell. */
    private static String printable(String text) {
        StringBuilder escaped = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c < 0x20 || c == 0x7f) {
                escaped.append(String.format("\\x%02x", (int) c));
            } else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
