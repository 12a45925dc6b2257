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
 *     Owns the master-wide flow pipe (created once, both ends non-blocking, given to every child
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
    private Environment environment;

    /** Creates the flow pipe and starts the reaper. */
    @Activate
    public PosixSpawner() {
        int[] pipe = new int[2];
        libc.pipe2(pipe, LibC.O_CLOEXEC | LibC.O_NONBLOCK);
        for (int i = 0; i < 2; i++) {
            flowPipe[i] = libc.fcntl(pipe[i], LibC.F_DUPFD_CLOEXEC, 64);
            libc.close(pipe[i]);
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
        List<String> argv = Argv.of(request.definition(), request.stress(), listen.length);
        int pid = posixSpawn.spawn(request.path(), argv.toArray(new String[0]),
                environment(settings).forGeneration(request.generation()), settings.queueDirectory().toString(),
                sources);
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
    }
}
