package org.jmaster.dist;

import static org.jmaster.dist.Container.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * NAME
 *     Karaf - a stock Apache Karaf of a test's own, offline, for jmaster's feature
 * SYNOPSIS
 *     Karaf karaf = Karaf.offline(dir, ssh, registry, rmiServer)
 *     karaf.users(lines...); karaf.shutdownPort(port)
 *     karaf.start(extraJavaOpts); karaf.client(user, checkErrors, commands...); karaf.stop()
 *     try (Karaf.Terminal t = karaf.terminal(user)) { t.type(keys); t.await(text); }
 *     karaf.pid(), karaf.log(), karaf.echoLauncher(libexec), Karaf.read(file), Karaf.replace(file, from, to)
 * DESCRIPTION
 *     A copy of the unpacked Karaf (jmaster.karaf) in dir/karaf that resolves Maven URLs from the
 *     local repository and from dir/repository, which holds this build's bundles and feature
 *     repository at their coordinates, and nothing remote. Its ssh port (on 127.0.0.1 only: the
 *     karaf user is an admin, and the tests run as root) and its JMX ports are the given ones;
 *     the karaf user (password karaf) is enabled.
 *
 *     bin/start and bin/stop run with Karaf's JVM set to the tests' JDK and with EXTRA_JAVA_OPTS
 *     and JAVA_OPTS as start() says and nothing else; stop() waits for the JVM to go and kills it
 *     when it outlives 60 s, so that no test leaves a Karaf behind.
 */
final class Karaf implements AutoCloseable {
    /** What the jmaster feature needs: the flag its nio bundle needs, as bin/setenv gives it. */
    static final String ADD_EXPORTS = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";

    private final Path home;
    private final int ssh;

    private Karaf(Path home, int ssh) {
        this.home = home;
        this.ssh = ssh;
    }

    /** A Karaf in dir/karaf, offline, with these ports, the karaf user enabled. */
    static Karaf offline(Path dir, int ssh, int registry, int rmiServer) throws IOException {
        Path home = dir.resolve("karaf");
        Container.copy(Path.of(System.getProperty("jmaster.karaf")), home);
        Path repository = dir.resolve("repository");
        String version = System.getProperty("jmaster.version");
        for (String artifact : List.of("api-bundle", "policy-bundle", "nio-bundle", "spawner-bundle", "master-bundle",
                "child-runtime", "karaf-shell-bundle")) {
            copy(Path.of(System.getProperty("jmaster.jar." + artifact)),
                    repository.resolve("org/jmaster/" + artifact + "/" + version + "/" + artifact + "-" + version + ".jar"));
        }
        copy(Path.of(System.getProperty("jmaster.features")),
                repository.resolve("org/jmaster/distribution/" + version + "/distribution-" + version + "-features.xml"));
        String karafVersion = System.getProperty("jmaster.karaf.version");
        for (String artifact : List.of("org.apache.karaf.scr.management", "org.apache.karaf.scr.state")) {
            copy(Path.of(System.getProperty("jmaster.karaf.offline"), artifact + "-" + karafVersion + ".jar"),
                    repository.resolve("org/apache/karaf/scr/" + artifact + "/" + karafVersion + "/" + artifact + "-"
                            + karafVersion + ".jar"));
        }
        Path mvn = home.resolve("etc/org.ops4j.pax.url.mvn.cfg");
        String text = Files.readString(mvn);
        text = text.replaceAll("(?m)^org\\.ops4j\\.pax\\.url\\.mvn\\.repositories=(.*\\\\\\n)*.*$",
                "org.ops4j.pax.url.mvn.repositories=");
        text = text.replace("${karaf.base.uri}${karaf.default.repository}@id=child.system.repository@snapshots",
                "${karaf.base.uri}${karaf.default.repository}@id=child.system.repository@snapshots, \\\n    "
                        + repository.toUri() + "@id=jmaster@snapshots");
        text += "\norg.ops4j.pax.url.mvn.localRepository=" + System.getProperty("maven.repo.local")
                + "\norg.ops4j.pax.url.mvn.offline=true\n";
        Files.writeString(mvn, text);
        Path shell = home.resolve("etc/org.apache.karaf.shell.cfg");
        replace(shell, "sshPort = 8101", "sshPort = " + ssh);
        replace(shell, "sshHost = 0.0.0.0", "sshHost = 127.0.0.1");
        Path management = home.resolve("etc/org.apache.karaf.management.cfg");
        replace(management, "rmiRegistryPort = 1099", "rmiRegistryPort = " + registry);
        replace(management, "rmiServerPort = 44444", "rmiServerPort = " + rmiServer);
        Path users = home.resolve("etc/users.properties");
        replace(users, "#karaf = karaf,_g_:admingroup", "karaf = karaf,_g_:admingroup");
        replace(users, "#_g_\\:admingroup", "_g_\\:admingroup");
        return new Karaf(home, ssh);
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to);
    }

    /** More users, as users.properties lines ("watcher = watcher,viewer,ssh": the password is the name). */
    Karaf users(String... lines) throws IOException {
        Path users = home.resolve("etc/users.properties");
        Files.writeString(users, Files.readString(users) + String.join("\n", lines) + "\n");
        return this;
    }

    /** A fixed shutdown port instead of a random one. */
    Karaf shutdownPort(int port) throws IOException {
        Path config = home.resolve("etc/config.properties");
        Files.writeString(config, Files.readString(config) + "\nkaraf.shutdown.port=" + port + "\n");
        return this;
    }

    Path home() {
        return home;
    }

    Path log() {
        return home.resolve("data/log/karaf.log");
    }

    /** A daemon_directory in libexec with the command "echo": the echo child on the tests' JDK and jars. */
    static Path echoLauncher(Path libexec) throws IOException {
        Files.createDirectories(libexec);
        Path echo = libexec.resolve("echo");
        Files.writeString(echo, "#!/bin/sh\nexec " + System.getProperty("java.home") + "/bin/java -Xrs"
                + " -XX:+DisableAttachMechanism -XX:+UseSerialGC -cp " + System.getProperty("jmaster.jar.child-runtime") + ":"
                + System.getProperty("jmaster.jar.jna") + " org.jmaster.child.echo.EchoServer \"$@\"\n");
        Files.setPosixFilePermissions(echo, PosixFilePermissions.fromString("rwxr-xr-x"));
        return libexec;
    }

    /** bin/start, with these EXTRA_JAVA_OPTS (null: none, what bin/setenv gives alone). */
    void start(String extraJavaOpts) throws Exception {
        run("bin/start", extraJavaOpts);
    }

    /** bin/stop, then waits for the JVM to go; SIGKILL if it is still there after 60 s. */
    void stop() throws Exception {
        run("bin/stop", null);
        try {
            await("Karaf stops", 60_000, () -> pid().isEmpty());
        } catch (AssertionError e) {
            pid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        if (pid().isPresent()) {
            stop();
        }
    }

    private void run(String script, String extraJavaOpts) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(home.resolve(script).toString()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("JAVA_OPTS");
        builder.environment().remove("EXTRA_JAVA_OPTS");
        if (extraJavaOpts != null) {
            builder.environment().put("EXTRA_JAVA_OPTS", extraJavaOpts);
        }
        Process process = builder.start();
        process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), script);
    }

    /**
     * The commands in one batch session of bin/client as this user (whose password is its name),
     * without the colours of Karaf's messages; checkErrors: none may fail. (feature:install needs
     * --no-auto-refresh: the refresh that installing scr triggers restarts Karaf's shell bundles and
     * ends the session.)
     */
    String client(String user, boolean checkErrors, String... commands) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/client").toString(), "-h", "127.0.0.1", "-a",
                Integer.toString(ssh), "-u", user, "-p", user, "-r", "60", "-d", "1", "-b").redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process client = builder.start();
        client.getOutputStream().write((String.join("\n", commands) + "\n").getBytes(StandardCharsets.UTF_8));
        client.getOutputStream().close();
        String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .replaceAll("\u001B\\[[0-9;]*m", "").replace("\r", "");
        assertTrue(client.waitFor(180, TimeUnit.SECONDS), out);
        assertTrue(!checkErrors || !(out.contains("Error executing command") || out.contains("Command not found")), out);
        return out;
    }

    /** The same as karaf, every command must succeed. */
    String client(String... commands) throws Exception {
        return client("karaf", true, commands);
    }

    /**
     * An interactive session of bin/client as this user on a pseudo-terminal of 200 columns
     * (script(1)), as an operator at a terminal has it: line editing and TAB completion, which the
     * batch sessions of client() have not. It is open once Karaf's prompt shows.
     */
    Terminal terminal(String user) throws Exception {
        String client = home.resolve("bin/client") + " -h 127.0.0.1 -a " + ssh + " -u " + user + " -p " + user
                + " -r 60 -d 1";
        ProcessBuilder builder = new ProcessBuilder("script", "-qfec", "stty cols 200 rows 50; exec " + client, "/dev/null")
                .redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("TERM", "xterm");
        Terminal terminal = new Terminal(builder.start());
        try {
            terminal.await(user + "@root()>");
        } catch (AssertionError | Exception e) {
            terminal.close();
            throw e;
        }
        return terminal;
    }

    /** What a terminal session shows, without its escape sequences, and the keys typed into it. */
    static final class Terminal implements AutoCloseable {
        private final Process process;
        private final StringBuilder screen = new StringBuilder();
        private final Thread reader;

        private Terminal(Process process) {
            this.process = process;
            reader = new Thread(() -> {
                byte[] buffer = new byte[4096];
                try {
                    for (int n; (n = process.getInputStream().read(buffer)) > 0;) {
                        synchronized (screen) {
                            screen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                        }
                    }
                } catch (IOException e) {
                    // the session ended
                }
            });
            reader.start();
        }

        /** Everything shown so far, without colours, cursor moves and carriage returns. */
        String screen() {
            synchronized (screen) {
                return screen.toString().replaceAll("\u001B\\[[0-9;?]*[A-Za-z]", "").replaceAll("\u001B[()][0-9A-Z]", "")
                        .replaceAll("\u001B[=>]", "").replace("\r", "");
            }
        }

        /** Types these keys (\t for TAB, \r for Enter). */
        void type(String keys) throws IOException {
            process.getOutputStream().write(keys.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }

        /** Waits up to 60 s for this text on the screen, and returns the screen. */
        String await(String text) throws Exception {
            try {
                Container.await(text, 60_000, () -> screen().contains(text));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nthe terminal:\n" + screen(), e);
            }
            return screen();
        }

        /** Clears the line and logs out; kills the client if it is still there after 30 s. */
        @Override
        public void close() throws Exception {
            try {
                type("\u0015logout\r");
            } catch (IOException e) {
                // gone already
            }
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            reader.join(5000);
        }
    }

    /** Karaf's JVM, by its karaf.base. */
    Optional<Long> pid() {
        String marker = "-Dkaraf.base=" + home;
        return ProcessHandle.allProcesses().filter(p -> p.info().arguments()
                .map(a -> Stream.of(a).anyMatch(marker::equals)).orElse(false)).map(ProcessHandle::pid).findFirst();
    }

    static void replace(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertTrue(text.contains(from), file + " has no " + from);
        Files.writeString(file, text.replace(from, to));
    }

    /** The file's text, or "" when it is not there (yet). */
    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
