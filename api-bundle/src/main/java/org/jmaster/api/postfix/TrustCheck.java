package org.jmaster.api.postfix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * NAME
 *     TrustCheck - may root trust this file? (Postfix postfix-script check-fatal, OpenSSH
 *     StrictModes)
 * SYNOPSIS
 *     boolean runsAsRoot(), int effectiveUid()
 *     List<String> problems(path), problems(path, owner)
 * DESCRIPTION
 *     A file that root reads as configuration or runs as a command must be one that only root
 *     can change: the file and every directory above it owned by root, and writable by neither
 *     group nor others. A sticky directory (such as /tmp) that others may write is fine above an
 *     entry root owns, since nobody else can remove or replace that entry. A symbolic link must
 *     be root's too, and where it leads is checked the same way.
 *
 *     A path that does not exist has no problem here: whoever reads it says it is missing.
 * DIAGNOSTICS
 *     One sentence per problem, naming the path: "/srv/jmaster/etc is writable by group or
 *     others (mode 0775)", "/srv/jmaster/libexec/x is owned by uid 1000, not root".
 */
public final class TrustCheck {
    private static final int GROUP_OR_OTHER_WRITE = 0022;
    private static final int STICKY = 01000;
    private static final int DIRECTORY = 0040000;
    private static final int TYPE = 0170000;
    private static final int SYMLINK = 0120000;

    private TrustCheck() {
    }

    /** This process's effective uid, read once: the master's and the launcher's JVM never change it. */
    private static final int EUID = readEffectiveUid();

    /** True when this process's effective uid is 0. */
    public static boolean runsAsRoot() {
        return EUID == 0;
    }

    /** This process's effective uid, from /proc/self/status; 0 (the strictest answer) if it cannot be read. */
    public static int effectiveUid() {
        return EUID;
    }

    private static int readEffectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.split("\\s+")[2]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // below: assume the worst, root
        }
        return 0;
    }

    /** Why root may not trust this path; empty when it may. */
    public static List<String> problems(Path path) {
        return problems(path, 0);
    }

    /**
     * Why a process of this uid may not trust this path: the same rule, with the path and the
     * directories above it owned by root or by that uid.
     */
    public static List<String> problems(Path path, int owner) {
        List<String> problems = new ArrayList<>();
        check(path.toAbsolutePath().normalize(), owner, problems, 0);
        return problems;
    }

    private static void check(Path path, int owner, List<String> problems, int links) {
        Path current = path.getRoot();
        try {
            report(current, Files.readAttributes(current, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS), owner, false,
                    problems);
        } catch (IOException | UnsupportedOperationException e) {
            problems.add(current + " cannot be checked: " + e);
            return;
        }
        for (int i = 0; i < path.getNameCount(); i++) {
            current = current.resolve(path.getName(i).toString());
            boolean last = i == path.getNameCount() - 1;
            Map<String, Object> attributes;
            try {
                attributes = Files.readAttributes(current, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return;
            } catch (IOException | UnsupportedOperationException e) {
                problems.add(current + " cannot be checked: " + e);
                return;
            }
            report(current, attributes, owner, last, problems);
            if (((Integer) attributes.get("mode") & TYPE) == SYMLINK) {
                if (links >= 8) {
                    problems.add(current + " leads through too many symbolic links");
                    return;
                }
                try {
                    Path target = current.resolveSibling(Files.readSymbolicLink(current));
                    Path rest = last ? target : target.resolve(path.subpath(i + 1, path.getNameCount()).toString());
                    check(rest.normalize(), owner, problems, links + 1);
                } catch (IOException e) {
                    problems.add(current + " cannot be read: " + e);
                }
                return;
            }
        }
    }

    private static void report(Path path, Map<String, Object> attributes, int owner, boolean last,
            List<String> problems) {
        int uid = (Integer) attributes.get("uid");
        int mode = (Integer) attributes.get("mode");
        if (uid != 0 && uid != owner) {
            problems.add(path + " is owned by uid " + uid + ", not root" + (owner == 0 ? "" : " or uid " + owner));
        }
        boolean stickyDirectory = (mode & TYPE) == DIRECTORY && (mode & STICKY) != 0;
        if ((mode & TYPE) != SYMLINK && (mode & GROUP_OR_OTHER_WRITE) != 0 && (last || !stickyDirectory)) {
            problems.add(path + " is writable by group or others (mode " + String.format("%04o", mode & 07777) + ")");
        }
    }
}
