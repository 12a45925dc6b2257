package org.jmaster.child.echo;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import org.jmaster.child.SingleServer;

/**
 * The example child: a line echo. Each connection is one request: the child reads one line
 * (up to the newline, at most 64 KiB) and writes it back, then closes the connection, so that
 * {@code printf 'hi\n' | nc 127.0.0.1 10007} prints {@code hi} and returns.
 */
public final class EchoServer {
    private static final int MAX_LINE = 65536;

    private EchoServer() {
    }

    /** master.cf: {@code 127.0.0.1:10007 inet n - n - 4 jmaster-echo}. */
    public static void main(String[] args) {
        SingleServer.run(args, EchoServer::echo);
    }

    static void echo(InputStream in, OutputStream out) throws java.io.IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while (line.size() < MAX_LINE && (b = in.read()) >= 0) {
            line.write(b);
            if (b == '\n') {
                break;
            }
        }
        out.write(line.toByteArray());
    }
}
