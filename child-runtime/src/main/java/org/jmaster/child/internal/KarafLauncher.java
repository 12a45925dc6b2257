package org.jmaster.child.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.logging.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

/**
 * NAME
 *     KarafLauncher - the echo child's launcher, written where Karaf's jmaster feature finds it
 * SUMMARY
 *     start   under Karaf (the framework property karaf.data), writes ${karaf.data}/jmaster:
 *             libexec/jmaster-echo (0755), lib/child-runtime.jar, lib/jna.jar, lib/jna/ARCH/
 *     stop    nothing: the files stay for children that still run
 * DESCRIPTION
 *     The Felix distribution ships its children's launcher in libexec/. A Karaf feature cannot
 *     ship an executable (a configfile is copied without its mode), so this bundle writes one at
 *     each start, for the JVM Karaf runs on (java.home), with this bundle's and JNA's current
 *     jars as the child's class path, and JNA's native library beside them (never unpacked by the
 *     child). The feature's org.jmaster.master names libexec/ as daemon_directory, so that a
 *     service's "command = jmaster-echo" runs it.
 *
 *     Each file is written under another name and renamed, so that a child starting meanwhile
 *     finds the old one or the new one, whole; a file that is already as it would be is left
 *     alone. Outside Karaf nothing is written.
 * DIAGNOSTICS
 *     A file that cannot be written is one warning (logger org.jmaster.child); the bundle starts
 *     all the same, and a service that runs jmaster-echo is then refused by the master, which
 *     names the missing command.
 * SEE ALSO
 *     distribution/src/main/dist/libexec/jmaster-echo, the Felix distribution's launcher
 */
public final class KarafLauncher implements BundleActivator {
    /** The launcher's name, a service's command. */
    private static final String COMMAND = "jmaster-echo";
    private static final Logger LOG = Logger.getLogger("org.jmaster.child");

    @Override
    public void start(BundleContext context) {
        String data = context.getProperty("karaf.data");
        if (data == null) {
            return;
        }
        Path home = Path.of(data, "jmaster").toAbsolutePath().normalize();
        try {
            write(context.getBundle(), jnaBundle(context.getBundle()), home);
        } catch (IOException | RuntimeException e) {
            LOG.warning("cannot write the echo child's launcher in " + home + ": " + e
                    + " -- a service whose command is " + COMMAND + " will not start");
        }
    }

    @Override
    public void stop(BundleContext context) {
        // the launcher stays: children started from it may still run
    }

    private static void write(Bundle self, Bundle jna, Path home) throws IOException {
        Path lib = directory(home.resolve("lib"));
        Path childJar = lib.resolve("child-runtime.jar");
        Path jnaJar = lib.resolve("jna.jar");
        put(childJar, jar(self), "rw-r--r--");
        put(jnaJar, jar(jna), "rw-r--r--");
        String arch = jnaArch(System.getProperty("os.arch"));
        List<String> jvm = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xrs", "-XX:+DisableAttachMechanism", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:CICompilerCount=1", "-Xss512k", "-Xmx32m", "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED"));
        // as libexec/jmaster-echo: where libc is, which JNA otherwise asks ldconfig -p (a process) at every start
        String multiarch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64-linux-gnu";
            case "aarch64" -> "aarch64-linux-gnu";
            default -> null;
        };
        if (multiarch != null) {
            jvm.add("-Djna.platform.library.path=/lib/" + multiarch + ":/usr/lib/" + multiarch
                    + ":/lib64:/usr/lib64:/lib:/usr/lib");
        }
        URL nativeLibrary = arch == null ? null : jna.getEntry("com/sun/jna/" + arch + "/libjnidispatch.so");
        if (nativeLibrary != null) {
            Path dir = directory(directory(lib.resolve("jna")).resolve(arch));
            try (InputStream in = nativeLibrary.openStream()) {
                put(dir.resolve("libjnidispatch.so"), in.readAllBytes(), "rw-r--r--");
            }
            jvm.addAll(List.of("-Djna.boot.library.path=" + dir, "-Djna.nounpack=true", "-Djna.nosys=true"));
        }
        jvm.addAll(List.of("-cp", childJar + ":" + jnaJar, "org.jmaster.child.echo.EchoServer"));
        StringBuilder script = new StringBuilder("#!/bin/sh\n"
                + "# The example echo child on jmaster's Java child runtime, for Karaf's jmaster feature: written by\n"
                + "# the org.jmaster.child bundle at its start (" + KarafLauncher.class.getName() + "), for the JVM\n"
                + "# Karaf runs on. -Xrs lets SIGTERM end it as it ends a Postfix daemon.\nexec");
        for (String word : jvm) {
            script.append(' ').append(quote(word));
        }
        script.append(" \"$@\"\n");
        put(directory(home.resolve("libexec")).resolve(COMMAND), script.toString().getBytes(StandardCharsets.UTF_8),
                "rwxr-xr-x");
    }

    /** The bundle this one's com.sun.jna package is wired to. */
    private static Bundle jnaBundle(Bundle self) {
        for (BundleWire wire : self.adapt(BundleWiring.class).getRequiredWires("osgi.wiring.package")) {
            if ("com.sun.jna".equals(wire.getCapability().getAttributes().get("osgi.wiring.package"))) {
                return wire.getProvider().getBundle();
            }
        }
        throw new IllegalStateException("no bundle provides com.sun.jna to " + self.getSymbolicName());
    }

    /** JNA's name of the platform's native library directory, null when JNA's jar has none we know. */
    static String jnaArch(String osArch) {
        switch (osArch) {
            case "amd64":
            case "x86_64":
                return "linux-x86-64";
            case "aarch64":
                return "linux-aarch64";
            default:
                return null;
        }
    }

    /** The bundle's current content as a jar, its manifest first. */
    private static byte[] jar(Bundle bundle) throws IOException {
        List<URL> entries = Collections.list(bundle.findEntries("/", "*", true));
        entries.sort((a, b) -> Boolean.compare(!isManifest(a), !isManifest(b)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes)) {
            for (URL entry : entries) {
                String name = entry.getPath().substring(1);
                if (name.endsWith("/")) {
                    continue;
                }
                out.putNextEntry(new JarEntry(name));
                try (InputStream in = entry.openStream()) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static boolean isManifest(URL entry) {
        return entry.getPath().equals("/META-INF/MANIFEST.MF");
    }

    /** A file with this content and mode, unless it has them already: written aside and renamed. */
    private static void put(Path file, byte[] content, String mode) throws IOException {
        if (Files.isRegularFile(file) && PosixFilePermissions.toString(Files.getPosixFilePermissions(file)).equals(mode)
                && java.util.Arrays.equals(Files.readAllBytes(file), content)) {
            return;
        }
        Path next = file.resolveSibling("." + file.getFileName() + ".new");
        Files.deleteIfExists(next);
        Files.write(next, content);
        Files.setPosixFilePermissions(next, PosixFilePermissions.fromString(mode));
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Path directory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return dir;
    }

    /** A word for sh: in single quotes, a quote inside as '\''. */
    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
