package org.jmaster.master.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.jmaster.api.MasterSettings;
import org.jmaster.master.internal.LogLine.Severity;

/**
 * NAME
 *     MailLog - the master's messages where Postfix's master logs them: syslog, or the postlog
 *     service (Postfix maillog_client.c, msg_syslog.c, msg_logger.c)
 * SUMMARY
 *     MailLog(settings)      a handler for Supervisor.LOG that logs as main.cf says
 *     configure(settings)    main.cf's logging parameters again: call after every reload
 *     publish(record)        one message, one datagram; never waits
 *     drops()                how many messages could not be sent
 *     close()                closes the socket; nothing is sent afterwards
 * DESCRIPTION
 *     As maillog_client_init(), one mode at a time (two would make postlogd loop): with
 *     maillog_file empty, syslog: /dev/log, facility syslog_facility, ident syslog_name/master;
 *     with maillog_file set, the postlog service: the unix-dgram socket
 *     $queue_directory/public/$postlog_service_name, which postlogd(8) writes into maillog_file,
 *     with the host name (myhostname, else the kernel's; first label only). The records, and how
 *     newlines and non-ASCII text are masked, are LogLine's; smtputf8_enable, else
 *     compatibility_level >= 1, keeps UTF-8 text as Postfix's util_utf8_enable does.
 *
 *     Only records of org.jmaster.master and the loggers below it but org.jmaster.master.detail
 *     (jmaster's own account of each service's start and restart, which Postfix's master does
 *     not log, and which stays in jmaster's log), at INFO and up: SEVERE is
 *     Postfix's error (fatal or panic when the message starts with "fatal: " or "panic: "),
 *     WARNING warning, INFO info. Below INFO is not sent (Postfix's master logs that only with
 *     -v). The message is the record's, parameters filled in; without one, its exception's
 *     toString(). A stack trace is never sent; a message that already starts with its prefix
 *     ("warning: ...") does not get it twice.
 *
 *     Caution: publish runs on the thread that logs, often the event loop's. It never waits
 *     (UnixDatagram): a message that cannot be sent at once is dropped and counted, never kept
 *     for later; the next message connects again, so a restarted syslogd or postlogd gets
 *     messages again without a reload.
 * DIAGNOSTICS
 *     A syslog_facility Postfix does not know is a warning, and facility mail is used (Postfix's
 *     master stops on it). Failing to send is only counted (drops()): a handler cannot log its
 *     own failures. An unexpected failure (JNA missing) goes to the handler's ErrorManager,
 *     which prints the first to standard error.
 * SEE ALSO
 *     LogLine, the record formats; UnixDatagram, the socket; SettingsWatch, which lets a reload
 *     change every logging parameter.
 */
final class MailLog extends Handler {
    /** The logger whose records, and those of the loggers below it, are the master's. */
    static final String LOGGER = "org.jmaster.master";
    /** glibc's _PATH_LOG. */
    static final Path DEV_LOG = Path.of("/dev/log");

    private final Path syslogSocket;
    private final InstantSource time;
    private final ZoneId zone;
    private final String kernelHostname;
    private final long pid = ProcessHandle.current().pid();
    private final AtomicLong drops = new AtomicLong();
    private Target target;
    private UnixDatagram socket;
    private boolean closed;

    /** Where and how messages go, from the settings. */
    private record Target(Path socket, boolean postlog, String ident, int facility, String hostname, boolean utf8) {
    }

    /** A handler that logs as these settings say, to this host's /dev/log. */
    MailLog(MasterSettings settings) {
        this(settings, DEV_LOG, InstantSource.system(), ZoneId.systemDefault(), kernelHostname());
    }

    /** A handler with its syslog socket, clock, time zone and host name (when main.cf has no myhostname) given. */
    MailLog(MasterSettings settings, Path syslogSocket, InstantSource time, ZoneId zone, String hostname) {
        this.syslogSocket = syslogSocket;
        this.time = time;
        this.zone = zone;
        this.kernelHostname = hostname;
        setLevel(Level.INFO);
        setFormatter(new SimpleFormatter());
        configure(settings);
    }

    /** Takes the logging parameters of these settings; a new target gets a new socket. */
    void configure(MasterSettings settings) {
        String facilityName = settings.syslogFacility();
        int facility = LogLine.facility(facilityName).orElse(LogLine.facility("mail").getAsInt());
        String hostname = settings.value("myhostname") == null || settings.value("myhostname").isBlank()
                ? kernelHostname : settings.value("myhostname").strip();
        boolean postlog = !settings.maillogFile().isEmpty();
        Path path = postlog ? settings.queueDirectory().resolve("public").resolve(settings.postlogServiceName())
                : syslogSocket;
        synchronized (this) {
            target = new Target(path, postlog, settings.syslogName() + "/master", facility, hostname, utf8(settings));
            if (socket != null && !socket.path().equals(path)) {
                socket.close();
                socket = null;
            }
        }
        if (LogLine.facility(facilityName).isEmpty()) {
            Supervisor.LOG.warning("parameter syslog_facility: unrecognized value: " + facilityName
                    + " -- logging with facility mail");
        }
    }

    /** How many messages were dropped because they could not be sent at once. */
    long drops() {
        return drops.get();
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record) || !isMasters(record.getLoggerName())) {
            return;
        }
        try {
            String text = text(record);
            Severity severity = severity(record.getLevel(), text);
            if (severity != Severity.INFO && text.startsWith(severity.prefix)) {
                text = text.substring(severity.prefix.length());
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                Target t = target;
                ZonedDateTime now = time.instant().atZone(zone);
                byte[] datagram = t.postlog()
                        ? LogLine.postlog(severity, now, t.hostname(), t.ident(), pid, text, t.utf8())
                        : LogLine.syslog(t.facility(), severity, now, t.ident(), pid, text, t.utf8());
                if (socket == null) {
                    socket = new UnixDatagram(t.socket());
                }
                if (!socket.send(datagram)) {
                    drops.incrementAndGet();
                }
            }
        } catch (RuntimeException | LinkageError e) {
            drops.incrementAndGet();
            reportError("cannot log the master's messages", e instanceof Exception x ? x : new Exception(e),
                    ErrorManager.WRITE_FAILURE);
        }
    }

    @Override
    public void flush() {
        // every message is sent at once
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }

    /** Postfix's level of a record: fatal and panic are SEVERE messages that say so. */
    static Severity severity(Level level, String text) {
        if (level.intValue() >= Level.SEVERE.intValue()) {
            return text.startsWith(Severity.FATAL.prefix) ? Severity.FATAL
                    : text.startsWith(Severity.PANIC.prefix) ? Severity.PANIC : Severity.ERROR;
        }
        return level.intValue() >= Level.WARNING.intValue() ? Severity.WARNING : Severity.INFO;
    }

    private static boolean isMasters(String logger) {
        return logger != null && (logger.equals(LOGGER) || logger.startsWith(LOGGER + "."))
                && !logger.equals(Supervisor.DETAIL.getName());
    }

    private String text(LogRecord record) {
        String text = record.getMessage() == null ? "" : getFormatter().formatMessage(record);
        if (text.isEmpty() && record.getThrown() != null) {
            return record.getThrown().toString();
        }
        return text;
    }

    /** Postfix's util_utf8_enable: smtputf8_enable, whose default is yes from compatibility_level 1 on. */
    private static boolean utf8(MasterSettings settings) {
        String enable = settings.value("smtputf8_enable");
        if (enable != null && !enable.isBlank()) {
            return switch (enable.strip().toLowerCase(Locale.ROOT)) {
                case "yes", "true" -> true;
                default -> false;
            };
        }
        return !settings.chrootDefault(); // chrootDefault() is "compatibility_level below 1"
    }

    /** The kernel's host name, as gethostname(2) has it; Postfix's "amnesiac" when there is none. */
    private static String kernelHostname() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
            return name.isEmpty() ? "amnesiac" : name;
        } catch (IOException e) {
            return "amnesiac";
        }
    }
}
