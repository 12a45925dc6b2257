package org.jmaster.master.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;

/**
 * NAME
 *     LogLine - one message as Postfix puts it on the wire (Postfix msg_output.c, printable.c,
 *     msg_syslog.c, msg_logger.c)
 * SUMMARY
 *     Severity               info, warning, error, fatal, panic: syslog level and text prefix
 *     syslog(...)            the datagram for /dev/log, as glibc's syslog(3) sends it
 *     postlog(...)           the datagram for the postlog socket, as msg_logger_print() sends it
 *     printable(text, utf8)  the text as msg_vprintf() leaves it: non-printable bytes become '?'
 *     facility(name)         a syslog_facility name's code (msg_syslog_set_facility)
 * DESCRIPTION
 *     syslog:  "<PRI>Mmm dd hh:mm:ss ident[pid]: [severity: ]text", PRI = facility * 8 + level,
 *              the day space-padded (glibc's "%h %e %T", C locale), no newline, no host.
 *     postlog: "Mmm dd hh:mm:ss host ident[pid]: [severity: ]text", the day zero-padded
 *              (msg_logger's "%b %d %H:%M:%S"), host the first label of the host name, no PRI,
 *              no newline (postlogd's logwriter adds it).
 *     The severity prefix is absent for info. The text is cut at 2000 bytes (MSG_SYSLOG_RECLEN,
 *     MSG_LOGGER_RECLEN) after the prefix, which keeps a record below postlogd's 4096-byte
 *     receive buffer (DGRAM_BUF_SIZE). Unlike Postfix's "%.*s", a cut never splits a UTF-8
 *     character.
 *
 *     printable() is Postfix's printable(text, '?'), byte by byte over the UTF-8 encoding: every
 *     byte that is not ASCII 0x20-0x7e becomes '?' (so a newline or a tab is one '?'), except,
 *     when utf8 (Postfix's util_utf8_enable, from smtputf8_enable), a multi-byte character, which
 *     stays as it is.
 */
final class LogLine {
    /** Postfix's cap on a message's text, in bytes. */
    static final int RECLEN = 2000;

    /** Postfix's msg levels: the syslog level msg_syslog_print() gives each, and its prefix. */
    enum Severity {
        INFO(6, ""), WARNING(4, "warning: "), ERROR(3, "error: "), FATAL(2, "fatal: "), PANIC(2, "panic: ");

        /** LOG_INFO, LOG_WARNING, LOG_ERR, LOG_CRIT, LOG_CRIT: Postfix logs panic as crit too. */
        final int level;
        final String prefix;

        Severity(int level, String prefix) {
            this.level = level;
            this.prefix = prefix;
        }
    }

    /** msg_syslog.c's facility_list, with Linux's codes (already shifted, as in syslog.h). */
    private static final Map<String, Integer> FACILITIES = Map.ofEntries(Map.entry("auth", 4 << 3),
            Map.entry("authpriv", 10 << 3), Map.entry("cron", 9 << 3), Map.entry("daemon", 3 << 3),
            Map.entry("ftp", 11 << 3), Map.entry("kern", 0), Map.entry("lpr", 6 << 3), Map.entry("mail", 2 << 3),
            Map.entry("news", 7 << 3), Map.entry("syslog", 5 << 3), Map.entry("user", 1 << 3),
            Map.entry("uucp", 8 << 3), Map.entry("local0", 16 << 3), Map.entry("local1", 17 << 3),
            Map.entry("local2", 18 << 3), Map.entry("local3", 19 << 3), Map.entry("local4", 20 << 3),
            Map.entry("local5", 21 << 3), Map.entry("local6", 22 << 3), Map.entry("local7", 23 << 3));
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};

    private LogLine() {
    }

    /** The code of a syslog_facility name (LOG_MAIL is 16), empty when Postfix does not know it. */
    static OptionalInt facility(String name) {
        Integer code = FACILITIES.get(name);
        return code == null ? OptionalInt.empty() : OptionalInt.of(code);
    }

    /** A /dev/log datagram: "<PRI>Mmm dd hh:mm:ss ident[pid]: [severity: ]text". */
    static byte[] syslog(int facility, Severity severity, ZonedDateTime time, String ident, long pid, String text,
            boolean utf8) {
        String day = time.getDayOfMonth() < 10 ? " " + time.getDayOfMonth() : Integer.toString(time.getDayOfMonth());
        String header = "<" + (facility | severity.level) + ">" + MONTHS[time.getMonthValue() - 1] + " " + day + " "
                + clock(time) + " " + ident + "[" + pid + "]: " + severity.prefix;
        return concat(header, printable(text, utf8));
    }

    /** A postlog datagram: "Mmm dd hh:mm:ss host ident[pid]: [severity: ]text". */
    static byte[] postlog(Severity severity, ZonedDateTime time, String hostname, String ident, long pid, String text,
            boolean utf8) {
        int dot = hostname.indexOf('.');
        String host = dot < 0 ? hostname : hostname.substring(0, dot);
        String header = MONTHS[time.getMonthValue() - 1] + " " + two(time.getDayOfMonth()) + " " + clock(time) + " "
                + host + " " + ident + "[" + pid + "]: " + severity.prefix;
        return concat(header, printable(text, utf8));
    }

    /** The text's UTF-8 bytes with Postfix's printable(text, '?') applied, cut at RECLEN bytes. */
    static byte[] printable(String text, boolean utf8) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int ch = bytes[i] & 0xff;
            if (ch >= 0x20 && ch < 0x7f) {
                continue;
            }
            if (utf8 && ch >= 194 && ch <= 254 && i + 1 < bytes.length && isContinuation(bytes[i + 1])) {
                while (i + 1 < bytes.length && isContinuation(bytes[i + 1])) {
                    i++;
                }
                continue;
            }
            bytes[i] = '?';
        }
        int length = Math.min(bytes.length, RECLEN);
        while (length < bytes.length && length > 0 && isContinuation(bytes[length])) {
            length--;
        }
        return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xc0) == 0x80;
    }

    private static String clock(ZonedDateTime time) {
        return two(time.getHour()) + ":" + two(time.getMinute()) + ":" + two(time.getSecond());
    }

    private static String two(int value) {
        return value < 10 ? "0" + value : Integer.toString(value);
    }

    private static byte[] concat(String header, byte[] text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(header.length() + text.length);
        out.writeBytes(header.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(text);
        return out.toByteArray();
    }
}
