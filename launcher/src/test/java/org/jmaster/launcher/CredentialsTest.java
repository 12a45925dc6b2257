package org.jmaster.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXPrincipal;
import javax.security.auth.Subject;
import org.jmaster.api.postfix.TrustCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The password file made at first start, its checks, and logins. */
class CredentialsTest {
    @TempDir
    Path dir;

    private Path access() throws Exception {
        Path access = Files.writeString(dir.resolve("access"), "# roles\nmonitor monitor\nops operator\nadmin admin\n");
        Files.setPosixFilePermissions(access, PosixFilePermissions.fromString("rw-r--r--"));
        return access;
    }

    @Test
    void madeAtFirstStartWithARandomPasswordEachAndMode0600() throws Exception {
        Path passwords = dir.resolve("passwords");
        Credentials credentials = Credentials.load(passwords, access(), TrustCheck.effectiveUid());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwords)));
        List<String[]> lines = Files.readAllLines(passwords).stream().filter(l -> !l.startsWith("#"))
                .map(l -> l.split(" ")).toList();
        assertEquals(List.of("monitor", "ops", "admin"), lines.stream().map(l -> l[0]).toList());
        assertEquals(3, lines.stream().map(l -> l[1]).distinct().count(), "a password each");
        JMXAuthenticator authenticator = credentials.authenticator();
        Subject ops = authenticator.authenticate(new String[] {"ops", lines.get(1)[1]});
        assertEquals("ops", ops.getPrincipals(JMXPrincipal.class).iterator().next().getName());
        assertEquals(Role.OPERATOR, ops.getPrincipals(Role.Held.class).iterator().next().role());
        assertThrows(SecurityException.class, () -> authenticator.authenticate(new String[] {"ops", "guess"}));
        assertThrows(SecurityException.class, () -> authenticator.authenticate(null));
    }

    @Test
    void aPasswordFileOthersCanReadOrALinkIsRefusedByPath() throws Exception {
        Path passwords = Files.writeString(dir.resolve("passwords"), "admin secret\n");
        Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-r--r--"));
        IllegalStateException readable = assertThrows(IllegalStateException.class,
                () -> Credentials.load(passwords, access(), TrustCheck.effectiveUid()));
        assertTrue(readable.getMessage().startsWith(passwords + " is readable or writable by group or others (mode 0644)"),
                readable.getMessage());
        Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-------"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), passwords);
        assertEquals(link + " is a symbolic link: refused", assertThrows(IllegalStateException.class,
                () -> Credentials.load(link, access(), TrustCheck.effectiveUid())).getMessage());
        IllegalStateException owner = assertThrows(IllegalStateException.class,
                () -> Credentials.load(passwords, access(), TrustCheck.effectiveUid() + 1));
        assertTrue(owner.getMessage().contains("is owned by uid"), owner.getMessage());
    }
}
