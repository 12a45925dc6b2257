package org.jmaster.spawner.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The libc calls the spawner needs (glibc on Linux), through JNA's direct mapping: each native
 * method is bound to its function once, when the class is initialised, and a call is one JNI
 * call. An interface mapping (Native.load) goes through a proxy, reflection and a lookup table on
 * every call, which the reaper and the spawner run rarely enough to stay interpreted: about 170 µs
 * of master CPU per child's exit, and a first spawn after a start that also binds the function.
 * Calls that set errno throw {@link LastErrorException}; the posix_spawn family returns the error
 * number instead.
 */
final class LibC {
    static final LibC INSTANCE = new LibC();

    static {
        Native.register(LibC.class, "c");
    }

    private LibC() {
    }

    static final int O_RDWR = 2;
    static final int O_WRONLY = 1;
    static final int O_CREAT = 0100;
    static final int O_APPEND = 02000;
    /** Differs by architecture; 0 (no protection) where it is not known here. */
    static final int O_NOFOLLOW = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64", "riscv64", "s390x" -> 0400000;
        case "aarch64", "ppc64le", "ppc64" -> 0100000;
        default -> 0;
    };
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int F_DUPFD_CLOEXEC = 1030;
    static final int WNOHANG = 1;
    static final int EPOLLIN = 1;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLL_CLOEXEC = O_CLOEXEC;
    static final int EFD_CLOEXEC = O_CLOEXEC;
    static final long SYS_PIDFD_OPEN = 434;
    static final short POSIX_SPAWN_SETPGROUP = 0x02;
    static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    /** Generous sizes of glibc's opaque types (80, 336 and 128 bytes on x86-64). */
    static final int FILE_ACTIONS_SIZE = 256;
    static final int SPAWNATTR_SIZE = 512;
    static final int SIGSET_SIZE = 128;
    static final int ESRCH = 3;
    static final int EINTR = 4;
    static final int ECHILD = 10;

    native int posix_spawn(IntByReference pid, String path, Pointer fileActions, Pointer attributes, Pointer argv,
            Pointer envp);

    native int posix_spawn_file_actions_init(Pointer fileActions);

    native int posix_spawn_file_actions_destroy(Pointer fileActions);

    native int posix_spawn_file_actions_addopen(Pointer fileActions, int fd, String path, int flags, int mode);

    native int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

    native int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

    native int posix_spawn_file_actions_addchdir_np(Pointer fileActions, String path);

    native int posix_spawnattr_init(Pointer attributes);

    native int posix_spawnattr_destroy(Pointer attributes);

    native int posix_spawnattr_setflags(Pointer attributes, short flags);

    native int posix_spawnattr_setpgroup(Pointer attributes, int pgroup);

    native int posix_spawnattr_setsigmask(Pointer attributes, Pointer sigset);

    native int posix_spawnattr_setsigdefault(Pointer attributes, Pointer sigset);

    native int sigemptyset(Pointer sigset);

    native int sigfillset(Pointer sigset);

    native int kill(int pid, int signal) throws LastErrorException;

    native int waitpid(int pid, IntByReference status, int options) throws LastErrorException;

    /** pidfd_open(pid, flags). */
    native int syscall(long number, int pid, int flags) throws LastErrorException;

    /** pidfd_send_signal(pidfd, signal, info, flags). */
    native int syscall(long number, int pidfd, int signal, Pointer info, int flags) throws LastErrorException;

    native int pipe2(int[] fds, int flags) throws LastErrorException;

    native int open(String path, int flags, int mode) throws LastErrorException;

    native int fcntl(int fd, int command, int argument) throws LastErrorException;

    native int close(int fd) throws LastErrorException;

    native int umask(int mask);

    native int epoll_create1(int flags) throws LastErrorException;

    native int epoll_ctl(int epfd, int operation, int fd, Pointer event) throws LastErrorException;

    native int epoll_wait(int epfd, Pointer events, int maxEvents, int timeout) throws LastErrorException;

    native int eventfd(int initial, int flags) throws LastErrorException;

    native long write(int fd, Pointer buffer, long count) throws LastErrorException;

    native String strerror(int errno);
}
