package org.jmaster.spawner.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jmaster.api.ExitStatus;
import org.jmaster.api.spi.spawner.ExitHandler;

/**
 * NAME
 *     Reaper - wait for children by pid (Postfix master_reap_child, without waitpid(-1))
 * SUMMARY
 *     watch(pid, handler)   follow a new child
 *     signal(pid, signal)   send it a signal through its pidfd (no pid-reuse race)
 *     pids()                the children not yet reaped
 *     awaitNone(millis)     wait until every child is reaped
 *     close()               stop the thread
 * DESCRIPTION
 *     One thread waits in epoll_wait(2) on a pidfd per child. A pidfd becomes readable when its
 *     process dies; the thread then reaps exactly that pid with waitpid(pid, WNOHANG), so the
 *     JVM's own children (ProcessBuilder) are never stolen, and tells the child's handler on this
 *     thread. No polling: with no child dying the thread sleeps.
 *
 *     Stopped children are not reported (their pidfd does not become readable): they are kept,
 *     as Postfix keeps them.
 * DIAGNOSTICS
 *     A child that vanished without a status (someone else reaped it) is reported as exit
 *     status 0 with a warning in the log.
 */
final class Reaper implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger("org.jmaster.spawner");
    private static final long SYS_PIDFD_SEND_SIGNAL = 424;
    /** struct epoll_event: packed (12 bytes, data at 4) on x86-64, naturally aligned elsewhere. */
    private static final boolean PACKED = com.sun.jna.Platform.isIntel() && com.sun.jna.Platform.is64Bit();
    private static final int EVENT_SIZE = PACKED ? 12 : 16;
    private static final int DATA_OFFSET = PACKED ? 4 : 8;
    private static final int MAX_EVENTS = 64;

    private final LibC libc = LibC.INSTANCE;
    private final int epoll;
    private final int wakeup;
    private final Map<Integer, Watched> children = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean closing;

    private static final class Watched {
        final int pidfd;
        final ExitHandler handler;

        Watched(int pidfd, ExitHandler handler) {
            this.pidfd = pidfd;
            this.handler = handler;
        }
    }

    Reaper() {
        epoll = libc.epoll_create1(LibC.EPOLL_CLOEXEC);
        wakeup = libc.eventfd(0, LibC.EFD_CLOEXEC);
        add(wakeup, 0);
        thread = new Thread(this::run, "jmaster-reaper");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Follows a child.
     *
     * @throws LastErrorException when the kernel gives no pidfd for it
     */
    void watch(int pid, ExitHandler handler) {
        int pidfd = libc.syscall(LibC.SYS_PIDFD_OPEN, pid, 0);
        children.put(pid, new Watched(pidfd, handler));
        try {
            add(pidfd, pid);
        } catch (LastErrorException e) {
            children.remove(pid);
            libc.close(pidfd);
            throw e;
        }
    }

    /** Sends a signal to a child not yet reaped; false when it is not (or no longer) ours. */
    boolean signal(int pid, int signal) {
        Watched child = children.get(pid);
        if (child == null) {
            return false;
        }
        try {
            libc.syscall(SYS_PIDFD_SEND_SIGNAL, child.pidfd, signal, Pointer.NULL, 0);
            return true;
        } catch (LastErrorException e) {
            return false; // exited, not yet reaped: the reaper will see it
        }
    }

    /** The pids not yet reaped. */
    List<Integer> pids() {
        return List.copyOf(children.keySet());
    }

    /** Waits up to this long for every child to be reaped; true if none is left. */
    synchronized boolean awaitNone(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!children.isEmpty()) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    private void add(int fd, int pid) {
        Memory event = new Memory(EVENT_SIZE);
        event.setInt(0, LibC.EPOLLIN);
        event.setLong(DATA_OFFSET, pid);
        libc.epoll_ctl(epoll, LibC.EPOLL_CTL_ADD, fd, event);
    }

    private void run() {
        Memory events = new Memory((long) EVENT_SIZE * MAX_EVENTS);
        while (!closing) {
            int ready;
            try {
                ready = libc.epoll_wait(epoll, events, MAX_EVENTS, -1);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.EINTR) {
                    continue;
                }
                LOG.log(Level.SEVERE, "epoll_wait failed; children are no longer reaped", e);
                return;
            }
            for (int i = 0; i < ready; i++) {
                int pid = (int) events.getLong((long) i * EVENT_SIZE + DATA_OFFSET);
                if (pid != 0) {
                    reap(pid);
                }
            }
        }
    }

    private void reap(int pid) {
        IntByReference status = new IntByReference();
        ExitStatus exit;
        try {
            if (libc.waitpid(pid, status, LibC.WNOHANG) != pid) {
                return; // not dead yet
            }
            exit = ExitStatus.fromWaitStatus(status.getValue());
        } catch (LastErrorException e) {
            LOG.warning("waitpid " + pid + ": " + libc.strerror(e.getErrorCode()) + "; counting it as exited");
            exit = ExitStatus.exited(0);
        }
        Watched child = children.remove(pid);
        if (child == null) {
            return;
        }
        forget(child.pidfd);
        try {
            child.handler.exited(pid, exit);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "exit handler of pid " + pid + " failed", e);
        }
        synchronized (this) {
            notifyAll();
        }
    }

    /**
     * Takes the pidfd out of epoll, then closes it. Closing alone is not enough: epoll forgets a
     * descriptor only when its last reference goes, and a child being spawned at that moment holds
     * one until its exec; the reaped pidfd, readable for ever, would meanwhile wake this thread
     * again and again for a pid that is no longer a child (waitpid: No child processes).
     */
    private void forget(int pidfd) {
        try {
            libc.epoll_ctl(epoll, LibC.EPOLL_CTL_DEL, pidfd, null);
        } catch (LastErrorException e) {
            LOG.warning("epoll_ctl DEL pidfd " + pidfd + ": " + libc.strerror(e.getErrorCode()));
        }
        libc.close(pidfd);
    }

    /**
     * Stops the thread. A child not reaped by now (one that even SIGKILL did not end) is no longer
     * followed: its handler is told it was killed, so that no table counts it for ever.
     */
    @Override
    public void close() throws InterruptedException {
        closing = true;
        Memory one = new Memory(8);
        one.setLong(0, 1);
        libc.write(wakeup, one, 8);
        thread.join(5000);
        for (Map.Entry<Integer, Watched> child : children.entrySet()) {
            LOG.warning("pid " + child.getKey() + " was not reaped; no longer followed");
            forget(child.getValue().pidfd);
            child.getValue().handler.exited(child.getKey(), ExitStatus.killed(ExitStatus.SIGKILL));
        }
        children.clear();
        libc.close(wakeup);
        libc.close(epoll);
    }
}
