package org.jmaster.launcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Set;

/**
 * NAME
 *     MasterLock - Postfix's master.pid and master.lock (Postfix master/master.c, util/open_lock.c)
 * SYNOPSIS
 *     MasterLock.writeAll()
 * DESCRIPTION
 *     With a Postfix configuration, bin/jmaster opens $queue_directory/pid/master.pid on
 *     descriptor 7 and $data_directory/master.lock on descriptor 8 and flock()s both, as Postfix's
 *     master does (LOCK is flock on Linux, util/sys_defs.h). The JVM inherits the descriptors
 *     when the script execs it, so the locks last exactly while it runs: Postfix's own
 *     "master -t", and with it postfix start, stop, reload and status, see jmaster as the
 *     running master, and no second master of either kind starts on the queue.
 *
 *     bin/jmaster opens master.lock as mail_owner, as Postfix's master does, since it lies in
 *     data_directory, which mail_owner may write. Here the JVM's pid is written into both in
 *     Postfix's format ("%*lu\n", 32 wide), through the locked descriptor itself
 *     (/proc/self/fd/N), once the path is checked to still name the locked file, a file of its
 *     own (one link).
 *     System properties jmaster.master.pid and jmaster.master.lock name the files; absent, there
 *     is nothing to do (no Postfix configuration).
 * DIAGNOSTICS
 *     IOException "<file> is not the file whose lock bin/jmaster holds: ...".
 */
final class MasterLock {
    /** The descriptors bin/jmaster holds the locks on. */
    static final int PID_FD = 7;
    static final int LOCK_FD = 8;

    private MasterLock() {
    }

    static void writeAll() throws IOException {
        write(System.getProperty("jmaster.master.pid"), PID_FD);
        write(System.getProperty("jmaster.master.lock"), LOCK_FD);
    }

    private static void write(String path, int fd) throws IOException {
        if (path == null || path.isEmpty()) {
            return;
        }
        Path file = Path.of(path);
        Path held = Path.of("/proc/self/fd/" + fd);
        Object locked;
        BasicFileAttributes named;
        try {
            locked = Files.readAttributes(held, BasicFileAttributes.class).fileKey();
            named = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new IOException(file + " is not the file whose lock bin/jmaster holds: " + e, e);
        }
        if (!named.isRegularFile() || !Objects.equals(named.fileKey(), locked)) {
            throw new IOException(file + " is not the file whose lock bin/jmaster holds: it was replaced, or is a link");
        }
        Object links = Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        if (!Integer.valueOf(1).equals(links)) {
            throw new IOException(file + " has " + links + " hard links: it must be a file of its own");
        }
        String pid = String.format("%32d%n", ProcessHandle.current().pid());
        try (SeekableByteChannel out = Files.newByteChannel(held, Set.of(StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))) {
            out.write(ByteBuffer.wrap(pid.getBytes(StandardCharsets.US_ASCII)));
        }
    }
}
