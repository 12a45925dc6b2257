package org.jmaster.dist;

import static org.jmaster.dist.Container.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.jmaster.dist.ControlIT.Run;
import org.jmaster.dist.broken.BrokenComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * log/jmaster.log as bin/jmaster start writes it: SCR's errors reach it through the OSGi log,
 * under the name of the failing bundle; it rotates by size (conf/logging.properties) into
 * jmaster.log.1 and on, losing no line, even while start waits for "daemon started"; and what
 * the JVM writes on its standard output after a rotation still lands in it. Ports 19210-19219 and 19260-19269.
 */
class LogIT {
    private static final String BROKEN = "org.jmaster.test.broken";
    private static final String UNRESOLVED = "org.jmaster.test.unresolved";

    @TempDir
    Path dir;

    /** A container on these ports, its log rotated at limit bytes with count copies kept (0: as shipped). */
    private static Container container(Path dir, int jmx, int echo, long limit, int count) throws IOException {
        Container c = new Container(dir);
        c.environment("JMASTER_JMX_PORT", Integer.toString(jmx));
        c.environment("JAVA_HOME", System.getProperty("java.home")); // the JDK of the tests, whatever failsafe's JAVA_HOME
        Path cfg = c.home.resolve("etc/org.jmaster.service-echo.cfg");
        Files.writeString(cfg, Files.readString(cfg).replace("127.0.0.1:10007", "127.0.0.1:" + echo));
        if (limit > 0) {
            Path logging = c.home.resolve("conf/logging.properties");
            String text = Files.readString(logging);
            String changed = text.replaceAll("(?m)^org\\.jmaster\\.launcher\\.LogFile\\.limit=.*$",
                    "org.jmaster.launcher.LogFile.limit=" + limit)
                    .replaceAll("(?m)^org\\.jmaster\\.launcher\\.LogFile\\.count=.*$",
                            "org.jmaster.launcher.LogFile.count=" + count);
            assertFalse(changed.equals(text), "conf/logging.properties sets the limit and the count: " + text);
            Files.writeString(logging, changed);
        }
        return c;
    }

    /**
     * A bundle whose DS component throws in activate: SCR's error, which org.apache.felix.log
     * alone keeps in memory, is in log/jmaster.log as SEVERE, under the bundle's symbolic name,
     * with the exception; so is the framework's error event for a bundle that cannot resolve;
     * the master serves on.
     */
    @Test
    void anScrErrorReachesTheLogNamingItsBundle() throws Exception {
        try (Container c = container(dir, 19211, 19261, 0, 0)) {
            brokenBundle(c.home.resolve("bundle/broken.jar"));
            unresolvedBundle(c.home.resolve("bundle/unresolved.jar"));
            c.start("127.0.0.1:19261");
            await("SCR's error in the log", 20_000, () -> c.log().contains(" SEVERE " + BROKEN + ": "));
            String log = c.log();
            String line = log.lines().filter(l -> l.contains(" SEVERE " + BROKEN + ": ")).findFirst().orElseThrow();
            assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d SEVERE " + BROKEN + ": .*"
                    + BrokenComponent.class.getName() + ".*The activate method has thrown an exception"), line);
            assertTrue(log.contains("java.lang.IllegalStateException: broken on purpose"), log);
            await("the framework's error event in the log", 20_000,
                    () -> c.log().contains(" SEVERE " + UNRESOLVED + ": FrameworkEvent ERROR"));
            assertTrue(c.log().contains("Unable to resolve " + UNRESOLVED), c.log());
            assertEquals("still served", Container.echo(19261, "still served"));
        }
    }

    /**
     * With a limit of 4096 bytes and two copies: jmaster.log.1 holds the start-up (the start's
     * first line, "daemon started"), jmaster.log.2 appears later and jmaster.log.3 never; every
     * reload's "reload --" is in one of the three; and a thread dump (SIGQUIT), which the JVM
     * writes on standard output, lands in jmaster.log after the rotations.
     */
    @Test
    void theLogRotatesBySizeLosingNoLine() throws Exception {
        int jmx = 19212;
        try (Container c = container(dir, jmx, 19262, 4096, 2)) {
            c.start("127.0.0.1:19262");
            Path log = c.home.resolve("log/jmaster.log");
            Path first = c.home.resolve("log/jmaster.log.1");
            Path second = c.home.resolve("log/jmaster.log.2");
            int reloads = 0;
            while (!Files.exists(second) && reloads < 60) {
                Run reload = ControlIT.run(c.home, null, jmx, "reload");
                assertEquals(0, reload.status(), reload.out());
                reloads++;
                if (Files.exists(first) && !Files.exists(second)) {
                    String early = Files.readString(first);
                    assertTrue(early.contains(" jmaster: bin/jmaster start (pid ") && early.contains("daemon started"),
                            early);
                }
            }
            assertTrue(Files.exists(second), "jmaster.log.2 after " + reloads + " reloads");
            assertTrue(Files.size(log) < 4096, "emptied at the limit: " + Files.size(log));
            assertTrue(Files.size(first) >= 4096, "jmaster.log.1 is the whole log at the limit: " + Files.size(first));
            String all = Files.readString(second) + Files.readString(first) + Files.readString(log);
            assertEquals(reloads, all.lines().filter(l -> l.contains(" org.jmaster.master: reload -- version ")).count(),
                    "every reload's line in one of the files:\n" + all);
            for (int i = 0; i < 10; i++) {
                assertEquals(0, ControlIT.run(c.home, null, jmx, "reload").status());
            }
            assertFalse(Files.exists(c.home.resolve("log/jmaster.log.3")), "count = 2");
            new ProcessBuilder("kill", "-QUIT", Long.toString(c.pid())).start().waitFor();
            await("the thread dump in jmaster.log", 10_000, () -> {
                try {
                    return Files.readString(log).contains("Full thread dump");
                } catch (IOException e) {
                    return false;
                }
            });
            assertEquals("600", Integer.toOctalString((Integer) Files.getAttribute(first, "unix:mode") & 0777));
        }
    }

    /** A limit smaller than what the start-up logs: bin/jmaster start still finds "daemon started". */
    @Test
    void startFollowsTheLogThroughARotation() throws Exception {
        int jmx = 19213;
        try (Container c = container(dir, jmx, 19263, 600, 5)) {
            Run start = ControlIT.run(c.home, null, jmx, "start");
            try {
                assertEquals(0, start.status(), start.out() + "\n" + c.log());
                assertTrue(start.out().contains("jmaster started (pid "), start.out());
                assertTrue(Files.exists(c.home.resolve("log/jmaster.log.1")), "rotated during the start");
                assertEquals(0, ControlIT.run(c.home, null, jmx, "status").status());
            } finally {
                Run stop = ControlIT.run(c.home, null, jmx, "stop");
                assertTrue(stop.out().contains("jmaster stopped") || stop.out().contains("jmaster is not running"),
                        stop.out());
            }
        }
    }

    /** A bundle that imports a package nobody exports: the framework cannot start it. */
    static void unresolvedBundle(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", UNRESOLVED);
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Import-Package", "org.jmaster.nowhere");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.flush();
        }
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
    }

    /** The bundle of BrokenComponent: a manifest, a component description written by hand, the class. */
    static void brokenBundle(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", BROKEN);
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Service-Component", "OSGI-INF/broken.xml");
        String name = BrokenComponent.class.getName();
        String resource = name.replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
                InputStream type = BrokenComponent.class.getResourceAsStream("/" + resource)) {
            out.putNextEntry(new JarEntry("OSGI-INF/broken.xml"));
            out.write(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    + "<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.3.0\" name=\"" + name + "\""
                    + " immediate=\"true\" activate=\"activate\">\n"
                    + "  <implementation class=\"" + name + "\"/>\n"
                    + "</scr:component>\n").getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new JarEntry(resource));
            out.write(type.readAllBytes());
        }
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
    }
}
