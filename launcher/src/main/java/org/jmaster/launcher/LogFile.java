package org.jmaster.launcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.logging.ErrorManager;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/**
 * NAME
 *     LogFile - the JVM's log: log/jmaster.log, rotated by size; standard error when there is none
 * SYNOPSIS
 *     handlers = org.jmaster.launcher.LogFile            (conf/logging.properties)
 *     org.jmaster.launcher.LogFile.limit = 10485760      bytes; 0: never rotated
 *     org.jmaster.launcher.LogFile.count = 5             jmaster.log.1 .. jmaster.log.5 kept
 *     org.jmaster.launcher.LogFile.level, .formatter     as for java.util.logging's handlers
 * DESCRIPTION
 *     With the system property jmaster.log.file (bin/jmaster start sets it to log/jmaster.log,
 *     the file it sends the JVM's standard output and error to) every record is appended to
 *     that file; without it (bin/jmaster run, console), to standard error, as ConsoleHandler.
 *
 *     Once a record leaves the file at limit bytes or more, the file is rotated as logrotate's
 *     copytruncate does: jmaster.log.N-1 becomes jmaster.log.N (the oldest is dropped),
 *     jmaster.log is copied to jmaster.log.1 and emptied. The file keeps its inode, so the
 *     JVM's standard output and error, which the shell opened for appending before the JVM
 *     started (what the JVM says before this handler exists, the framework's own lines, a
 *     crash), go on landing in log/jmaster.log after a rotation. The copy is made while
 *     others go on logging: what they append meanwhile, records and those writers' text
 *     alike, is kept in the emptied file; only text of those writers in the instant between
 *     the tail's read and the truncation may be lost, records of this handler never are.
 *
 *     The log's directory is checked by bin/jmaster (the user's alone, no link); the file is
 *     opened without following a link.
 * DIAGNOSTICS
 *     A failure to write or rotate goes to the handler's ErrorManager (the first one is
 *     printed on standard error), and the record is written to standard error instead.
 */
public final class LogFile extends Handler {
    private static final String PREFIX = LogFile.class.getName();
    private final Path file;
    private final long limit;
    private final int count;
    private FileChannel channel;
    private boolean closed;
    /** A thread is copying the file to .1: the others only append. */
    private boolean rotating;

    /** As java.util.logging makes it: configured from the LogManager's properties. */
    public LogFile() {
        this(file(), number(PREFIX + ".limit", 10L * 1024 * 1024), (int) number(PREFIX + ".count", 5));
        LogManager manager = LogManager.getLogManager();
        setLevel(Level.parse(orDefault(manager.getProperty(PREFIX + ".level"), "ALL")));
        setFormatter(formatter(manager.getProperty(PREFIX + ".formatter")));
    }

    LogFile(Path file, long limit, int count) {
        this.file = file;
        this.limit = limit;
        this.count = Math.max(1, count);
        setFormatter(new SimpleFormatter());
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        String text;
        try {
            text = getFormatter().format(record);
        } catch (RuntimeException e) {
            reportError(null, e, ErrorManager.FORMAT_FAILURE);
            return;
        }
        if (write(text.getBytes(StandardCharsets.UTF_8))) {
            rotate();
        }
    }

    /** Appends the record; true when the caller is to rotate the file (the first to find it full). */
    private synchronized boolean write(byte[] bytes) {
        if (closed) {
            return false;
        }
        if (file == null) {
            System.err.write(bytes, 0, bytes.length);
            System.err.flush();
            return false;
        }
        try {
            if (channel == null) {
                channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                        LinkOption.NOFOLLOW_LINKS));
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            if (limit > 0 && !rotating && channel.size() >= limit) {
                rotating = true;
                return true;
            }
        } catch (IOException e) {
            reportError("cannot write " + file, e, ErrorManager.WRITE_FAILURE);
            System.err.write(bytes, 0, bytes.length);
            System.err.flush();
        }
        return false;
    }

    /**
     * jmaster.log.N-1 to .N, ..., then the file's first bytes, as many as it has now, copied to
     * .1 without the handler's lock (other threads' records go on being appended meanwhile);
     * then, under the lock, the file emptied in place and what was appended during the copy
     * written back to it, so the lock is held for that tail only and no record is lost.
     */
    private void rotate() {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            for (int n = count - 1; n >= 1; n--) {
                Path older = generation(n);
                if (Files.exists(older, LinkOption.NOFOLLOW_LINKS)) {
                    Files.move(older, generation(n + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            long copied = in.size();
            Files.deleteIfExists(generation(1));
            try (FileChannel out = FileChannel.open(generation(1), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                for (long done = 0; done < copied;) {
                    done += in.transferTo(done, copied - done, out);
                }
            }
            synchronized (this) {
                if (channel == null) {
                    return; // closed meanwhile
                }
                ByteBuffer tail = ByteBuffer.allocate((int) Math.max(0, in.size() - copied));
                while (tail.hasRemaining() && in.read(tail, copied + tail.position()) >= 0) {
                    // what was appended during the copy, whole
                }
                channel.truncate(0);
                tail.flip();
                while (tail.hasRemaining()) {
                    channel.write(tail);
                }
            }
        } catch (IOException e) {
            reportError("cannot rotate " + file, e, ErrorManager.WRITE_FAILURE);
        } finally {
            synchronized (this) {
                rotating = false;
            }
        }
    }

    private Path generation(int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    @Override
    public synchronized void flush() {
        if (file == null) {
            System.err.flush();
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                reportError("cannot close " + file, e, ErrorManager.CLOSE_FAILURE);
            }
            channel = null;
        }
    }

    private static Path file() {
        String name = System.getProperty("jmaster.log.file");
        return name == null || name.isEmpty() ? null : Path.of(name);
    }

    private static long number(String property, long otherwise) {
        String value = LogManager.getLogManager().getProperty(property);
        try {
            return value == null ? otherwise : Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private static String orDefault(String value, String otherwise) {
        return value == null || value.isBlank() ? otherwise : value.strip();
    }

    private static Formatter formatter(String name) {
        if (name == null || name.isBlank()) {
            return new SimpleFormatter();
        }
        try {
            return (Formatter) ClassLoader.getSystemClassLoader().loadClass(name.strip()).getDeclaredConstructor()
                    .newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            return new SimpleFormatter();
        }
    }
}
