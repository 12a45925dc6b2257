package org.jmaster.itest.child;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jmaster.child.SingleServer;

/**
 * A child for the tests, on the Java child runtime: a line echo whose misbehaviour is chosen by
 * its master.cf arguments: {@code -o fail_if=<file>} exits 1 at start-up while the file exists,
 * {@code -o exit_status=<n>} exits n when it retires, {@code -o spawn_log=<file>} appends
 * "pid generation" at start.
 */
public final class TestChild {
    private TestChild() {
    }

    public static void main(String[] args) throws IOException {
        SingleServer server;
        try {
            server = SingleServer.fromArgs(args);
        } catch (IllegalArgumentException e) {
            System.exit(SingleServer.fatal(e.getMessage()));
            return;
        }
        String log = server.parameter("spawn_log");
        if (log != null) {
            Files.writeString(Path.of(log), ProcessHandle.current().pid() + " " + System.getenv("GENERATION") + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        String failIf = server.parameter("fail_if");
        if (failIf != null && Files.exists(Path.of(failIf))) {
            System.err.println("fatal: " + failIf + " exists");
            System.exit(1);
        }
        int status = server.serve(TestChild::echo);
        String exitStatus = server.parameter("exit_status");
        System.exit(exitStatus == null ? status : Integer.parseInt(exitStatus));
    }

    static void echo(InputStream in, OutputStream out) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            line.write(b);
            if (b == '\n') {
                break;
            }
        }
        out.write(line.toString(StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
    }
}
