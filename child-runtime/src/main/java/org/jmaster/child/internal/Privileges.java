package org.jmaster.child.internal;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jmaster.api.postfix.MasterCfSyntax;

/**
 * NAME
 *     Privileges - chroot and drop privileges as a Postfix daemon does (Postfix chroot_uid,
 *     set_ugid)
 * SYNOPSIS
 *     drop(arguments, mailConfig)
 * DESCRIPTION
 *     -u: the child becomes mail_owner: setgroups to its primary group alone, setgid, setuid,
 *     then getresuid, getresgid and getgroups must say that no id of root is left. A mail_owner
 *     of uid or gid 0 is refused. -c: before that, the child chroots to its working
 *     directory, which the master made the queue directory, and goes to its root. The user is
 *     looked up before the chroot. Neither flag needs anything when the master is not root,
 *     but then setgroups fails, and the child exits as a Postfix daemon would.
 *
 *     mail_owner is -o mail_owner=NAME, else main.cf's mail_owner in MAIL_CONFIG, else
 *     "postfix", Postfix's default. A value with $ in it cannot be expanded here: give -o.
 * DIAGNOSTICS
 *     IOException with Postfix's words: "unknown user: NAME", "chroot(DIR): ERROR",
 *     "setgroups(1, N): ERROR", "setgid(N): ERROR", "setuid(N): ERROR"; the caller exits 1.
 */
public final class Privileges {
    private static final Posix POSIX = Posix.INSTANCE;

    private Privileges() {
    }

    /** Does what -c and -u ask, in Postfix's order. */
    public static void drop(Arguments arguments, String mailConfig) throws IOException {
        if (!arguments.unprivileged && !arguments.chroot) {
            return;
        }
        String user = null;
        int uid = 0;
        int gid = 0;
        if (arguments.unprivileged) {
            user = mailOwner(arguments, mailConfig);
            Pointer passwd = POSIX.getpwnam(user);
            if (passwd == null) {
                throw new IOException("unknown user: " + user);
            }
            uid = passwd.getInt(2L * Native.POINTER_SIZE);
            gid = passwd.getInt(2L * Native.POINTER_SIZE + 4);
            if (uid == 0 || gid == 0) {
                throw new IOException("mail_owner " + user + " is privileged (uid " + uid + ", gid " + gid
                        + "): it must be an unprivileged user with a group of its own");
            }
        }
        if (arguments.chroot) {
            String root = Path.of("").toAbsolutePath().toString();
            call("chroot(" + root + ")", () -> POSIX.chroot("."));
            call("chdir(/)", () -> POSIX.chdir("/"));
        }
        if (user != null) {
            int group = gid;
            int person = uid;
            // Postfix's set_ugid: the user's primary group only, none of its supplementary groups
            call("setgroups(1, " + gid + ")", () -> POSIX.setgroups(1, new int[] {group}));
            call("setgid(" + gid + ")", () -> POSIX.setgid(group));
            call("setuid(" + uid + ")", () -> POSIX.setuid(person));
            int[][] u = {new int[1], new int[1], new int[1]};
            int[][] g = {new int[1], new int[1], new int[1]};
            POSIX.getresuid(u[0], u[1], u[2]);
            POSIX.getresgid(g[0], g[1], g[2]);
            int[] groups = new int[2];
            int count = POSIX.getgroups(groups.length, groups);
            boolean onlyPrimary = count == 0 || count == 1 && groups[0] == gid;
            for (int i = 0; i < 3; i++) {
                if (u[i][0] != uid || g[i][0] != gid || !onlyPrimary) {
                    throw new IOException("set_ugid: uid " + u[0][0] + "/" + u[1][0] + "/" + u[2][0] + " gid "
                            + g[0][0] + "/" + g[1][0] + "/" + g[2][0] + " after setuid(" + uid + ") setgid(" + gid + ")");
                }
            }
        }
    }

    interface Call {
        int run();
    }

    static void call(String what, Call call) throws IOException {
        if (call.run() != 0) {
            throw new IOException(what + ": " + POSIX.strerror(Native.getLastError()));
        }
    }

    /** -o mail_owner, else main.cf's, else Postfix's default. */
    static String mailOwner(Arguments arguments, String mailConfig) throws IOException {
        String name = arguments.parameters.get("mail_owner");
        if (name == null && mailConfig != null && Files.isReadable(Path.of(mailConfig, "main.cf"))) {
            name = mainCf(Files.readAllLines(Path.of(mailConfig, "main.cf"), StandardCharsets.ISO_8859_1), "mail_owner");
        }
        if (name == null) {
            return "postfix";
        }
        if (name.contains("$")) {
            throw new IOException("mail_owner = " + name + ": cannot expand $ here; give the master.cf line -o mail_owner=");
        }
        return name;
    }

    /** The value of a main.cf parameter (continuation lines joined, the last setting winning), or null. */
    static String mainCf(List<String> lines, String parameter) {
        String value = null;
        for (MasterCfSyntax.Line line : MasterCfSyntax.logicalLines(lines, error -> { })) {
            int eq = line.text().indexOf('=');
            if (eq > 0 && line.text().substring(0, eq).strip().equals(parameter)) {
                value = line.text().substring(eq + 1).strip();
            }
        }
        return value;
    }
}
