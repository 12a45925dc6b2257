package org.jmaster.nio.internal;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Map;
import org.jmaster.api.MasterSettings;

/**
 * NAME
 *     MailOwner - private/ and public/, and their sockets, as Postfix makes them (Postfix
 *     master_listen.c set_eugid, postfix-script check)
 * SYNOPSIS
 *     MailOwner of(settings)
 *     MailOwner ownerOf(directory)        the user who owns private/ or public/ (null: root)
 *     Path directory(queue, private)      checked, or made with Postfix's owner and mode
 *     T as(action)                        run with this thread's file system ids set to mail_owner
 * DESCRIPTION
 *     When the master runs as root, it creates the unix, unix-dgram, fifo and pass endpoints as
 *     Postfix's master does: with the file system user and group ids of mail_owner, so that a
 *     process of that user which replaces an endpoint by a symbolic link gains nothing (root's
 *     chmod would follow the link; mail_owner's cannot change a file it does not own). It opens a
 *     fifo for a wakeup trigger the same way (master_wakeup.c), as the owner of the fifo's
 *     directory, which open checked to be mail_owner (the trigger is not told the settings). The
 *     ids are the thread's own (setfsuid, setfsgid, and setgroups through the system call, which
 *     leaves the JVM's other threads alone) and are put back afterwards.
 *
 *     private/ must be a directory of mail_owner, mode 0700; public/ of mail_owner and
 *     setgid_group, mode 0710. A missing one is made so (the queue directory being root's, no one
 *     else can meddle meanwhile); one that is a symbolic link, or has another owner or group, or
 *     a mode that gives more than those, is refused.
 * DIAGNOSTICS
 *     IOException naming the user, the group or the directory and what is wrong with it.
 */
final class MailOwner {
    private final String user;
    private final int uid;
    private final int gid;
    private final String group;
    private final int setgidGroup;

    private interface Ids extends Library {
        Ids INSTANCE = Native.load("c", Ids.class);

        int setfsuid(int uid);

        int setfsgid(int gid);

        Pointer getpwnam(String name);

        Pointer getpwuid(int uid);

        Pointer getgrnam(String name);

        int getgroups(int size, int[] list);

        long syscall(long number, Object... args);
    }

    /**
     * setgroups(2) of this thread only: the raw system call (glibc's wrapper changes every
     * thread of the JVM). Its number by architecture; -1 where it is not known here, and then
     * the master refuses to act as mail_owner rather than keep root's groups.
     */
    private static final long SYS_SETGROUPS = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64" -> 116;
        case "aarch64" -> 159;
        case "riscv64" -> 159;
        case "ppc64le", "ppc64" -> 81;
        case "s390x" -> 206;
        default -> -1;
    };

    private MailOwner(String user, int uid, int gid, String group, int setgidGroup) {
        this.user = user;
        this.uid = uid;
        this.gid = gid;
        this.group = group;
        this.setgidGroup = setgidGroup;
    }

    /** mail_owner's uid and primary gid, and setgid_group's gid. */
    static synchronized MailOwner of(MasterSettings settings) throws IOException {
        int offset = 2 * Native.POINTER_SIZE; // struct passwd, struct group: two char * before the ids
        Pointer user = Ids.INSTANCE.getpwnam(settings.mailOwner());
        if (user == null) {
            throw new IOException("mail_owner \"" + settings.mailOwner() + "\" is not a user: the queue's sockets must"
                    + " be created as Postfix's mail owner");
        }
        int uid = user.getInt(offset);
        int gid = user.getInt(offset + 4);
        if (uid == 0 || gid == 0) {
            throw new IOException("mail_owner \"" + settings.mailOwner() + "\" is root or in group 0 (uid " + uid + ", gid "
                    + gid + "): it must be an unprivileged user with a group of its own");
        }
        Pointer group = Ids.INSTANCE.getgrnam(settings.setgidGroup());
        if (group == null) {
            throw new IOException("setgid_group \"" + settings.setgidGroup() + "\" is not a group");
        }
        return new MailOwner(settings.mailOwner(), uid, gid, settings.setgidGroup(), group.getInt(offset));
    }

    /**
     * The user who owns this directory, to act as: mail_owner for private/ and public/ (see
     * directory). Null when root owns it: only root can have put anything there.
     */
    static synchronized MailOwner ownerOf(Path directory) throws IOException {
        Map<String, Object> attributes = Files.readAttributes(directory, "unix:uid,gid", LinkOption.NOFOLLOW_LINKS);
        int uid = (Integer) attributes.get("uid");
        if (uid == 0) {
            return null;
        }
        Pointer user = Ids.INSTANCE.getpwuid(uid);
        if (user == null) { // no name: the directory's own group
            return new MailOwner("uid " + uid, uid, (Integer) attributes.get("gid"), null, -1);
        }
        return new MailOwner(user.getPointer(0).getString(0), uid, user.getInt(2 * Native.POINTER_SIZE + 4), null, -1);
    }

    /**
     * What the action does to files, it does as mail_owner, without root's supplementary groups
     * (Postfix's set_eugid calls setgroups too); this thread's own ids are put back after.
     */
    <T> T as(IoAction<T> action) throws IOException {
        if (SYS_SETGROUPS < 0) {
            throw new IOException("setgroups: no system call number for " + System.getProperty("os.arch")
                    + ": cannot drop root's groups to act as mail_owner");
        }
        int[] groups = new int[Math.max(Ids.INSTANCE.getgroups(0, null), 0)];
        if (Ids.INSTANCE.getgroups(groups.length, groups) != groups.length) {
            throw new IOException("getgroups failed: errno " + Native.getLastError());
        }
        if (Ids.INSTANCE.syscall(SYS_SETGROUPS, 0L, Pointer.NULL) != 0) {
            throw new IOException("setgroups(0) failed: errno " + Native.getLastError());
        }
        int oldGid = Ids.INSTANCE.setfsgid(gid);
        int oldUid = Ids.INSTANCE.setfsuid(uid);
        try {
            if (Ids.INSTANCE.setfsuid(-1) != uid || Ids.INSTANCE.setfsgid(-1) != gid) {
                throw new IOException("setfsuid/setfsgid " + uid + "/" + gid + " (" + user + ") failed");
            }
            return action.run();
        } finally {
            Ids.INSTANCE.setfsuid(oldUid);
            Ids.INSTANCE.setfsgid(oldGid);
            boolean restored = Ids.INSTANCE.setfsuid(-1) == oldUid && Ids.INSTANCE.setfsgid(-1) == oldGid
                    && Ids.INSTANCE.syscall(SYS_SETGROUPS, (long) groups.length, groups) == 0;
            if (!restored) {
                // this thread would go on with mail_owner's file access: stop it rather than go on wrong
                throw new IllegalStateException("could not restore this thread's file system ids " + oldUid + "/"
                        + oldGid + " after acting as " + user);
            }
        }
    }

    /** Something done to the file system. */
    @FunctionalInterface
    interface IoAction<T> {
        T run() throws IOException;
    }

    /** queue/private (mail_owner, 0700) or queue/public (mail_owner:setgid_group, 0710), checked or made. */
    Path directory(Path queue, boolean privateService) throws IOException {
        Path dir = queue.resolve(privateService ? "private" : "public");
        String mode = privateService ? "rwx------" : "rwx--x---";
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS);
            UserPrincipalLookupService names = dir.getFileSystem().getUserPrincipalLookupService();
            view.setOwner(names.lookupPrincipalByName(user));
            if (!privateService) {
                view.setGroup(names.lookupPrincipalByGroupName(group));
            }
            view.setPermissions(PosixFilePermissions.fromString(mode));
        }
        Map<String, Object> attributes = Files.readAttributes(dir, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
        int mode2 = (Integer) attributes.get("mode");
        if ((mode2 & 0170000) != 0040000) {
            throw new IOException(dir + " is not a directory (a symbolic link?): refused");
        }
        if ((Integer) attributes.get("uid") != uid) {
            throw new IOException(dir + " is owned by uid " + attributes.get("uid") + ", not by mail_owner " + user
                    + " (uid " + uid + "): refused; chown " + user + " " + dir + " (postfix set-permissions does)");
        }
        if (!privateService && (Integer) attributes.get("gid") != setgidGroup) {
            throw new IOException(dir + " has group gid " + attributes.get("gid") + ", not setgid_group " + group
                    + ": refused; chgrp " + group + " " + dir);
        }
        if ((mode2 & (privateService ? 0077 : 0067)) != 0) {
            throw new IOException(dir + " has mode " + String.format("%04o", mode2 & 07777) + ", more than Postfix's "
                    + (privateService ? "0700" : "0710") + ": refused; chmod " + (privateService ? "0700" : "0710") + " "
                    + dir);
        }
        return dir;
    }
}
