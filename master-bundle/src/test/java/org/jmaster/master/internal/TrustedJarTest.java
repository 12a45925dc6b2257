package org.jmaster.master.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which jars updateBundle loads: only the bundle directory's own, named through no one's link. */
class TrustedJarTest {
    private static final String NAME = "org.jmaster.child-runtime";

    @TempDir
    Path temp;
    private Path bundles;
    private int euid;

    @BeforeEach
    void bundleDirectory() throws IOException {
        bundles = Files.createDirectory(temp.resolve("bundle"));
        Files.setPosixFilePermissions(bundles, PosixFilePermissions.fromString("rwxr-xr-x"));
        euid = (Integer) Files.getAttribute(bundles, "unix:uid");
    }

    @Test
    void aJarOfTheBundleDirectoryIsReadWithItsDigest() throws IOException {
        Path jar = jar(bundles.resolve("child-runtime.jar"), NAME);
        TrustedJar trusted = TrustedJar.read(jar.toUri().toString(), bundles, NAME, euid);
        assertArrayEquals(Files.readAllBytes(jar), trusted.bytes());
        assertEquals(64, trusted.sha256().length());
    }

    /**
     * The race of the security review: the caller names the jar through a directory of theirs that
     * links to bundle/ and could re-point it after the check. The link is never followed.
     */
    @Test
    void aDirectoryThatLinksToTheBundleDirectoryIsRefused() throws IOException {
        jar(bundles.resolve("child-runtime.jar"), NAME);
        Path link = Files.createSymbolicLink(temp.resolve("mine"), bundles);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustedJar.read(link.resolve("child-runtime.jar").toUri().toString(), bundles, NAME, euid));
        assertTrue(e.getMessage().contains("not a jar directly in"), e.getMessage());
    }

    @Test
    void aLinkInTheBundleDirectoryIsRefused() throws IOException {
        Path elsewhere = jar(temp.resolve("evil.jar"), NAME);
        Path link = Files.createSymbolicLink(bundles.resolve("child-runtime.jar"), elsewhere);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustedJar.read(link.toUri().toString(), bundles, NAME, euid));
        assertTrue(e.getMessage().contains("symbolic links are refused"), e.getMessage());
    }

    @Test
    void aJarOutsideTheBundleDirectoryIsRefused() throws IOException {
        Path jar = jar(temp.resolve("child-runtime.jar"), NAME);
        assertThrows(IllegalArgumentException.class, () -> TrustedJar.read(jar.toUri().toString(), bundles, NAME, euid));
        assertThrows(IllegalArgumentException.class,
                () -> TrustedJar.read(bundles.resolve("../child-runtime.jar").toUri().toString(), bundles, NAME, euid));
    }

    @Test
    void aWritableJarAnotherOwnersJarOrAnotherBundleIsRefused() throws IOException {
        Path jar = jar(bundles.resolve("child-runtime.jar"), NAME);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-r--"));
        assertMessage(jar + " is writable by group or others (mode 0664)", jar, NAME);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        assertMessage("its Bundle-SymbolicName is " + NAME + ", not org.jmaster.master", jar, "org.jmaster.master");
        assumeTrue(euid == 0, "only root can give the jar to another user");
        Files.setAttribute(jar, "unix:uid", 65534);
        assertMessage(jar + " is owned by uid 65534, not root", jar, NAME);
    }

    /** The directories above bundle/ count too: whoever may write one could swap bundle/ itself. */
    @Test
    void aDirectoryAboveTheBundleDirectoryThatOthersMayWriteIsRefused() throws IOException {
        Path jar = jar(bundles.resolve("child-runtime.jar"), NAME);
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertMessage(temp + " is writable by group or others (mode 0777)", jar, NAME);
    }

    @Test
    void onlyPlainFileUrlsAreAccepted() {
        assertMessage("only file: URLs", "http://example.org/child-runtime.jar");
        assertMessage("only file: URLs", bundles.resolve("child-runtime.jar").toUri() + "?x=1");
        assertMessage("not a URL", "file:%zz");
    }

    private void assertMessage(String expected, Path jar, String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustedJar.read(jar.toUri().toString(), bundles, name, euid));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private void assertMessage(String expected, String location) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustedJar.read(location, bundles, NAME, euid));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static Path jar(Path file, String symbolicName) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Bundle-SymbolicName", symbolicName + ";singleton:=true");
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }
}
