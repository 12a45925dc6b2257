package org.jmaster.itest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about sockets and processes read from /proc. */
final class ProcFs {
    private ProcFs() {
    }

    /** The port of the listening TCP socket with this inode, or -1. */
    static int tcpListenPort(long inode) throws IOException {
        return tcpListenPort(inode, "/proc/net/tcp", "/proc/net/tcp6");
    }

    /** The port of the listening TCP socket with this inode in these tables, or -1. */
    static int tcpListenPort(long inode, String... tables) throws IOException {
        for (String table : tables) {
            if (!Files.exists(Path.of(table))) {
                continue;
            }
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[3].equals("0A") && f[9].equals(Long.toString(inode))) {
                    return Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                }
            }
        }
        return -1;
    }

    /** The inodes of the listening TCP sockets on this port, IPv4 then IPv6: which sockets they are. */
    static String listeningSocket(int port) throws IOException {
        StringBuilder inodes = new StringBuilder();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            if (!Files.exists(Path.of(table))) {
                continue;
            }
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[3].equals("0A")
                        && Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16) == port) {
                    inodes.append(inodes.length() > 0 ? " " : "").append(f[9]);
                }
            }
        }
        return inodes.toString();
    }

    /** True when the inode is an AF_UNIX socket. */
    static boolean isUnixSocket(long inode) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/net/unix"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 6 && f[6].equals(Long.toString(inode))) {
                return true;
            }
        }
        return false;
    }

    /** The uid of a user, by name, from /etc/passwd. */
    static String uidOf(String user) throws IOException {
        for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
            String[] fields = line.split(":");
            if (fields.length > 2 && fields[0].equals(user)) {
                return fields[2];
            }
        }
        throw new IOException("no user " + user + " in /etc/passwd");
    }

    /** The real uid of a process. */
    static String uid(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Uid:")) {
                return line.split("\\s+")[1];
            }
        }
        throw new IOException("no Uid in /proc/" + pid + "/status");
    }
}
