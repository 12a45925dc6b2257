package org.jmaster.nio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.postfix.TrustCheck;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The socket race of SecurityIT, made certain: whatever link a postfix process puts where a
 * socket goes, what the master does there as mail_owner cannot change root's file. Needs root
 * and Debian's postfix user, as the master's sockets do.
 */
class MailOwnerTest {
    @TempDir
    Path dir;

    @BeforeEach
    void rootWithAPostfixUser() throws IOException {
        assumeTrue(TrustCheck.runsAsRoot(), "the master acts as mail_owner only as root");
        assumeTrue(Files.readString(Path.of("/etc/passwd")).contains("\npostfix:"), "Debian's postfix user");
    }

    @Test
    void asMailOwnerALinkToRootsFileChangesNothing() throws IOException {
        Path target = Files.writeString(dir.resolve("shadow"), "secret\n");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = Files.createSymbolicLink(dir.resolve("smtp"), target);
        MailOwner owner = MailOwner.of(MasterSettings.defaults());
        FileSystemException refused = assertThrows(FileSystemException.class, () -> owner.as(() -> {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            return null;
        }));
        assertEquals("Operation not permitted", refused.getReason(), "chmod(2): EPERM, not root's file");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        // and the thread is root's again afterwards
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-r-----"));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }

    @Test
    void privateAndPublicWithAWiderModeAreRefused() throws IOException {
        MailOwner owner = MailOwner.of(MasterSettings.defaults());
        Path made = owner.directory(dir, true);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made)));
        Files.setPosixFilePermissions(made, PosixFilePermissions.fromString("rwx--x--x"));
        IOException wide = assertThrows(IOException.class, () -> owner.directory(dir, true));
        assertEquals(made + " has mode 0711, more than Postfix's 0700: refused; chmod 0700 " + made, wide.getMessage());
        Path pub = owner.directory(dir, false);
        assertEquals("rwx--x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(pub)));
    }
}
