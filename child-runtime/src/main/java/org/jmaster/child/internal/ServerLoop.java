package org.jmaster.child.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.jmaster.api.postfix.StatusRecord;
import org.jmaster.child.RequestHandler;

/**
 * NAME
 *     ServerLoop - wait, accept, report, serve (Postfix single_server.c)
 * DESCRIPTION
 *     poll(2) on the status channel (fd 5) and the listen sockets (fd 6 and up), with max_idle as
 *     the timeout. Readable fd 5 means the master closed its ends: exit 0. A readable listen
 *     socket is accepted without blocking (another idle child may have won it: go back to
 *     waiting); then TAKEN, the handler, close, AVAIL. A failed AVAIL write means the master
 *     restarted the service: exit 0. After max_use requests: exit 0.
 */
public final class ServerLoop {
    private static final int STATUS_FD = 5;
    private static final int LISTEN_FD = 6;

    private final Arguments arguments;
    private final RequestHandler handler;
    private final Posix posix = Posix.INSTANCE;
    private final ByteBuffer record = ByteBuffer.allocate(StatusRecord.SIZE);
    private final int pid;

    public ServerLoop(Arguments arguments, RequestHandler handler) throws IOException {
        this.arguments = arguments;
        this.handler = handler;
        this.pid = posix.getpid();
        for (int fd = STATUS_FD; fd < LISTEN_FD + arguments.listenCount; fd++) {
            try {
                posix.fcntl(fd, Posix.F_SETFD, Posix.FD_CLOEXEC); // nothing the handler starts inherits them
            } catch (LastErrorException e) {
                throw new IOException("descriptor " + fd + " is not open: the master must pass the status channel at 5"
                        + " and the listen sockets from 6");
            }
        }
    }

    /** Serves until it is time to exit; returns the exit status. */
    public int run() {
        int count = 1 + arguments.listenCount;
        Pointer fds = new Memory(8L * count);
        int useCount = 0;
        long idleMillis = arguments.maxIdleSeconds * 1000;
        while (arguments.maxUse == 0 || useCount < arguments.maxUse) {
            for (int i = 0; i < count; i++) {
                fds.setInt(8L * i, i == 0 ? STATUS_FD : LISTEN_FD + i - 1);
                fds.setShort(8L * i + 4, Posix.POLLIN);
                fds.setShort(8L * i + 6, (short) 0);
            }
            int ready;
            try {
                ready = posix.poll(fds, count, idleMillis > 0 ? (int) Math.min(idleMillis, Integer.MAX_VALUE) : -1);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Posix.EINTR) {
                    continue;
                }
                System.err.println("fatal: poll: error " + e.getErrorCode());
                return 1;
            }
            if (ready == 0) {
                return 0; // idle for max_idle
            }
            if (fds.getShort(6) != 0) {
                return 0; // master disconnect
            }
            for (int i = 1; i < count; i++) {
                if (fds.getShort(8L * i + 6) != 0 && serve(LISTEN_FD + i - 1)) {
                    useCount++;
                    if (!report(StatusRecord.AVAIL)) {
                        return 0; // the master restarted the service
                    }
                    break;
                }
            }
        }
        return 0;
    }

    private boolean serve(int listenFd) {
        int client;
        try {
            client = posix.accept4(listenFd, Pointer.NULL, Pointer.NULL, Posix.SOCK_CLOEXEC);
        } catch (LastErrorException e) {
            return false; // another child took it, or the client gave up
        }
        report(StatusRecord.TAKEN);
        try {
            handler.serve(new FdStreams.In(client), new FdStreams.Out(client));
        } catch (IOException | RuntimeException e) {
            System.err.println("warning: " + arguments.serviceName + ": " + e);
        } finally {
            posix.close(client);
        }
        return true;
    }

    private boolean report(int status) {
        record.clear();
        new StatusRecord(pid, arguments.generation, status).encode(record);
        try {
            return posix.write(STATUS_FD, record.array(), StatusRecord.SIZE) == StatusRecord.SIZE;
        } catch (LastErrorException e) {
            return false;
        }
    }
}
