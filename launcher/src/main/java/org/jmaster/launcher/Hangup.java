package org.jmaster.launcher;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;
import javax.management.JMException;
import javax.management.ObjectName;
import sun.misc.Signal;

/**
 * NAME
 *     Hangup - SIGHUP is a reload, as for Postfix's master (master_sig.c)
 * SYNOPSIS
 *     Hangup.reloadOnSignal()
 * DESCRIPTION
 *     kill -HUP, postfix reload and bin/jmaster reload send SIGHUP; the handler calls reload()
 *     of org.jmaster:type=Master in this JVM's MBean server, on a thread of its own, so main.cf
 *     and master.cf are read again and every service restarted, as Postfix's master does. A JVM
 *     whose SIGHUP is ignored from the start (nohup) cannot handle it: that is a warning.
 * DIAGNOSTICS
 *     "SIGHUP: reload failed: <why>", "SIGHUP is ignored (started under nohup?): ...".
 */
final class Hangup {
    private static final Logger LOG = Logger.getLogger("org.jmaster.launcher");

    private Hangup() {
    }

    static void reloadOnSignal() {
        if (ignoredAtStart()) {
            LOG.warning("SIGHUP is ignored (started under nohup?): kill -HUP and postfix reload will not reload;"
                    + " start jmaster without nohup (bin/jmaster start does)");
            return;
        }
        Signal.handle(new Signal("HUP"), signal -> {
            Thread reload = new Thread(Hangup::reload, "jmaster-sighup");
            reload.setDaemon(true);
            reload.start();
        });
    }

    private static void reload() {
        try {
            ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("org.jmaster:type=Master"), "reload", null,
                    null);
        } catch (JMException | RuntimeException e) {
            LOG.warning("SIGHUP: reload failed: " + e);
        }
    }

    /** SigIgn of /proc/self/status has bit 0 (SIGHUP) set. */
    private static boolean ignoredAtStart() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 1) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }
}
