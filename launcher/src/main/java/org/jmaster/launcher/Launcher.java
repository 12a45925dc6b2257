package org.jmaster.launcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import org.jmaster.api.postfix.TrustCheck;

/**
 * NAME
 *     Launcher - the distribution's JVM, before Felix
 * SYNOPSIS
 *     java -Djmaster.home=HOME [-Djmaster.pidfile=FILE] [-Djmaster.jmx.port=N] ... \
 *         -cp bin/felix.jar:bin/jmaster-launcher.jar org.jmaster.launcher.Launcher
 * DESCRIPTION
 *     As root, first the start-up check (StartupCheck): jmaster refuses to start when someone
 *     other than root could change what it reads or runs. Then the JMX connector (JmxAgent)
 *     with the users of jmaster.jmx.password.file and the roles of jmaster.jmx.access.file
 *     (Credentials); the password file is made at first start. Unauthenticated JMX exists only
 *     as a development switch, jmaster.jmx.insecure.without.password, and is refused when the
 *     JVM runs as root. Then, nothing being left to refuse, the JVM writes its own pid into the
 *     pid file, whose lock bin/jmaster holds for it (the descriptor is the JVM's once the script
 *     execs java), and bin/jmaster start takes that as started; with a Postfix configuration,
 *     also Postfix's master.pid and master.lock (MasterLock). SIGHUP is a reload (Hangup).
 *     Then Felix's own launcher, which returns when the framework stops; a strict start-up
 *     that fails makes the JVM exit with status 1 (jmaster.fatal.exit).
 * DIAGNOSTICS
 *     "jmaster: refusing to start: <why>" on standard error, one line per reason, and exit
 *     status 1.
 */
public final class Launcher {
    private static final Logger LOG = Logger.getLogger("org.jmaster.launcher");

    private Launcher() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(System.getProperty("jmaster.home", ".")).toAbsolutePath().normalize();
        boolean root = TrustCheck.runsAsRoot();
        int port = Integer.getInteger("jmaster.jmx.port", 0);
        boolean insecure = Boolean.getBoolean("jmaster.jmx.insecure.without.password");
        Path passwords = Path.of(System.getProperty("jmaster.jmx.password.file", home.resolve("etc/jmxremote.password")
                .toString()));
        Path access = Path.of(System.getProperty("jmaster.jmx.access.file", home.resolve("etc/jmxremote.access")
                .toString()));
        List<String> refusals = new ArrayList<>();
        if (root) {
            refusals.addAll(StartupCheck.problems(home, List.of(passwords, access)));
            if (insecure && port > 0) {
                refusals.add("JMX without a password is refused when jmaster runs as root;"
                        + " unset JMASTER_JMX_INSECURE_WITHOUT_PASSWORD");
            }
        }
        Credentials credentials = null;
        if (refusals.isEmpty() && port > 0 && !insecure) {
            try {
                credentials = Credentials.load(passwords, access, TrustCheck.effectiveUid());
            } catch (IllegalStateException e) {
                refusals.add(e.getMessage());
            } catch (IOException e) {
                refusals.add("JMX users: " + e);
            }
        }
        if (!refusals.isEmpty()) {
            refuse(refusals);
        }
        if (port > 0 && root && port >= unprivilegedPortStart()) {
            LOG.warning("JMX port " + port + " is not privileged: while jmaster is down any local user may bind it and"
                    + " collect the passwords of those who connect; choose a port below " + unprivilegedPortStart());
        }
        if (port > 0) {
            try {
                JmxAgent.start(port, credentials == null ? null : credentials.authenticator(), insecure);
            } catch (IOException e) {
                refuse(List.of("JMX on 127.0.0.1:" + port + ": " + e.getMessage()));
            }
        } else {
            LOG.info("no JMX port: jmaster.jmx.port is not set");
        }
        try {
            MasterLock.writeAll();
        } catch (IOException e) {
            refuse(List.of(e.getMessage()));
        }
        // Last, once nothing is left to refuse: bin/jmaster start reports success when it sees the pid.
        String pidfile = System.getProperty("jmaster.pidfile");
        if (pidfile != null) {
            writePid(Path.of(pidfile));
        }
        Hangup.reloadOnSignal();
        // a strict start-up that fails ends this JVM with status 1, as Postfix's master (the master bundle reads it)
        System.setProperty("jmaster.fatal.exit", "true");
        org.apache.felix.main.Main.main(args);
    }

    /** Says why on standard error, where bin/jmaster start looks, and exits 1. */
    private static void refuse(List<String> refusals) {
        for (String refusal : refusals) {
            System.err.println("jmaster: refusing to start: " + refusal);
        }
        System.exit(1);
    }

    /** The first port that any user may bind (Linux lowers it from 1024 in some containers). */
    private static int unprivilegedPortStart() {
        try {
            // readAllLines, not readString: /proc says its files are empty, and readString then reads one byte
            return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start")).get(0)
                    .strip());
        } catch (IOException | RuntimeException e) {
            return 1024;
        }
    }

    /** This JVM's pid, written over what the file held; the file's lock is held by our descriptor from bin/jmaster. */
    private static void writePid(Path file) throws IOException {
        try (SeekableByteChannel out = Files.newByteChannel(file, Set.of(StandardOpenOption.WRITE,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS))) {
            out.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
        }
    }
}
