package org.jmaster.child.internal;

import com.sun.jna.LastErrorException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.jmaster.child.echo.EchoServer;

/**
 * NAME
 *     Training - a Java child's start-up and one request, for a class-data archive
 * SYNOPSIS
 *     java -XX:ArchiveClassesAtExit=jmaster-child.jsa [the child's JVM options] -cp CHILD_CLASSPATH
 *         org.jmaster.child.internal.Training 5&gt;/dev/null 6&lt;/dev/null
 * DESCRIPTION
 *     A Java child spends most of its start-up loading, parsing and verifying the classes of the
 *     child runtime and JNA. A class-data-sharing archive (Java 17-23) or an AOT cache (24+) of
 *     those classes lets the JVM map them instead, and it is made from a run that loads the same
 *     classes as a child does: this one. It runs the echo child's own main, through SingleServer
 *     and ServerLoop, with what the master gives a child: a status channel at 5 (here a pipe of its
 *     own), a listen socket at 6 (127.0.0.1, a port the kernel picks), and one client (a thread)
 *     that sends a line and reads it back; with max_use=1 the child then exits, as one does after
 *     its last request. libexec/jmaster-echo --make-archive runs it.
 *
 *     Descriptors 5 and 6 must be open already (5&gt;/dev/null 6&lt;/dev/null), so that the JVM's
 *     own files are elsewhere and replacing them replaces nothing the JVM uses.
 * DIAGNOSTICS
 *     Exit 1, with a message on standard error, when 5 or 6 is not open or the client did not get
 *     its line back: the archive of such a run is not to be used.
 */
public final class Training {
    private static final String LINE = "jmaster class-data training\n";

    private Training() {
    }

    public static void main(String[] args) throws Exception {
        Posix posix = Posix.INSTANCE;
        for (int fd : new int[] {5, 6}) {
            try {
                posix.fcntl(fd, Posix.F_GETFD, 0);
            } catch (LastErrorException e) {
                System.err.println("fatal: descriptor " + fd + " is not open: run with 5>/dev/null 6</dev/null");
                System.exit(1);
            }
        }
        int[] pipe = new int[2];
        posix.pipe(pipe);
        posix.dup2(pipe[1], 5);
        posix.close(pipe[1]); // pipe[0], the master's end, stays open: the child sees no master disconnect
        int listener = posix.socket(Posix.AF_INET, Posix.SOCK_STREAM, 0);
        byte[] address = {Posix.AF_INET, 0, 0, 0, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}; // sockaddr_in, port 0
        posix.bind(listener, address, address.length);
        posix.listen(listener, 1);
        posix.getsockname(listener, address, new int[] {address.length});
        int port = (address[2] & 0xff) << 8 | address[3] & 0xff;
        posix.dup2(listener, 6);
        posix.close(listener);

        boolean[] echoed = {false};
        Thread client = new Thread(() -> {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                OutputStream out = socket.getOutputStream();
                out.write(LINE.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                        .readLine();
                echoed[0] = (reply + "\n").equals(LINE);
            } catch (Exception e) {
                System.err.println("fatal: the training client: " + e);
            }
        }, "training-client");
        client.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                client.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!echoed[0]) {
                System.err.println("fatal: the training client did not get its line back");
                Runtime.getRuntime().halt(1);
            }
        }));
        EchoServer.main(new String[] {"-n", "cds-training", "-t", "inet", "-o", "max_use=1"});
    }
}
