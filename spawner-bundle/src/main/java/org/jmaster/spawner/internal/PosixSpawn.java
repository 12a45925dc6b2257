package org.jmaster.spawner.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.jmaster.api.SpawnException;

/**
 * NAME
 *     PosixSpawn - create one child with Postfix's descriptor layout (master_spawn.c, section 3.2)
 * SYNOPSIS
 *     int spawn(path, argv, envp, cwd, sources, stderrFd)
 * DESCRIPTION
 *     posix_spawn(3) with file actions: /dev/null on 0, 1 and 2 (2: a duplicate of stderrFd
 *     instead, when there is one); sources[i] duplicated onto fd
 *     3 + i (the flow pipe's read and write ends, the status channel, the listen sockets); every
 *     other descriptor closed (addclosefrom_np: the JVM's descriptors are not close-on-exec); the
 *     working directory set (addchdir_np). The child leads a process group of its own and starts
 *     with no blocked signal and every signal at its default action, so that a terminal's ^C for
 *     the JVM does not reach it and nothing the JVM ignores stays ignored.
 *
 *     A source whose number is itself a target is first moved above the targets, so that no
 *     duplication overwrites a source another one still needs.
 *
 *     The file actions of a layout (sources and directory) are built once and kept: building them
 *     costs a dozen library calls, each checking the descriptor limit with a system call, and a
 *     service's layout only changes when it is restarted. Up to 64 layouts are kept; the oldest
 *     are destroyed first. A layout that needs moved descriptors is built for one spawn only.
 *
 *     Not thread-safe: one spawn at a time (the spawner serialises them).
 * DIAGNOSTICS
 *     SpawnException with "fork: <error>", "exec <path>: <error>" or "chdir <dir>: <error>".
 */
final class PosixSpawn implements AutoCloseable {
    private final LibC libc = LibC.INSTANCE;
    private final Memory attributes = new Memory(LibC.SPAWNATTR_SIZE);
    private final java.util.LinkedHashMap<String, Memory> layouts = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, Memory> eldest) {
            if (size() > 64) {
                libc.posix_spawn_file_actions_destroy(eldest.getValue());
                return true;
            }
            return false;
        }
    };

    PosixSpawn() {
        Memory noSignals = new Memory(LibC.SIGSET_SIZE);
        Memory allSignals = new Memory(LibC.SIGSET_SIZE);
        libc.sigemptyset(noSignals);
        libc.sigfillset(allSignals);
        check(libc.posix_spawnattr_init(attributes), "posix_spawnattr_init");
        check(libc.posix_spawnattr_setflags(attributes, (short) (LibC.POSIX_SPAWN_SETPGROUP
                | LibC.POSIX_SPAWN_SETSIGMASK | LibC.POSIX_SPAWN_SETSIGDEF)), "posix_spawnattr_setflags");
        check(libc.posix_spawnattr_setpgroup(attributes, 0), "posix_spawnattr_setpgroup");
        check(libc.posix_spawnattr_setsigmask(attributes, noSignals), "posix_spawnattr_setsigmask");
        check(libc.posix_spawnattr_setsigdefault(attributes, allSignals), "posix_spawnattr_setsigdefault");
    }

    /**
     * Starts the program.
     *
     * @param sources the descriptors that become 3, 4, 5, ... in the child, in order
     * @param stderrFd what becomes the child's standard error; -1: /dev/null
     * @return the child's pid
     */
    int spawn(String path, String[] argv, String[] envp, String cwd, int[] sources, int stderrFd)
            throws SpawnException {
        int firstFree = 3 + sources.length;
        boolean direct = true; // a loop, not a stream: the first spawn after a start would spin its classes
        for (int fd : sources) {
            direct &= fd >= firstFree;
        }
        String layout = Arrays.toString(sources) + stderrFd + cwd;
        Memory fileActions = direct ? layouts.get(layout) : null;
        int[] moved = new int[sources.length];
        try {
            if (fileActions == null) {
                fileActions = fileActions(sources, cwd, stderrFd, moved);
                if (direct) {
                    layouts.put(layout, fileActions);
                }
            }
            IntByReference pid = new IntByReference();
            int error = libc.posix_spawn(pid, path, fileActions, attributes, new StringArray(argv),
                    new StringArray(envp));
            if (error != 0) {
                throw new SpawnException(describe(error, path, cwd));
            }
            return pid.getValue();
        } catch (LastErrorException e) {
            throw new SpawnException("fcntl: " + libc.strerror(e.getErrorCode()));
        } finally {
            if (!direct && fileActions != null) {
                libc.posix_spawn_file_actions_destroy(fileActions);
            }
            for (int fd : moved) {
                if (fd > 0) {
                    libc.close(fd);
                }
            }
        }
    }

    /** The file actions of a layout; sources below the targets are duplicated above them into moved. */
    private Memory fileActions(int[] sources, String cwd, int stderrFd, int[] moved) {
        int firstFree = 3 + sources.length;
        Memory actions = new Memory(LibC.FILE_ACTIONS_SIZE);
        check(libc.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
        check(libc.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", LibC.O_RDWR, 0), "addopen");
        check(libc.posix_spawn_file_actions_adddup2(actions, 0, 1), "adddup2");
        // before the sources: stderrFd may be one of their targets, which they then overwrite
        check(libc.posix_spawn_file_actions_adddup2(actions, stderrFd < 0 ? 0 : stderrFd, 2), "adddup2");
        for (int i = 0; i < sources.length; i++) {
            int source = sources[i];
            if (source < firstFree) {
                source = libc.fcntl(source, LibC.F_DUPFD_CLOEXEC, firstFree);
                moved[i] = source;
            }
            check(libc.posix_spawn_file_actions_adddup2(actions, source, 3 + i), "adddup2");
        }
        check(libc.posix_spawn_file_actions_addclosefrom_np(actions, firstFree), "addclosefrom_np");
        check(libc.posix_spawn_file_actions_addchdir_np(actions, cwd), "addchdir_np");
        return actions;
    }

    private String describe(int error, String path, String cwd) {
        String text = libc.strerror(error);
        if (!Files.isDirectory(Path.of(cwd))) {
            return "chdir " + cwd + ": " + text;
        }
        switch (error) {
            case 1: case 2: case 7: case 8: case 13: case 20: case 21: case 26: case 36: case 40:
                return "exec " + path + ": " + text;
            default:
                return "fork: " + text;
        }
    }

    private static void check(int error, String call) {
        if (error != 0) {
            throw new IllegalStateException(call + " failed: " + LibC.INSTANCE.strerror(error));
        }
    }

    @Override
    public void close() {
        layouts.values().forEach(libc::posix_spawn_file_actions_destroy);
        layouts.clear();
        libc.posix_spawnattr_destroy(attributes);
    }
}
