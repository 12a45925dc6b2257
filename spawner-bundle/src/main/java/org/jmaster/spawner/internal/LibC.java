package org.jmaster.spawner.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;

/**
 * The libc calls the spawner needs (glibc on Linux x86-64), through JNA. Calls that set errno
 * throw {@link LastErrorException}; the posix_spawn family returns the error number instead.
 */
interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int O_RDWR = 2;
    int O_WRONLY = 1;
    int O_CREAT = 0100;
    int O_APPEND = 02000;
    /** Differs by architecture; 0 (no protection) where it is not known here. */
    int O_NOFOLLOW = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64", "riscv64", "s390x" -> 0400000;
        case "aarch64", "ppc64le", "ppc64" -> 0100000;
        default -> 0;
    };
    int O_NONBLOCK = 0x800;
    int O_CLOEXEC = 0x80000;
    int F_DUPFD_CLOEXEC = 1030;
    int WNOHANG = 1;
    int EPOLLIN = 1;
    int EPOLL_CTL_ADD = 1;
    int EPOLL_CTL_DEL = 2;
    int EPOLL_CLOEXEC = O_CLOEXEC;
    int EFD_CLOEXEC = O_CLOEXEC;
    long SYS_PIDFD_OPEN = 434;
    short POSIX_SPAWN_SETPGROUP = 0x02;
    short POSIX_SPAWN_SETSIGDEF = 0x04;
    short POSIX_SPAWN_SETSIGMASK = 0x08;
    /** Generous sizes of glibc's opaque types (80, 336 and 128 bytes on x86-64). */
    int FILE_ACTIONS_SIZE = 256;
    int SPAWNATTR_SIZE = 512;
    int SIGSET_SIZE = 128;
    int ESRCH = 3;
    int EINTR = 4;
    int ECHILD = 10;

    int posix_spawn(IntByReference pid, String path, Pointer fileActions, Pointer attributes, StringArray argv,
            StringArray envp);

    int posix_spawn_file_actions_init(Pointer fileActions);

    int posix_spawn_file_actions_destroy(Pointer fileActions);

    int posix_spawn_file_actions_addopen(Pointer fileActions, int fd, String path, int flags, int mode);

    int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

    int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

    int posix_spawn_file_actions_addchdir_np(Pointer fileActions, String path);

    int posix_spawnattr_init(Pointer attributes);

    int posix_spawnattr_destroy(Pointer attributes);

    int posix_spawnattr_setflags(Pointer attributes, short flags);

    int posix_spawnattr_setpgroup(Pointer attributes, int pgroup);

    int posix_spawnattr_setsigmask(Pointer attributes, Pointer sigset);

    int posix_spawnattr_setsigdefault(Pointer attributes, Pointer sigset);

    int sigemptyset(Pointer sigset);

    int sigfillset(Pointer sigset);

    int kill(int pid, int signal) throws LastErrorException;

    int waitpid(int pid, IntByReference status, int options) throws LastErrorException;

    /** pidfd_open(pid, flags). */
    int syscall(long number, int pid, int flags) throws LastErrorException;

    /** pidfd_send_signal(pidfd, signal, info, flags). */
    int syscall(long number, int pidfd, int signal, Pointer info, int flags) throws LastErrorException;

    int pipe2(int[] fds, int flags) throws LastErrorException;

    int open(String path, int flags, int mode) throws LastErrorException;

    int fcntl(int fd, int command, int argument) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int umask(int mask);

    int epoll_create1(int flags) throws LastErrorException;

    int epoll_ctl(int epfd, int operation, int fd, Pointer event) throws LastErrorException;

    int epoll_wait(int epfd, Pointer events, int maxEvents, int timeout) throws LastErrorException;

    int eventfd(int initial, int flags) throws LastErrorException;

    long write(int fd, Pointer buffer, long count) throws LastErrorException;

    String strerror(int errno);
}
