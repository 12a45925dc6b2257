package org.jmaster.nio.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.spi.loop.ListenSockets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A real event loop over a temporary queue directory, which mail_owner can reach when the test runs as root. */
abstract class LoopFixture {
    @TempDir
    Path queue;
    NioEventLoop loop;
    MasterSettings settings;

    @BeforeEach
    void startLoop() throws IOException {
        Files.setPosixFilePermissions(queue, PosixFilePermissions.fromString("rwxr-xr-x"));
        loop = new NioEventLoop();
        settings = MasterSettings.parse(Map.of("queue_directory", queue.toString()));
    }

    @AfterEach
    void stopLoop() throws Exception {
        loop.deactivate();
    }

    static ServiceDefinition service(String line) {
        return ServiceDefinition.parse(line, 100);
    }

    ListenSockets open(String line) throws IOException {
        return loop.open(service(line), settings, 100);
    }
}
