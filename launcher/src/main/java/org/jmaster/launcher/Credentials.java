package org.jmaster.launcher;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXPrincipal;
import javax.security.auth.Subject;
import org.jmaster.api.jmx.AuditLog;

/**
 * NAME
 *     Credentials - the JMX users, their passwords and their roles
 * SYNOPSIS
 *     Credentials load(passwordFile, accessFile)
 *     JMXAuthenticator authenticator()
 * DESCRIPTION
 *     The password file has a line "user password" per user; the access file a line "user role"
 *     (monitor, operator or admin); '#' starts a comment. When the password file does not exist,
 *     it is created with a random password for each user of the access file, readable only by
 *     the user the JVM runs as (mode 0600), and the log says where it is.
 *
 *     A password file that is a symbolic link, is not owned by the JVM's effective user, or that
 *     group or others may read or write, is refused: it would not keep its secret. The access
 *     file must be the JVM user's and writable by nobody else.
 * DIAGNOSTICS
 *     IllegalStateException naming the file and the reason; SecurityException
 *     "Authentication failed! Invalid username or password" for a bad login, which is logged
 *     with the client's address.
 */
final class Credentials {
    private static final Logger LOG = Logger.getLogger("org.jmaster.jmx");
    private final Map<String, byte[]> passwords;
    private final Map<String, Role> roles;

    private Credentials(Map<String, byte[]> passwords, Map<String, Role> roles) {
        this.passwords = passwords;
        this.roles = roles;
    }

    static Credentials load(Path passwordFile, Path accessFile, int euid) throws IOException {
        Map<String, Role> roles = new LinkedHashMap<>();
        checkOwner(accessFile, euid, 0022, "writable by group or others");
        for (String[] entry : entries(accessFile)) {
            try {
                roles.put(entry[0], Role.named(entry[1]));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(accessFile + ": user " + entry[0] + ": no such role: \"" + entry[1]
                        + "\" (monitor, operator or admin)");
            }
        }
        if (!Files.exists(passwordFile, LinkOption.NOFOLLOW_LINKS)) {
            create(passwordFile, roles.keySet());
        }
        checkOwner(passwordFile, euid, 0077, "readable or writable by group or others");
        Map<String, byte[]> passwords = new LinkedHashMap<>();
        for (String[] entry : entries(passwordFile)) {
            if (!roles.containsKey(entry[0])) {
                throw new IllegalStateException(passwordFile + ": user " + entry[0] + " has no role in " + accessFile);
            }
            passwords.put(entry[0], entry[1].getBytes(StandardCharsets.UTF_8));
        }
        return new Credentials(passwords, roles);
    }

    /** The password file, a new one: every user a random password, mode 0600 from the start. */
    private static void create(Path file, Set<String> users) throws IOException {
        SecureRandom random = new SecureRandom();
        StringBuilder text = new StringBuilder("# jmaster's JMX users and their passwords, made at first start.\n"
                + "# The roles are in jmxremote.access. Change a password here and restart jmaster.\n");
        for (String user : users) {
            byte[] secret = new byte[18];
            random.nextBytes(secret);
            text.append(user).append(' ').append(Base64.getUrlEncoder().withoutPadding().encodeToString(secret))
                    .append('\n');
        }
        try (SeekableByteChannel out = Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            out.write(java.nio.ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
        }
        LOG.info("JMX: made a password for each of " + users + " in " + file + " (mode 0600): log in with one of them");
    }

    private static void checkOwner(Path file, int euid, int forbidden, String what) throws IOException {
        if (Files.isSymbolicLink(file)) {
            throw new IllegalStateException(file + " is a symbolic link: refused");
        }
        if (!Files.exists(file)) {
            throw new IllegalStateException(file + " does not exist");
        }
        Map<String, Object> attributes = Files.readAttributes(file, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
        int uid = (Integer) attributes.get("uid");
        int mode = (Integer) attributes.get("mode");
        if (uid != euid) {
            throw new IllegalStateException(file + " is owned by uid " + uid + ", not by uid " + euid
                    + " that jmaster runs as: refused");
        }
        if ((mode & forbidden) != 0) {
            throw new IllegalStateException(file + " is " + what + " (mode " + String.format("%04o", mode & 07777)
                    + "): refused; chmod 0600 it");
        }
    }

    /** The "name value" lines of a password or access file, comments and blank lines left out. */
    static List<String[]> entries(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).map(line -> line.split("\\s+", 2))
                .filter(fields -> fields.length == 2).toList();
    }

    /** Checks user and password in constant time; the Subject names the user and holds the role. */
    JMXAuthenticator authenticator() {
        return credentials -> {
            String client = JmxGuard.clientHost();
            if (credentials instanceof String[] pair && pair.length == 2 && pair[0] != null && pair[1] != null) {
                byte[] expected = passwords.get(pair[0]);
                byte[] given = pair[1].getBytes(StandardCharsets.UTF_8);
                if (expected != null && MessageDigest.isEqual(expected, given)) {
                    Subject subject = new Subject();
                    subject.getPrincipals().add(new JMXPrincipal(pair[0]));
                    subject.getPrincipals().add(new Role.Held(roles.get(pair[0])));
                    subject.setReadOnly();
                    LOG.info("JMX: " + pair[0] + "@" + client + " logged in as " + roles.get(pair[0]));
                    return subject;
                }
                LOG.warning("JMX: login of \"" + AuditLog.printable(pair[0]) + "\" from " + client
                        + " refused: wrong user or password");
            } else {
                LOG.warning("JMX: login from " + client + " refused: no user and password");
            }
            throw new SecurityException("Authentication failed! Invalid username or password");
        };
    }
}
