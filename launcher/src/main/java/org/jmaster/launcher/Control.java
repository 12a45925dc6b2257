package org.jmaster.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * NAME
 *     Control - bin/jmaster status and reload, through jmaster's own JMX connector
 * SYNOPSIS
 *     java -cp bin/jmaster-launcher.jar org.jmaster.launcher.Control status|reload HOME PORT [PID]
 * DESCRIPTION
 *     A JMX client of the running JVM, logged in as a user of its password file whose role is
 *     enough and no more: monitor for status, operator for reload (the access file says who
 *     holds which role). The port, the password and access files and the development switch
 *     are those the JVM of PID was started with (its command line), else PORT,
 *     JMASTER_JMX_PASSWORD_FILE and JMASTER_JMX_ACCESS_FILE, else the files in HOME/etc.
 *
 *     status prints "jmaster is running (pid N)" (before logging in, when the pid is known),
 *     the version, the process generation and the port, then a table with one line per
 *     Service MBean: service, type, process limit, total and available processes, listening,
 *     throttled (with the seconds left), stress; a second service of the same name and type
 *     (foo unix private and public) as "foo@public/foo", as the shell names it. reload calls reload() of
 *     org.jmaster:type=Master, which returns once the reload is done, and says which services
 *     it restarted, started and stopped.
 *
 *     Only root and the user jmaster runs as can read the password file (mode 0600): anyone
 *     else is told so in one line, and no connection is tried.
 * DIAGNOSTICS
 *     One line on standard error, starting "jmaster: ". Exit status 0 when done. status exits 0
 *     whenever the pid is known, since jmaster then runs (LSB's "running"), with the line that
 *     says why no table follows; without the pid (data/ hidden from the caller) a failure is 4,
 *     LSB's "status unknown". reload exits 4 when the caller may not (the password file
 *     unreadable, the login refused, no user with the role), 1 when JMX cannot be reached or is
 *     off (PORT 0: bin/jmaster reload then sends SIGHUP instead), or the reload failed. With JMX
 *     off, status says only that jmaster runs, and exits 0.
 */
public final class Control {
    /** LSB: for status, "unknown"; for an action, "insufficient privilege". */
    static final int DENIED = 4;
    static final int FAILED = 1;
    private static final String[] COLUMNS = {"service", "type", "limit", "total", "available", "listening",
        "throttled", "stress"};

    private Control() {
    }

    /** Why a command cannot go on: the line to print and the exit status. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Failure(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /** Where the JVM's JMX connector is and who may log in: its own settings when its pid is known. */
    record Target(long pid, int port, Path passwords, Path access, boolean insecure) {
        static Target of(Path home, int port, long pid) {
            Map<String, String> environment = System.getenv();
            Map<String, String> options = pid > 0 ? systemProperties(pid) : Map.of();
            String passwords = options.getOrDefault("jmaster.jmx.password.file",
                    environment.getOrDefault("JMASTER_JMX_PASSWORD_FILE", home.resolve("etc/jmxremote.password").toString()));
            String access = options.getOrDefault("jmaster.jmx.access.file",
                    environment.getOrDefault("JMASTER_JMX_ACCESS_FILE", home.resolve("etc/jmxremote.access").toString()));
            boolean insecure = pid > 0 ? "true".equals(options.get("jmaster.jmx.insecure.without.password"))
                    : "yes".equals(environment.get("JMASTER_JMX_INSECURE_WITHOUT_PASSWORD"));
            int jvmPort = port;
            try {
                jvmPort = Integer.parseInt(options.getOrDefault("jmaster.jmx.port", Integer.toString(port)));
            } catch (NumberFormatException e) {
                // not a number on its command line: the launcher refused to start it anyway
            }
            return new Target(pid, jvmPort, Path.of(passwords), Path.of(access), insecure);
        }

        String jvm() {
            return pid > 0 ? "jmaster (pid " + pid + ")" : "jmaster";
        }
    }

    public static void main(String[] args) {
        if (args.length < 3 || !(args[0].equals("status") || args[0].equals("reload"))) {
            System.err.println("usage: Control status|reload HOME PORT [PID]");
            System.exit(2);
        }
        // a port that answers but is not jmaster's must not keep the command waiting
        System.setProperty("sun.rmi.transport.connectionTimeout", "10000");
        System.setProperty("sun.rmi.transport.tcp.handshakeTimeout", "10000"); // one that accepts and stays silent
        System.setProperty("sun.rmi.transport.tcp.responseTimeout", "60000");
        String command = args[0];
        Target target = Target.of(Path.of(args[1]), Integer.parseInt(args[2]),
                args.length > 3 && !args[3].isEmpty() ? Long.parseLong(args[3]) : 0);
        try {
            System.out.print(command.equals("status") ? status(target) : reload(target));
            System.out.flush();
            System.exit(0);
        } catch (Failure f) {
            System.out.flush();
            System.err.println("jmaster: " + f.getMessage());
            System.exit(exitStatus(command, target, f));
        }
    }

    /**
     * For status, 0 when the pid is known, whatever JMX said: jmaster runs, and a monitor that
     * took "unknown" for "failed" would restart the mail system for a JMX fault. Else status
     * cannot tell (4); an action exits with its own status.
     */
    static int exitStatus(String command, Target target, Failure failure) {
        if (command.equals("status")) {
            return target.pid() > 0 ? 0 : DENIED;
        }
        return failure.status;
    }

    /**
     * The running line, then the master's version and generation, then one line per service.
     * With the pid known the running line is printed at once, before the login: a caller who
     * may not log in still learns that much.
     */
    static String status(Target target) throws Failure {
        String running = "jmaster is running" + (target.pid() > 0 ? " (pid " + target.pid() + ")" : "") + "\n";
        if (target.pid() > 0) {
            System.out.print(running);
            running = "";
        }
        if (target.port() <= 0) {
            return running + "  no JMX port (started with JMASTER_JMX_PORT=0): its services cannot be shown\n";
        }
        try (JMXConnector connector = connect(target, Role.MONITOR, "status")) {
            MBeanServerConnection jmx = connector.getMBeanServerConnection();
            ObjectName master = new ObjectName("org.jmaster:type=Master");
            Map<String, Object> values = values(jmx.getAttributes(master, new String[] {"Version", "ProcessGeneration"}));
            List<String[]> rows = new ArrayList<>();
            rows.add(COLUMNS);
            // every Service MBean, a second of the same label too (its name has an endpoint key)
            List<ObjectName> services = new ArrayList<>(jmx.queryNames(new ObjectName("org.jmaster:type=Service,*"),
                    null));
            services.sort(Comparator.comparing(Control::label));
            for (ObjectName service : services) {
                String[] row = row(jmx, service);
                if (row != null) {
                    rows.add(row);
                }
            }
            return running + "  version " + values.get("Version") + ", process generation "
                    + values.get("ProcessGeneration") + ", " + count(rows.size() - 1) + ", JMX on 127.0.0.1:"
                    + target.port() + "\n" + (rows.size() > 1 ? table(rows) : "");
        } catch (InstanceNotFoundException e) {
            throw new Failure(FAILED, "JMX on 127.0.0.1:" + target.port() + " has no org.jmaster:type=Master: the master"
                    + " bundle is not active (see log/jmaster.log)");
        } catch (IOException | JMException e) {
            throw new Failure(FAILED, "JMX on 127.0.0.1:" + target.port() + ": " + cause(e));
        }
    }

    /**
     * A service as the shell commands name it, for the order of the table: its MBean's name,
     * "<service>/<type>", and for a second service of that name and type (private/x and
     * public/x), "@<endpoint>" after it; the table shows the service column the same way.
     */
    static String label(ObjectName service) {
        String endpoint = service.getKeyProperty("endpoint");
        return ObjectName.unquote(service.getKeyProperty("name")) + (endpoint == null ? ""
                : "@" + ObjectName.unquote(endpoint));
    }

    /** One service's line, or null when it went away meanwhile. */
    private static String[] row(MBeanServerConnection jmx, ObjectName name) throws IOException, JMException {
        Map<String, Object> v;
        try {
            v = values(jmx.getAttributes(name, new String[] {"Name", "Type", "ProcessLimit", "TotalProcesses",
                "AvailableProcesses", "Listening", "Throttled", "ThrottleRemainingSeconds", "StressMode"}));
        } catch (InstanceNotFoundException e) {
            return null;
        }
        String throttled = yes(v.get("Throttled"));
        if (Boolean.TRUE.equals(v.get("Throttled"))) {
            throttled += " (" + v.get("ThrottleRemainingSeconds") + " s)";
        }
        String endpoint = name.getKeyProperty("endpoint");
        String service = v.get("Name") + (endpoint == null ? "" : "@" + ObjectName.unquote(endpoint));
        return new String[] {service, String.valueOf(v.get("Type")),
            String.valueOf(v.get("ProcessLimit")), String.valueOf(v.get("TotalProcesses")),
            String.valueOf(v.get("AvailableProcesses")), yes(v.get("Listening")), throttled, yes(v.get("StressMode"))};
    }

    /** reload() of the Master MBean, and what it changed in the service list. */
    static String reload(Target target) throws Failure {
        if (target.port() <= 0) {
            throw new Failure(FAILED, "reload goes through JMX, which is off (" + target.jvm() + " was started with"
                    + " JMASTER_JMX_PORT=0): kill -HUP " + (target.pid() > 0 ? target.pid() : "<pid>")
                    + " reloads without it");
        }
        try (JMXConnector connector = connect(target, Role.OPERATOR, "reload")) {
            MBeanServerConnection jmx = connector.getMBeanServerConnection();
            ObjectName master = new ObjectName("org.jmaster:type=Master");
            Set<String> before = new LinkedHashSet<>(List.of((String[]) jmx.getAttribute(master, "Services")));
            jmx.invoke(master, "reload", null, null);
            Set<String> after = new LinkedHashSet<>(List.of((String[]) jmx.getAttribute(master, "Services")));
            List<String> restarted = after.stream().filter(before::contains).toList();
            List<String> started = after.stream().filter(s -> !before.contains(s)).toList();
            List<String> stopped = before.stream().filter(s -> !after.contains(s)).toList();
            return target.jvm() + " reloaded: main.cf, master.cf and the service configurations read again; "
                    + count(restarted.size()) + " restarted" + (started.isEmpty() ? "" : ", started " + started)
                    + (stopped.isEmpty() ? "" : ", stopped " + stopped) + "\n";
        } catch (MBeanException e) {
            throw new Failure(FAILED, "reload failed: " + (e.getCause() != null ? e.getCause() : e.getMessage()));
        } catch (InstanceNotFoundException e) {
            throw new Failure(FAILED, "JMX on 127.0.0.1:" + target.port() + " has no org.jmaster:type=Master: the master"
                    + " bundle is not active (see log/jmaster.log); nothing was reloaded");
        } catch (IOException | JMException e) {
            throw new Failure(FAILED, "JMX on 127.0.0.1:" + target.port() + ": " + cause(e) + "; nothing was reloaded");
        }
    }

    /** Logged in as the least privileged user whose role is enough; one line on every way it can fail. */
    static JMXConnector connect(Target target, Role needed, String command) throws Failure {
        Map<String, Object> env = new HashMap<>();
        String user = "anonymous";
        if (!target.insecure()) {
            String[] credentials = login(target.passwords(), target.access(), needed, command);
            user = credentials[0];
            env.put(JMXConnector.CREDENTIALS, credentials);
        }
        try {
            return JMXConnectorFactory.connect(new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:"
                    + target.port() + "/jmxrmi"), env);
        } catch (SecurityException e) {
            throw new Failure(DENIED, "JMX on 127.0.0.1:" + target.port() + " refused " + user + ": " + e.getMessage()
                    + " (jmaster reads " + target.passwords() + " at start: was it changed since?)");
        } catch (IOException e) {
            throw new Failure(FAILED, "JMX on 127.0.0.1:" + target.port() + " cannot be reached: " + cause(e)
                    + (target.pid() > 0 ? "" : " (is JMASTER_JMX_PORT the port jmaster was started with?)"));
        }
    }

    /** A user and its password from the files, the one with the lowest role that includes the needed one. */
    static String[] login(Path passwords, Path access, Role needed, String command) throws Failure {
        Map<String, Role> roles = new HashMap<>();
        for (String[] entry : read(access, "the JMX roles", command)) {
            try {
                roles.put(entry[0], Role.named(entry[1]));
            } catch (IllegalArgumentException e) {
                // jmaster refuses to start with it; not ours to judge here
            }
        }
        List<String[]> candidates = new ArrayList<>();
        for (String[] entry : read(passwords, "the JMX passwords", command)) {
            Role role = roles.get(entry[0]);
            if (role != null && role.includes(needed)) {
                candidates.add(entry);
            }
        }
        return candidates.stream().min(Comparator.comparing(entry -> roles.get(entry[0])))
                .orElseThrow(() -> new Failure(DENIED, passwords + " has no user whose role in " + access + " is "
                        + needed + " or more, which bin/jmaster " + command + " needs"));
    }

    private static List<String[]> read(Path file, String what, String command) throws Failure {
        try {
            return Credentials.entries(file);
        } catch (AccessDeniedException e) {
            throw new Failure(DENIED, "cannot read " + file + " (" + what + "): permission denied; run bin/jmaster "
                    + command + " as root or as the user jmaster runs as");
        } catch (NoSuchFileException e) {
            throw new Failure(DENIED, "cannot read " + file + " (" + what + "): no such file (jmaster makes the password"
                    + " file at its first start)");
        } catch (IOException e) {
            throw new Failure(DENIED, "cannot read " + file + " (" + what + "): " + e);
        }
    }

    /** The -D options of a JVM's command line, the last of each name winning (as java takes them). */
    static Map<String, String> systemProperties(long pid) {
        Map<String, String> options = new HashMap<>();
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
            for (String word : new String(cmdline, StandardCharsets.UTF_8).split("\0")) {
                int equals = word.indexOf('=');
                if (word.startsWith("-D") && equals > 2) {
                    options.put(word.substring(2, equals), word.substring(equals + 1));
                }
            }
        } catch (IOException e) {
            // gone, or hidden (hidepid): the defaults
        }
        return options;
    }

    private static Map<String, Object> values(AttributeList list) {
        Map<String, Object> values = new HashMap<>();
        for (Attribute attribute : list.asList()) {
            values.put(attribute.getName(), attribute.getValue());
        }
        return values;
    }

    /** Columns padded to their widest cell, numbers to the right. */
    static String table(List<String[]> rows) {
        int[] width = new int[COLUMNS.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                boolean number = i >= 2 && i <= 4;
                String cell = number ? " ".repeat(width[i] - row[i].length()) + row[i]
                        : row[i] + " ".repeat(width[i] - row[i].length());
                line.append(i == 0 ? "" : "  ").append(cell);
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    private static String yes(Object flag) {
        return Boolean.TRUE.equals(flag) ? "yes" : "no";
    }

    private static String count(int services) {
        return services + (services == 1 ? " service" : " services");
    }

    /** The innermost cause, as "Connection refused" rather than a chain of RMI wrappers. */
    private static String cause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }
}
