package org.jmaster.child.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.logging.Logger;
import org.jmaster.api.postfix.TrustCheck;
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
 *     Karaf often runs as root, so nothing here follows a link that someone else may have put
 *     in its way: before a byte is written, ${karaf.data}/jmaster and every directory above it
 *     must be owned by root or by Karaf's own user and writable by no one else (TrustCheck, as
 *     the master checks a command it runs as root); a missing directory is created as such
 *     (mode 0755, never through an existing link). Each file is written into a new file of a
 *     random name (created exclusively, so never an existing file or link) and renamed over the
 *     old one, so that a child starting meanwhile finds the old launcher or the new one, whole,
 *     and a link planted in its place is replaced, not written through; a file that is already
 *     as it would be is left alone. Outside Karaf nothing is written.
 * DIAGNOSTICS
 *     A directory that is not to be trusted, or a file that cannot be written, is one warning
 *     (logger org.jmaster.child) naming the path and what is wrong, and nothing more is written;
 *     the bundle starts all the same, and a service that runs jmaster-echo is then refused by the
 *     master, which names the missing command.
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
        String arch = jnaArch(System.getProperty("os.arch"));
        URL nativeLibrary = arch == null ? null : jna.getEntry("com/sun/jna/" + arch + "/libjnidispatch.so");
        byte[] nativeBytes = null;
        if (nativeLibrary != null) {
            try (InputStream in = nativeLibrary.openStream()) {
                nativeBytes = in.readAllBytes();
            }
        }
        install(home, jar(self), jar(jna), arch, nativeBytes, Path.of(System.getProperty("java.home")));
    }

    /**
     * Writes the launcher and what it runs under home: the two jars, JNA's native library for
     * arch (when there is one), and libexec/jmaster-echo for the java of javaHome.
     */
    static void install(Path home, byte[] childRuntime, byte[] jnaJar, String arch, byte[] nativeLibrary, Path javaHome)
            throws IOException {
        trusted(home.getParent());
        Path lib = directory(directory(home).resolve("lib"));
        Path childJar = lib.resolve("child-runtime.jar");
        Path jnaJarPath = lib.resolve("jna.jar");
        put(childJar, childRuntime, "rw-r--r--");
        put(jnaJarPath, jnaJar, "rw-r--r--");
        List<String> jvm = new ArrayList<>(List.of(javaHome.resolve("bin").resolve("java").toString(),
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
        if (nativeLibrary != null) {
            Path dir = directory(directory(lib.resolve("jna")).resolve(arch));
            put(dir.resolve("libjnidispatch.so"), nativeLibrary, "rw-r--r--");
            jvm.addAll(List.of("-Djna.boot.library.path=" + dir, "-Djna.nounpack=true", "-Djna.nosys=true"));
        }
        jvm.addAll(List.of("-cp", childJar + ":" + jnaJarPath, "org.jmaster.child.echo.EchoServer"));
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

    /**
     * A file with this content and mode, unless it has them already (a link in its place has
     * not): written into a new file of a random name and renamed over it.
     */
    private static void put(Path file, byte[] content, String mode) throws IOException {
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                && PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)).equals(mode)
                && Arrays.equals(Files.readAllBytes(file), content)) {
            return;
        }
        Path next = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".new",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (OutputStream out = Files.newOutputStream(next, LinkOption.NOFOLLOW_LINKS, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(content);
            }
            Files.setPosixFilePermissions(next, PosixFilePermissions.fromString(mode));
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(next);
        }
    }

    /**
     * This directory, created (mode 0755) if it is missing, never through a link; an existing one
     * must be a directory (not a link to one) that no one but root or this process's user can
     * change.
     */
    private static Path directory(Path dir) throws IOException {
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            // the mode wanted whatever the umask (which would have made it 0775, refused below, or 0700);
            // nobody else can have replaced it meanwhile, since its parent passed the check
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(dir + " is not a directory" + (Files.isSymbolicLink(dir) ? " but a symbolic link" : "")
                        + ": refusing to write through it");
            }
        }
        return trusted(dir);
    }

    /** The path, if it and every directory above it are root's or this process's user's alone. */
    private static Path trusted(Path path) throws IOException {
        List<String> problems = TrustCheck.problems(path, TrustCheck.effectiveUid());
        if (!problems.isEmpty()) {
            throw new IOException(String.join("; ", problems) + ": refusing to write there");
        }
        return path;
    }

    /** A word for sh: in single quotes, a quote inside as '\''. */
    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
