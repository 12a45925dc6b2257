package org.jmaster.child.internal;

import java.util.HashMap;
import java.util.Map;
import org.jmaster.api.postfix.TimeValue;

/**
 * NAME
 *     Arguments - what the master's argv and environment tell a child (Postfix mail_server.h)
 * DESCRIPTION
 *     Options are parsed as Postfix's getopt("+cdDi:lm:n:o:r:s:St:uvVz") does: they end at the
 *     first word that is not an option. -o takes name=value or the long form "name = value";
 *     max_use, max_idle and stress are read, other names are kept for the program. -t is
 *     required (inet, unix or pass); -s counts the listen sockets (default 1). Times (-i,
 *     max_idle) are Postfix time values (TimeValue, the master's reader). GENERATION is octal
 *     and must be all digits; absent means 0.
 */
public final class Arguments {
    /** -n: the service name (default: the program's name). */
    public String serviceName = "";
    /** -t: the transport type. */
    public String transport;
    /** -s: how many listen sockets from fd 6. */
    public int listenCount = 1;
    /** max_use (-m or -o max_use=): requests before exiting, 0 for no limit. */
    public int maxUse = 100;
    /** max_idle (-i or -o max_idle=): seconds without a client before exiting, 0 for none. */
    public long maxIdleSeconds = 100;
    /** The generation to put in status records. */
    public long generation;
    /** -o stress=yes was given. */
    public boolean stress;
    /** -u: run as mail_owner, not as the master's user. */
    public boolean unprivileged;
    /** -c: chroot to the queue directory (the working directory the master gave). */
    public boolean chroot;
    /** Every -o name=value, for the program. */
    public final Map<String, String> parameters = new HashMap<>();

    /**
     * Parses the arguments (argv without the program name, as {@code main} receives them) and the
     * GENERATION variable.
     *
     * @throws IllegalArgumentException with Postfix's message for the problem
     */
    public static Arguments parse(String[] argv, String generation) {
        Arguments a = new Arguments();
        int i = 0;
        for (; i < argv.length && argv[i].startsWith("-") && argv[i].length() > 1; i++) {
            char option = argv[i].charAt(1);
            String value = null;
            if ("imnorst".indexOf(option) >= 0) {
                if (argv[i].length() > 2) {
                    value = argv[i].substring(2);
                } else if (i + 1 < argv.length) {
                    value = argv[++i];
                } else {
                    throw new IllegalArgumentException("option requires an argument -- " + option);
                }
            } else if ("cdDlSuvVz".indexOf(option) < 0 || argv[i].length() > 2) {
                throw new IllegalArgumentException("invalid option: " + argv[i].substring(1));
            }
            switch (option) {
                case 'n':
                    a.serviceName = value;
                    break;
                case 't':
                    a.transport = value;
                    break;
                case 's':
                    a.listenCount = number("-s", value);
                    break;
                case 'm':
                    a.maxUse = number("-m", value);
                    break;
                case 'i':
                    a.maxIdleSeconds = seconds("-i", value);
                    break;
                case 'o':
                    a.parameter(value);
                    break;
                case 'u':
                    a.unprivileged = true;
                    break;
                case 'c':
                    a.chroot = true;
                    break;
                default:
                    break; // -d -D -l -r -S -v -V -z: nothing for a Java child to do
            }
        }
        if (a.transport == null) {
            throw new IllegalArgumentException("no transport type specified");
        }
        if (!a.transport.equals("inet") && !a.transport.equals("unix") && !a.transport.equals("pass")) {
            throw new IllegalArgumentException("unsupported transport type: " + a.transport);
        }
        if (generation != null) {
            if (generation.isEmpty() || !generation.chars().allMatch(c -> c >= '0' && c <= '7')) {
                throw new IllegalArgumentException("bad generation: " + generation);
            }
            a.generation = Long.parseLong(generation, 8) & 0xFFFF_FFFFL;
        }
        return a;
    }

    private void parameter(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("missing '=' after attribute name: \"" + assignment + "\"");
        }
        String name = assignment.substring(0, eq).strip();
        String value = assignment.substring(eq + 1).strip();
        parameters.put(name, value);
        switch (name) {
            case "max_use":
                maxUse = number(name, value);
                break;
            case "max_idle":
                maxIdleSeconds = seconds(name, value);
                break;
            case "stress":
                stress = value.equals("yes");
                break;
            default:
                break;
        }
    }

    private static int number(String name, String value) {
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("bad numerical configuration: " + name + " = " + value);
    }

    private static long seconds(String name, String value) {
        return TimeValue.seconds(value).orElseThrow(
                () -> new IllegalArgumentException("bad numerical configuration: " + name + " = " + value));
    }
}
