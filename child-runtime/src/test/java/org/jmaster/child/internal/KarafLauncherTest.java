package org.jmaster.child.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.jmaster.api.postfix.TrustCheck;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's words, and where it writes: what Karaf's data directory should hold, and
 * nothing written through a link or into a directory that someone else may change, as an
 * attacker would plant them before Karaf (often root) starts.
 */
class KarafLauncherTest {
    private static final byte[] CHILD = "child-runtime".getBytes(StandardCharsets.UTF_8);
    private static final byte[] JNA = "jna".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NATIVE = "libjnidispatch".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    private Path data;
    private Path home;
    /** A file the attacker wants overwritten. */
    private Path victim;

    @BeforeEach
    void karafData() throws IOException {
        data = Files.createDirectory(dir.resolve("data"));
        home = data.resolve("jmaster");
        victim = Files.writeString(dir.resolve("victim"), "keep me");
    }

    /** A fresh data directory gets the launcher, the jars and JNA's library, with their modes, and a second start changes nothing. */
    @Test
    void writesTheLauncherAndWhatItRuns() throws Exception {
        install();
        Path launcher = home.resolve("libexec/jmaster-echo");
        assertEquals("rwxr-xr-x", mode(launcher));
        assertEquals("rw-r--r--", mode(home.resolve("lib/child-runtime.jar")));
        assertEquals("rwxr-xr-x", mode(home.resolve("lib")));
        assertArrayEquals(NATIVE, Files.readAllBytes(home.resolve("lib/jna/linux-x86-64/libjnidispatch.so")));
        String script = Files.readString(launcher);
        assertTrue(script.startsWith("#!/bin/sh\n"), script);
        assertTrue(script.contains(" '-cp' '" + home.resolve("lib/child-runtime.jar") + ":" + home.resolve("lib/jna.jar")
                + "' 'org.jmaster.child.echo.EchoServer' \"$@\"\n"), script);
        long written = Files.getLastModifiedTime(launcher).toMillis();
        Files.setLastModifiedTime(launcher, java.nio.file.attribute.FileTime.fromMillis(written - 60_000));
        install();
        assertEquals(written - 60_000, Files.getLastModifiedTime(launcher).toMillis(), "left alone when it is as it would be");
        assertEquals(List.of(), leftovers(), "no temporary file left");
    }

    /** The launcher or a jar planted as a link: replaced, the victim untouched. */
    @Test
    void aLinkInAFilesPlaceIsReplacedNotWrittenThrough() throws Exception {
        Files.createDirectories(home.resolve("libexec"));
        Files.createDirectories(home.resolve("lib"));
        Files.createSymbolicLink(home.resolve("libexec/jmaster-echo"), victim);
        Files.createSymbolicLink(home.resolve("lib/jna.jar"), victim);
        install();
        assertEquals("keep me", Files.readString(victim));
        assertFalse(Files.isSymbolicLink(home.resolve("libexec/jmaster-echo")));
        assertTrue(Files.readString(home.resolve("libexec/jmaster-echo")).startsWith("#!/bin/sh"));
        assertArrayEquals(JNA, Files.readAllBytes(home.resolve("lib/jna.jar")));
        assertArrayEquals(CHILD, Files.readAllBytes(home.resolve("lib/child-runtime.jar")));
    }

    /** A directory of the launcher's planted as a link to elsewhere: refused, nothing written there. */
    @Test
    void aLinkInADirectorysPlaceIsRefused() throws Exception {
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Files.createDirectories(home);
        Files.createSymbolicLink(home.resolve("lib"), elsewhere);
        IOException refused = assertThrows(IOException.class, this::install);
        assertEquals(home.resolve("lib") + " is not a directory but a symbolic link: refusing to write through it",
                refused.getMessage());
        try (Stream<Path> files = Files.list(elsewhere)) {
            assertEquals(0, files.count());
        }
    }

    /** A data directory others may write, or a jmaster directory of another user: refused before a byte is written. */
    @Test
    void aDirectoryOthersMayChangeIsRefused() throws Exception {
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException refused = assertThrows(IOException.class, this::install);
        assertEquals(data + " is writable by group or others (mode 0777): refusing to write there", refused.getMessage());
        assertFalse(Files.exists(home, LinkOption.NOFOLLOW_LINKS));

        assumeTrue(TrustCheck.runsAsRoot(), "giving a directory to another user needs root");
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectory(home);
        Files.setAttribute(home, "unix:uid", 65534);
        refused = assertThrows(IOException.class, this::install);
        assertEquals(home + " is owned by uid 65534, not root: refusing to write there", refused.getMessage());
        assertFalse(Files.exists(home.resolve("lib"), LinkOption.NOFOLLOW_LINKS));
    }

    private void install() throws IOException {
        KarafLauncher.install(home, CHILD, JNA, "linux-x86-64", NATIVE, Path.of("/usr/lib/jvm/java"));
    }

    private static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
    }

    private List<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.walk(home)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".new")).toList();
        }
    }

    /** Every word the launcher writes reaches java as it was, whatever a Karaf path holds. */
    @Test
    void shReadsEachQuotedWordBack() throws Exception {
        for (String word : List.of("/opt/karaf/data/jmaster/lib/jna.jar", "it's", "a b", "$HOME `id` \"x\" \\ * ?", "''")) {
            Process sh = new ProcessBuilder("/bin/sh", "-c", "printf %s " + KarafLauncher.quote(word)).start();
            String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, sh.waitFor());
            assertEquals(word, out);
        }
    }

    /** JNA's directories of the native library, by os.arch. */
    @Test
    void jnaArchitectures() {
        assertEquals("linux-x86-64", KarafLauncher.jnaArch("amd64"));
        assertEquals("linux-aarch64", KarafLauncher.jnaArch("aarch64"));
        assertNull(KarafLauncher.jnaArch("riscv64"));
    }
}
