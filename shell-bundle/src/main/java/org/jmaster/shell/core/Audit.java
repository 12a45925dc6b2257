package org.jmaster.shell.core;

import java.security.AccessController;
import java.security.Principal;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.security.auth.Subject;
import org.jmaster.api.jmx.AuditLog;

/**
 * NAME
 *     Audit - the audit lines of a shell command that changes something
 * SYNOPSIS
 *     Audit audit = Audit.asked(commandLine)   before the operation runs
 *     audit.done() / audit.refused(reason)     after
 * DESCRIPTION
 *     Into the audit logger of JMX calls (AuditLog.LOGGER, org.jmaster.jmx), as the launcher's
 *     JmxGuard writes them for the JMX connector, since a command is an MBean operation that
 *     passed no JMX guard:
 *
 *         shell: <user>: jmaster:throttle smtp 60
 *         shell: <user>: jmaster:throttle smtp 60: done
 *         shell: <user>: jmaster:throttle smtp 0: refused: seconds must be from 1 to 86400 (a day), not 0
 *
 *     The user is Karaf's (the UserPrincipal of the session's JAAS subject), or else the JVM's,
 *     who owns the console. The command line and the user are escaped with AuditLog.printable, so
 *     that a service name cannot forge a line. The logger keeps INFO as its own level, as in
 *     JmxGuard: no change of a parent's level silences it.
 */
final class Audit {
    private static final Logger LOG = Logger.getLogger(AuditLog.LOGGER);

    static {
        LOG.setLevel(Level.INFO); // held in LOG: java.util.logging keeps a level only while its logger lives
    }

    private final String asked;

    private Audit(String asked) {
        this.asked = asked;
    }

    /** Logs the command line and its user, before the operation runs. */
    static Audit asked(String commandLine) {
        Audit audit = new Audit("shell: " + AuditLog.printable(user()) + ": " + AuditLog.printable(commandLine));
        LOG.info(audit.asked);
        return audit;
    }

    void done() {
        LOG.info(asked + ": done");
    }

    void refused(String reason) {
        LOG.warning(asked + ": refused: " + AuditLog.printable(String.valueOf(reason)));
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
}
