package org.jmaster.master.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import org.jmaster.api.postfix.TrustCheck;

/**
 * NAME
 *     TrustedJar - a bundle jar that root may load: only what root put in the bundle directory
 * SYNOPSIS
 *     TrustedJar read(location, directory, symbolicName, euid)
 * DESCRIPTION
 *     updateBundle replaces running code in a JVM that may run as root, so it loads only a file:
 *     location directly inside the bundle directory (the distribution's bundle/, or the framework
 *     property jmaster.bundle.directory), named as the directory itself, never through a link of
 *     the caller's; the jar, that directory and those above it must belong to root or the user
 *     jmaster runs as and be writable by no one else (TrustCheck); the jar must not be a
 *     symbolic link and must be a bundle with the expected symbolic name. The jar is read once, into memory, so
 *     what was checked is what is installed; its SHA-256 is kept for the log.
 * DIAGNOSTICS
 *     IllegalArgumentException naming the location and the reason.
 */
record TrustedJar(Path path, byte[] bytes, String sha256) {
    /** The framework property naming the directory bundles may be updated from. */
    static final String DIRECTORY_PROPERTY = "jmaster.bundle.directory";

    static TrustedJar read(String location, Path directory, String symbolicName, int euid) {
        if (directory == null) {
            throw refused(location, "no bundle directory is configured (framework property " + DIRECTORY_PROPERTY + ")");
        }
        URI uri;
        try {
            uri = new URI(location);
        } catch (URISyntaxException e) {
            throw refused(location, "not a URL: " + e.getMessage());
        }
        if (!"file".equals(uri.getScheme()) || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw refused(location, "only file: URLs of jars in " + directory + " are accepted");
        }
        Path named = Path.of(uri).normalize();
        try {
            // The caller's path is never resolved: a directory of theirs that links to bundle/ could be
            // re-pointed between the check and the read. Only the configured directory, root's, is.
            Path realDirectory = directory.toRealPath();
            Path parent = named.getParent();
            if (parent == null || !(parent.equals(directory.normalize()) || parent.equals(realDirectory))) {
                throw refused(location, "not a jar directly in " + realDirectory);
            }
            Path path = realDirectory.resolve(named.getFileName().toString());
            if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                throw refused(location, "not a regular file (symbolic links are refused)");
            }
            List<String> problems = TrustCheck.problems(path, euid);
            if (!problems.isEmpty()) {
                throw refused(location, String.join("; ", problems));
            }
            byte[] bytes;
            try (var in = Files.newInputStream(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                bytes = in.readAllBytes();
            }
            Manifest manifest = new JarInputStream(new ByteArrayInputStream(bytes)).getManifest();
            String name = manifest == null ? null : manifest.getMainAttributes().getValue("Bundle-SymbolicName");
            name = name == null ? null : name.split(";")[0].strip();
            if (!symbolicName.equals(name)) {
                throw refused(location, "its Bundle-SymbolicName is " + name + ", not " + symbolicName);
            }
            return new TrustedJar(path, bytes, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        } catch (IOException e) {
            throw refused(location, e.toString());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static IllegalArgumentException refused(String location, String why) {
        return new IllegalArgumentException("refused to load " + location + ": " + why);
    }
}
