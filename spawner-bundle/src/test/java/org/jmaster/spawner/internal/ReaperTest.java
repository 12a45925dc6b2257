package org.jmaster.spawner.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.jmaster.api.ExitStatus;
import org.junit.jupiter.api.Test;

/** The reaper's pidfds: one exit per child, and nothing more once it is reaped. */
class ReaperTest {
    private final LibC libc = LibC.INSTANCE;

    /**
     * A child being spawned holds a copy of every descriptor until its exec, the reaped child's
     * pidfd too. That copy must not keep the pidfd in epoll: a reaped pidfd is readable for ever,
     * and the reaper would wake again and again for a pid that is no longer its child ("waitpid
     * ...: No child processes", seen in the reliability runs among SIGKILLed children).
     */
    @Test
    void aReapedChildIsForgottenEvenWhileItsPidfdHasAnotherReference() throws Exception {
        List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        Logger logger = Logger.getLogger("org.jmaster.spawner");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                warnings.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        BlockingQueue<ExitStatus> exits = new ArrayBlockingQueue<>(4);
        try (Reaper reaper = new Reaper(); PosixSpawn spawn = new PosixSpawn()) {
            int pid = spawn.spawn("/bin/sleep", new String[] {"sleep", "30"}, new String[0], "/", new int[0], -1);
            reaper.watch(pid, (p, status) -> exits.add(status));
            int copy = libc.fcntl(pidfdOf(pid), LibC.F_DUPFD_CLOEXEC, 100); // as a spawn in progress holds it
            try {
                libc.kill(pid, ExitStatus.SIGKILL);
                assertEquals(ExitStatus.killed(ExitStatus.SIGKILL), exits.poll(10, TimeUnit.SECONDS));
                Thread.sleep(300);
                assertEquals(0, warnings.size(), () -> "the reaped pidfd woke the reaper " + warnings.size()
                        + " times: " + warnings.get(0));
                assertTrue(exits.isEmpty(), "one exit per child");
                assertTrue(reaper.pids().isEmpty());
            } finally {
                libc.close(copy);
            }
        } finally {
            logger.removeHandler(capture);
        }
    }

    /** The pidfd of this process that refers to pid (its fdinfo says "Pid:\t<pid>"). */
    private static int pidfdOf(int pid) throws Exception {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (!Files.readSymbolicLink(fd).toString().equals("anon_inode:[pidfd]")) {
                        continue;
                    }
                    Path info = Path.of("/proc/self/fdinfo/" + fd.getFileName());
                    if (Files.readAllLines(info).contains("Pid:\t" + pid)) {
                        return Integer.parseInt(fd.getFileName().toString());
                    }
                } catch (java.io.IOException e) {
                    // the descriptor of the listing itself, gone
                }
            }
        }
        throw new AssertionError("no pidfd for " + pid);
    }
}
