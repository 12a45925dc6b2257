package org.jmaster.api.postfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What root may trust: owners and modes up to /, sticky directories, links. */
class TrustCheckTest {
    @TempDir
    Path dir;

    @Test
    void writableByOthersOrNotRootsIsNamed() throws Exception {
        assumeTrue(TrustCheck.runsAsRoot(), "the owners here are root's only when the tests run as root");
        Path etc = Files.createDirectory(dir.resolve("etc"));
        Path cfg = Files.writeString(etc.resolve("a.cfg"), "x");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(cfg, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(List.of(), TrustCheck.problems(cfg), "/tmp is sticky: fine above root's entries");
        Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString("rwxrwxr-x"));
        assertEquals(List.of(etc + " is writable by group or others (mode 0775)"), TrustCheck.problems(cfg));
        Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setAttribute(cfg, "unix:uid", 65534);
        assertEquals(List.of(cfg + " is owned by uid 65534, not root"), TrustCheck.problems(cfg));
        Files.setAttribute(cfg, "unix:uid", 0);
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), open.resolve("cmd"));
        Files.writeString(open.resolve("cmd"), "#!/bin/sh\n");
        assertEquals(List.of(open + " is writable by group or others (mode 0777)"), TrustCheck.problems(link),
                "a link is followed");
        assertEquals(List.of("/tmp is writable by group or others (mode 1777)"), TrustCheck.problems(Path.of("/tmp")),
                "a sticky directory itself is no place for a trusted file");
    }
}
