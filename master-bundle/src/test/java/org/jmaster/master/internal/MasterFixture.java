package org.jmaster.master.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceEvent;
import org.jmaster.api.postfix.MasterCfSyntax;
import org.jmaster.api.spi.policy.ServiceState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A master with fake collaborators and no framework: the test thread is the event loop. Commands
 * exist in a temporary daemon directory; what the master logs and tells its observer is recorded.
 */
abstract class MasterFixture {
    @TempDir
    Path dir;
    final FakeClock clock = new FakeClock();
    final FakeLoop loop = new FakeLoop(clock);
    final FakePolicy policy = new FakePolicy();
    final FakeSpawner spawner = new FakeSpawner();
    final List<String> observed = new ArrayList<>();
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    Supervisor master;
    Path masterCf;
    private final Logger logger = Logger.getLogger("org.jmaster.master");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.INFO.intValue()) {
                log.add(record.getLevel() + ": " + record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void startMaster() throws IOException {
        logger.addHandler(capture);
        Path daemons = Files.createDirectories(dir.resolve("libexec"));
        for (String command : List.of("cmd", "smtpd", "pickup")) {
            Path file = Files.writeString(daemons.resolve(command), "#!/bin/sh\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        masterCf = dir.resolve("master.cf");
        Files.writeString(masterCf, "");
        master = new Supervisor(settings(Map.of()), clock);
        master.setObserver(new Supervisor.Observer() {
            @Override
            public void added(ServiceEntry entry) {
                observed.add("added " + entry.state.name());
                loop.calls.add("MBean added");
            }

            @Override
            public void removed(ServiceEntry entry) {
                observed.add("removed " + entry.state.name());
                loop.calls.add("MBean removed" + (master.table.isCurrent(entry.state) ? " (in the table)" : ""));
            }

            @Override
            public void event(ServiceState service, ServiceEvent event, String message) {
                observed.add(event + " " + service.name());
            }
        });
        master.binding.setLoop(loop);
        master.binding.setPolicy(policy);
        master.binding.setSpawner(spawner);
        loop.run();
    }

    @AfterEach
    void stopMaster() {
        logger.removeHandler(capture);
        synchronized (master.lock) {
            master.binding.close();
            master.handover.closeAll();
        }
    }

    /** The settings of these tests, with some parameters replaced. */
    MasterSettings settings(Map<String, String> more) {
        Map<String, String> p = new HashMap<>(Map.of("queue_directory", dir.resolve("queue").toString(),
                "daemon_directory", dir.resolve("libexec").toString(), "master_cf", masterCf.toString(),
                "stop_timeout", "5s"));
        p.putAll(more);
        return MasterSettings.parse(p);
    }

    /** A ConfigAdmin entry, as ServiceConfiguration hands it over, applied on the loop. */
    void put(String origin, String line) {
        master.inbox.submit(() -> master.entries.put(origin, MasterCfSyntax.columns(line)));
        loop.run();
    }

    void remove(String origin) {
        master.inbox.submit(() -> master.entries.remove(origin));
        loop.run();
    }

    /** Writes master.cf and reloads. */
    void reload(String... lines) throws IOException {
        Files.writeString(masterCf, String.join("\n", lines) + "\n");
        master.inbox.submit(() -> master.reload(master.settings()));
        loop.run();
    }

    /** The entry of the service with this name (column 1), or null. */
    ServiceEntry entry(String name) {
        synchronized (master.lock) {
            return master.table.all().stream().filter(e -> e.state.name().equals(name)).findFirst().orElse(null);
        }
    }

    /** A client waits on the service: the loop reports its listen socket readable, if the master listens. */
    int connect(String name) {
        ServiceEntry entry = entry(name);
        int before = spawner.requests.size();
        FakeLoop.FakeWatch watch = loop.watchOf(entry.endpoints().get(0));
        if (watch == null || !watch.listening) {
            throw new AssertionError("nobody listens on " + name);
        }
        entry.events.listenReady();
        loop.run();
        if (spawner.requests.size() == before) {
            throw new AssertionError("no child spawned for " + name + "; policy calls " + policy.calls);
        }
        return spawner.alive().get(spawner.alive().size() - 1);
    }

    /** Log lines that contain the text. */
    long logged(String text) {
        synchronized (log) {
            return log.stream().filter(line -> line.contains(text)).count();
        }
    }
}
