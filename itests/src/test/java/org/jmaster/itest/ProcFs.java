package org.jmaster.itest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Facts about sockets and processes read from /proc. */
final class ProcFs {
    private ProcFs() {
    }

    /** The port of the listening TCP socket with this inode, or -1. */
    static int tcpListenPort(long inode) throws IOException {
        return tcpListenPort(inode, "/proc/net/tcp", "/proc/net/tcp6");
    }

    /** A listening socket of a /proc/net/tcp table: its local port and its inode. */
    private record Listener(int port, String inode) {
    }

    /** The listening sockets of these tables, in order. */
    private static List<Listener> listeners(String... tables) throws IOException {
        List<Listener> listeners = new ArrayList<>();
        for (String table : tables) {
            if (!Files.exists(Path.of(table))) {
                continue;
            }
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[3].equals("0A")) {
                    listeners.add(new Listener(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16), f[9]));
                }
            }
        }
        return listeners;
    }

    /** The port of the listening TCP socket with this inode in these tables, or -1. */
    static int tcpListenPort(long inode, String... tables) throws IOException {
        return listeners(tables).stream().filter(l -> l.inode().equals(Long.toString(inode))).mapToInt(Listener::port)
                .findFirst().orElse(-1);
    }

    /** The inodes of the listening TCP sockets on this port, IPv4 then IPv6: which sockets they are. */
    static String listeningSocket(int port) throws IOException {
        return String.join(" ", listeners("/proc/net/tcp", "/proc/net/tcp6").stream().filter(l -> l.port() == port)
                .map(Listener::inode).toList());
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
