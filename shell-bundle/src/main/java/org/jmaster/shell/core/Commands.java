package org.jmaster.shell.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import javax.management.MBeanException;
import org.jmaster.api.jmx.AuditLog;
import org.jmaster.api.jmx.MasterControls;
import org.jmaster.api.jmx.MasterMXBean;
import org.jmaster.api.jmx.ProcessInfo;
import org.jmaster.api.jmx.ServiceMXBean;

/**
 * NAME
 *     Commands - the jmaster: commands, whichever shell runs them
 * SYNOPSIS
 *     Commands commands = new Commands(controls, out)
 *     commands.services()                    every service, one line each, with its counts
 *     commands.processes(service)            the service's children: pid, generation, state, use count, age
 *     commands.throttle(service, seconds)    suspends process creation (seconds null: service_throttle_time)
 *     commands.unthrottle(service)           resumes it
 *     commands.restart(service)              recycles the children gracefully
 *     commands.cleanup(service)              terminates every child
 *     commands.resize(service, limit)        sets the process limit until the next reload
 *     commands.reload()                      Postfix's reload
 *     Commands.labels(controls)              what a service argument may be, for completion
 * DESCRIPTION
 *     A command calls the operation of the same name on the very object behind the service's or
 *     the master's MBean (MasterControls): the same checks, the same log lines and notifications,
 *     the same refusals in the same words. A service is named as its MBean, <service>/<type>
 *     (127.0.0.1:10007/inet), or by its name alone when no other service has it (smtp inet and
 *     smtp unix need their type). The arguments come as the user typed them and the numbers are
 *     read here, so that both shells word bad input alike. Each operation is audited (Audit):
 *     logged before it runs, with the command line (the service as its label, whatever name was
 *     typed) and the user, then its outcome. A shell runs each command through guard().
 *
 *     No type of any shell appears in this package: the Gogo commands of this bundle
 *     (GogoCommands) and Karaf's (bundle org.jmaster.shell.karaf, which embeds this package) are
 *     thin faces over it, each in its shell's own command API. The results go to out, a line or a
 *     table at a time: the shell's output.
 * DIAGNOSTICS
 *     Bad input (no such service, a name two services share, a number that is not one) and a
 *     refused operation are a CommandException, one line that names the command and what is
 *     wrong; the MBean's refusal is its message. What the user typed is shown escaped
 *     (AuditLog.printable): it can forge no line of the shell or the log.
 */
public final class Commands {
    private static final String[] SERVICE_HEADER = {"service", "type", "limit", "total", "available", "listening",
        "throttled", "stress", "spawned", "completed", "bad start-ups"};
    private static final String[] PROCESS_HEADER = {"pid", "generation", "state", "use count", "age"};

    private final MasterControls controls;
    private final Consumer<String> out;

    /** The commands over the master's controls, printing to out. */
    public Commands(MasterControls controls, Consumer<String> out) {
        this.controls = controls;
        this.out = out;
    }

    /** Every service's label ("<service>/<type>"), in order: the names a service argument is completed to. */
    public static SortedSet<String> labels(MasterControls controls) {
        return new TreeSet<>(controls.serviceControls().keySet());
    }

    public void services() {
        List<String[]> rows = new ArrayList<>();
        rows.add(SERVICE_HEADER);
        for (ServiceMXBean s : controls.serviceControls().values()) {
            rows.add(new String[] {s.getName(), s.getType(), s.getProcessLimit() == 0 ? "unlimited" : Integer.toString(
                    s.getProcessLimit()), Integer.toString(s.getTotalProcesses()),
                Integer.toString(s.getAvailableProcesses()), Table.yesNo(s.isListening()),
                s.isThrottled() ? "yes, " + s.getThrottleRemainingSeconds() + "s" : "no", Table.yesNo(s.isStressMode()),
                Long.toString(s.getProcessesSpawned()), Long.toString(s.getRequestsCompleted()),
                Long.toString(s.getBadStartups())});
        }
        out.accept(Table.of(rows, 2, 3, 4, 8, 9, 10));
    }

    public void processes(String name) {
        ServiceMXBean service = service("processes", name).getValue();
        List<String[]> rows = new ArrayList<>();
        rows.add(PROCESS_HEADER);
        long now = System.currentTimeMillis();
        for (ProcessInfo p : service.getProcesses()) {
            rows.add(new String[] {Integer.toString(p.getPid()), Long.toString(p.getGeneration()), p.getState(),
                Integer.toString(p.getUseCount()), Table.age(now - p.getStartTime().getTime())});
        }
        out.accept(Table.of(rows, 0, 1, 3, 4));
    }

    /** seconds: as typed, or null for service_throttle_time. */
    public void throttle(String name, String seconds) {
        Map.Entry<String, ServiceMXBean> service = service("throttle", name);
        if (seconds != null) {
            int value = number("throttle", "seconds", seconds);
            operate(() -> service.getValue().throttle(value), "throttle", service.getKey(), seconds);
        } else {
            operate(() -> service.getValue().throttle(), "throttle", service.getKey());
        }
        out.accept(service.getKey() + ": throttled for " + service.getValue().getThrottleRemainingSeconds() + "s");
    }

    public void unthrottle(String name) {
        Map.Entry<String, ServiceMXBean> service = service("unthrottle", name);
        operate(() -> service.getValue().unthrottle(), "unthrottle", service.getKey());
        out.accept(service.getKey() + ": unthrottled");
    }

    public void restart(String name) {
        Map.Entry<String, ServiceMXBean> service = service("restart", name);
        operate(() -> service.getValue().restart(), "restart", service.getKey());
        out.accept(service.getKey() + ": restarted: each child exits after its current request");
    }

    public void cleanup(String name) {
        Map.Entry<String, ServiceMXBean> service = service("cleanup", name);
        operate(() -> service.getValue().cleanup(), "cleanup", service.getKey());
        out.accept(service.getKey() + ": cleaned up: every child terminated");
    }

    public void resize(String name, String limit) {
        Map.Entry<String, ServiceMXBean> service = service("resize", name);
        int value = number("resize", "the process limit", limit);
        int before = service.getValue().getProcessLimit();
        operate(() -> service.getValue().setProcessLimit(value), "resize", service.getKey(), limit);
        out.accept(service.getKey() + ": process limit " + value + ", was " + before);
    }

    public void reload() {
        MasterMXBean master = controls.masterControl();
        operate(master::reload, "reload");
        int services = master.getServices().length;
        out.accept("reloaded: " + services + (services == 1 ? " service" : " services"));
    }

    /**
     * Runs a command of this name; anything it throws but a CommandException (the master going
     * away under it, say) becomes one, of one line, so that no shell shows a stack trace.
     */
    public static void guard(String command, Runnable body) {
        try {
            body.run();
        } catch (CommandException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CommandException("jmaster:" + command + ": " + AuditLog.printable(String.valueOf(e)));
        }
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
            throw new CommandException("jmaster:" + command + ": no service " + AuditLog.printable(name)
                    + " (jmaster:services lists them)");
        }
        List<String> keys = new ArrayList<>();
        named.forEach(entry -> keys.add(entry.getKey()));
        throw new CommandException("jmaster:" + command + ": " + AuditLog.printable(name) + " is "
                + String.join(" or ", keys) + ": say which");
    }

    private static int number(String command, String what, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new CommandException("jmaster:" + command + ": " + what + " must be a whole number, not "
                    + AuditLog.printable(text));
        }
    }

    /** An MBean operation. */
    private interface Operation {
        void run() throws MBeanException;
    }

    /** Audits the command line, runs the operation, audits its outcome; a refusal becomes one line. */
    private static void operate(Operation operation, String command, String... args) {
        String line = "jmaster:" + command + (args.length == 0 ? "" : " " + String.join(" ", args));
        Audit audit = Audit.asked(line);
        try {
            operation.run();
        } catch (MBeanException | RuntimeException e) {
            audit.refused(e.getMessage());
            throw new CommandException("jmaster:" + command + ": " + e.getMessage());
        }
        audit.done();
    }
}
