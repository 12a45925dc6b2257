package org.jmaster.child;

import java.io.IOException;
import org.jmaster.child.internal.Arguments;
import org.jmaster.child.internal.Privileges;
import org.jmaster.child.internal.ServerLoop;

/**
 * <pre>
 * NAME
 *     SingleServer - one client at a time, the Java counterpart of Postfix's single_server
 * SYNOPSIS
 *     public static void main(String[] args) {
 *         SingleServer.run(args, (in, out) -> ...serve one client...);
 *     }
 * DESCRIPTION
 *     Takes what the master gives: the listen sockets at fd 6 and up (-s N of them), the status
 *     channel at fd 5, the generation in GENERATION (octal), and the argv options -n name,
 *     -t type, -s count, -o name=value (max_use, max_idle, stress), -l, -z, -u, -c, -v, -d, -V.
 *     Then it waits for a client or for the master: it accepts a client, writes TAKEN, serves it,
 *     closes it, writes AVAIL. It ends when writing AVAIL fails (the master restarted the
 *     service), when fd 5 reports end of file while idle (the master went away), after max_use
 *     requests, or after max_idle seconds without a client (defaults 100 and 100s, as Postfix).
 *
 *     Start the JVM with -Xrs: SIGTERM then ends the child at once, as it ends a Postfix daemon, and
 *     the master sees "killed by signal 15" rather than an exit status from shutdown hooks. With
 *     -Xrs HotSpot opens its attach socket at start-up: add -XX:+DisableAttachMechanism, so that the
 *     child holds no descriptor but the master's and its clients'.
 *
 *     -c chroots to the queue directory and -u makes the child mail_owner (setgroups to its
 *     group, setgid, setuid, checked with getresuid), as a Postfix daemon does; a service whose children must
 *     keep root says unpriv = n. The runtime takes no accept lock: idle children race for a
 *     connection and the losers go back to waiting.
 * DIAGNOSTICS
 *     A start-up error (a missing descriptor, a bad option, a bad GENERATION, a chroot or
 *     privilege change that fails: "setgid(107): Operation not permitted") is printed on
 *     standard error and {@link #run} exits 1 after a second, without a status record, as a
 *     Postfix daemon does: the master counts it as a bad start-up. A handler that throws ends
 *     that client's connection, not the process.
 * </pre>
 */
public final class SingleServer {
    private final Arguments arguments;

    private SingleServer(Arguments arguments) {
        this.arguments = arguments;
    }

    /**
     * A server from the arguments {@code main} received and the environment.
     *
     * @throws IllegalArgumentException with Postfix's message for a bad option or GENERATION
     */
    public static SingleServer fromArgs(String[] args) {
        return new SingleServer(Arguments.parse(args, System.getenv("GENERATION")));
    }

    /** The service name (-n). */
    public String serviceName() {
        return arguments.serviceName;
    }

    /** The value of {@code -o name=value}, or null when the master gave none. */
    public String parameter(String name) {
        return arguments.parameters.get(name);
    }

    /**
     * Serves clients until it is time to go.
     *
     * @return the exit status: 0
     * @throws IOException when the master's descriptors are missing
     */
    public int serve(RequestHandler handler) throws IOException {
        ServerLoop loop = new ServerLoop(arguments, handler);
        Privileges.drop(arguments, System.getenv("MAIL_CONFIG"));
        return loop.run();
    }

    /**
     * Everything a child's {@code main} needs: parses, serves, and exits the JVM.
     *
     * @param args the arguments {@code main} received
     * @param handler what to do with each client
     */
    public static void run(String[] args, RequestHandler handler) {
        int status;
        try {
            status = fromArgs(args).serve(handler);
        } catch (IllegalArgumentException | IOException e) {
            status = fatal(e.getMessage());
        }
        System.exit(status);
    }

    /**
     * Reports a start-up error as a Postfix daemon does: prints it, sleeps a second (so that a
     * crash loop is not a fork storm) and returns exit status 1.
     */
    public static int fatal(String message) {
        System.err.println("fatal: " + message);
        try {
            Thread.sleep(1000);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        return 1;
    }
}
