package org.jmaster.child.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** The libc calls a child needs: poll, accept4, read, write, close, getpid; to drop root's privileges; and Training's. */
interface Posix extends Library {
    Posix INSTANCE = Native.load("c", Posix.class);

    short POLLIN = 1;
    int SOCK_CLOEXEC = 0x80000;
    int F_GETFD = 1;
    int F_SETFD = 2;
    int FD_CLOEXEC = 1;
    int EINTR = 4;
    int EAGAIN = 11;

    int poll(Pointer fds, int count, int timeout) throws LastErrorException;

    int accept4(int fd, Pointer address, Pointer length, int flags) throws LastErrorException;

    int read(int fd, byte[] buffer, long count) throws LastErrorException;

    int write(int fd, byte[] buffer, long count) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int fcntl(int fd, int command, int argument) throws LastErrorException;

    int getpid();

    // For Training only: a status channel and a listen socket of its own, at 5 and 6.
    int AF_INET = 2;
    int SOCK_STREAM = 1;

    int pipe(int[] fds) throws LastErrorException;

    int dup2(int from, int to) throws LastErrorException;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int fd, byte[] address, int length) throws LastErrorException;

    int listen(int fd, int backlog) throws LastErrorException;

    int getsockname(int fd, byte[] address, int[] length) throws LastErrorException;

    // These report failure by their result (errno may be set on success, by NSS lookups): see
    // Native.getLastError(), which JNA keeps for interfaces loaded with it (PrivilegesTest).
    int chroot(String path);

    int chdir(String path);

    Pointer getpwnam(String name);

    int setgroups(long size, int[] groups);

    int getgroups(int size, int[] groups);

    int setgid(int gid);

    int setuid(int uid);

    int getresuid(int[] real, int[] effective, int[] saved);

    int getresgid(int[] real, int[] effective, int[] saved);

    String strerror(int errno);
}
