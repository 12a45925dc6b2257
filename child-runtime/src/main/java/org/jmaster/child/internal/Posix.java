package org.jmaster.child.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** The libc calls a child needs: poll, accept4, read, write, close, getpid. */
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
}
