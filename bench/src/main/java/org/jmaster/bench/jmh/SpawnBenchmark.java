package org.jmaster.bench.jmh;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.jmaster.api.ExitStatus;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.StressArgument;
import org.jmaster.api.spi.loop.ListenSockets;
import org.jmaster.api.spi.loop.StatusChannel;
import org.jmaster.api.spi.spawner.SpawnRequest;
import org.jmaster.nio.internal.NioEventLoop;
import org.jmaster.spawner.internal.PosixSpawner;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The spawner's whole path for one child: posix_spawn of /bin/true with the master's descriptor
 * layout (a real listen socket and status channel from the NIO event loop), then its death reaped by
 * pid through the pidfd reaper and reported. Spawns per second, one at a time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED")
public class SpawnBenchmark {
    private NioEventLoop loop;
    private PosixSpawner spawner;
    private ListenSockets sockets;
    private StatusChannel status;
    private ServiceDefinition definition;
    private MasterSettings settings;
    private Path queue;
    private final SynchronousQueue<ExitStatus> exits = new SynchronousQueue<>();
    private long generation;

    @Setup(Level.Trial)
    public void start() throws Exception {
        queue = Files.createTempDirectory("jmaster-spawn-bench");
        settings = MasterSettings.parse(Map.of("queue_directory", queue.toString(), "daemon_directory", "/bin"));
        loop = new NioEventLoop();
        spawner = new PosixSpawner();
        definition = ServiceDefinition.parse("127.0.0.1:0 inet n n n - 0 true", 100);
        sockets = loop.open(definition, settings, 100);
        status = loop.openStatusChannel();
    }

    /** Spawns /bin/true and waits for the reaper to report its exit. */
    @Benchmark
    public ExitStatus spawnAndReap() throws Exception {
        spawner.spawn(new SpawnRequest(definition, "/bin/true", settings, ++generation, StressArgument.NONE,
                status.childFd(), sockets.fds()), (pid, exit) -> {
            try {
                exits.put(exit);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return exits.take();
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        spawner.deactivate();
        status.close();
        sockets.close();
        loop.deactivate();
        Files.deleteIfExists(queue.resolve("pid"));
        Files.deleteIfExists(queue);
    }
}
