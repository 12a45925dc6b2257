package org.jmaster.spawner.internal;

import com.sun.jna.LastErrorException;
import java.util.List;
import java.util.logging.Logger;
import org.jmaster.api.ExitStatus;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.SpawnException;
import org.jmaster.api.spi.spawner.ExitHandler;
import org.jmaster.api.spi.spawner.SpawnRequest;
import org.jmaster.api.spi.spawner.Spawner;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * NAME
 *     PosixSpawner - process birth and death (Postfix master_spawn.c), as a DS service
 * SUMMARY
 *     spawn(request, onExit)
 *     signal(pid, signal)
 * DESCRIPTION
 *     Sets the JVM's umask to 077 (Postfix's master's, which every child inherits). Owns the
 *     master-wide flow pipe (created once, both ends non-blocking, given to every child
 *     as fds 3 and 4), one PosixSpawn, and the Reaper. A child gets the service's status channel
 *     at fd 5 and its listen sockets from fd 6, argv per Argv, the environment per Environment,
 *     and the queue directory as working directory.
 *
 *     Spawns are serialised; the master calls spawn on its event-loop thread. Exit handlers are
 *     called on the reaper's thread.
 *
 *     Going away (bundle stop or update): no new child; the children get up to stop_timeout to
 *     leave on their own (the master restarts every service when the spawner leaves, so idle ones
 *     exit at once and busy ones after their request), then SIGTERM, then after stop_timeout
 *     SIGKILL. No child outlives the spawner.
 * SEE ALSO
 *     spec/postfix-master.md sections 3.2-3.5.
 */
@Component(service = Spawner.class, immediate = true)
public final class PosixSpawner implements Spawner {
    private static final Logger LOG = Logger.getLogger("org.jmaster.spawner");

    private final LibC libc = LibC.INSTANCE;
    private final int[] flowPipe = new int[2];
    private final PosixSpawn posixSpawn = new PosixSpawn();
    private final Reaper reaper = new Reaper();
    private volatile boolean stopping;
    private volatile long stopTimeoutMillis = 5000;
    private MasterSettings environmentSettings;
    private String stderrPath = "";
    private int stderrFd = -1;
    private Environment environment;

    /** Sets the umask, creates the flow pipe and starts the reaper. */
    @Activate
    public PosixSpawner() {
        // Postfix's master's umask (master.c), inherited by every daemon and what local(8) and
        // pipe(8) run: posix_spawn has no umask of its own, so it is the JVM's (bin/jmaster sets it too)
        int before = libc.umask(077);
        if (before != 077) {
            LOG.info("umask " + String.format("%03o", before) + " -> 077, as Postfix's master: what the children create"
                    + " is their own");
        }
        preload();
        int[] pipe = new int[2];
        libc.pipe2(pipe, LibC.O_CLOEXEC | LibC.O_NONBLOCK);
        for (int i = 0; i < 2; i++) {
            flowPipe[i] = libc.fcntl(pipe[i], LibC.F_DUPFD_CLOEXEC, 64);
            libc.close(pipe[i]);
        }
    }

    /**
     * The classes of the first spawn and reap, loaded and initialised now rather than while the
     * first client after a start waits (bench/RESULTS.md: each is read from a jar and verified).
     */
    private static void preload() {
        for (String name : List.of("org.jmaster.spawner.internal.Argv", "org.jmaster.spawner.internal.Reaper$Watched",
                "com.sun.jna.NativeString", "com.sun.jna.NativeString$StringMemory")) {
            try {
                Class.forName(name, true, PosixSpawner.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e); // renamed without this list
            }
        }
    }

    @Override
    public synchronized int spawn(SpawnRequest request, ExitHandler onExit) throws SpawnException {
        if (stopping) {
            throw new SpawnException("fork: spawner is stopping");
        }
        MasterSettings settings = request.settings();
        stopTimeoutMillis = settings.stopTimeout().toMillis();
        int[] listen = request.listenFds();
        int[] sources = new int[3 + listen.length];
        sources[0] = flowPipe[0];
        sources[1] = flowPipe[1];
        sources[2] = request.statusFd();
        System.arraycopy(listen, 0, sources, 3, listen.length);
        List<String> argv = Argv.of(request.definition(), settings, request.stress(), listen.length);
        int pid = posixSpawn.spawn(request.path(), argv.toArray(new String[0]),
                environment(settings).forGeneration(request.generation()), settings.queueDirectory().toString(),
                sources, childStderr(settings.childStderr()));
        try {
            reaper.watch(pid, onExit);
        } catch (LastErrorException e) {
            try {
                libc.kill(pid, ExitStatus.SIGKILL);
                libc.waitpid(pid, new com.sun.jna.ptr.IntByReference(), 0);
            } catch (LastErrorException gone) {
                // nothing left to reap
            }
            throw new SpawnException("pidfd_open: " + libc.strerror(e.getErrorCode()));
        }
        return pid;
    }

    private Environment environment(MasterSettings settings) {
        if (settings != environmentSettings) {
            environment = new Environment(settings, System.getenv());
            environmentSettings = settings;
        }
        return environment;
    }

    @Override
    public void signal(int pid, int signal) {
        reaper.signal(pid, signal);
    }

    /** Waits for the children, terminates those that stay, stops the reaper, closes the flow pipe. */
    @Deactivate
    public void deactivate() throws InterruptedException {
        synchronized (this) { // waits for a spawn in progress, whose child is then watched
            stopping = true;
        }
        long timeout = stopTimeoutMillis;
        if (!reaper.awaitNone(timeout)) {
            List<Integer> left = reaper.pids();
            LOG.warning("spawner stopping: " + left.size() + " process(es) still alive after " + timeout
                    + " ms, sending SIGTERM to pid " + left);
            left.forEach(pid -> reaper.signal(pid, ExitStatus.SIGTERM));
            if (!reaper.awaitNone(timeout)) {
                left = reaper.pids();
                LOG.warning("spawner stopping: sending SIGKILL to pid " + left);
                left.forEach(pid -> reaper.signal(pid, ExitStatus.SIGKILL));
                reaper.awaitNone(2000);
            }
        }
        reaper.close();
        posixSpawn.close();
        libc.close(flowPipe[0]);
        libc.close(flowPipe[1]);
        childStderr("");
    }

    /**
     * The descriptor of child_stderr, opened here once per path (appending, made 0600, never
     * through a link: it is root's open), or -1 for /dev/null; a path that cannot be opened is
     * a warning, and the children's standard error is /dev/null meanwhile. Under the spawn lock.
     */
    private synchronized int childStderr(String path) {
        if (path.equals(stderrPath)) {
            return stderrFd;
        }
        if (stderrFd >= 0) {
            libc.close(stderrFd);
        }
        stderrPath = path;
        stderrFd = -1;
        if (!path.isEmpty()) {
            try {
                stderrFd = libc.open(path, LibC.O_WRONLY | LibC.O_APPEND | LibC.O_CREAT | LibC.O_CLOEXEC | LibC.O_NOFOLLOW,
                        0600);
            } catch (LastErrorException e) {
                LOG.warning("child_stderr " + path + ": " + libc.strerror(e.getErrorCode())
                        + " -- the children's standard error is /dev/null");
            }
        }
        return stderrFd;
    }
}
