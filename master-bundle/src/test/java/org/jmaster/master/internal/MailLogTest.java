package org.jmaster.master.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jmaster.api.MasterSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The master's messages as syslogd and postlogd receive them, through real unix datagram sockets. */
class MailLogTest {
    private static final long PID = ProcessHandle.current().pid();
    /** A Tuesday, the 5th: syslog pads the day with a space, msg_logger with a zero. */
    private static final InstantSource TIME = InstantSource.fixed(Instant.parse("2024-03-05T07:08:09Z"));

    @TempDir
    Path temp;
    private Path devLog;
    private Path postlog;
    private MailLog log;

    @BeforeEach
    void paths() {
        devLog = temp.resolve("log");
        postlog = temp.resolve("public/postlog");
    }

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
    }

    private MasterSettings settings(String... keyValues) {
        Map<String, Object> p = new HashMap<>();
        p.put("queue_directory", temp.toString());
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return MasterSettings.parse(p);
    }

    private MailLog mailLog(MasterSettings settings) {
        log = new MailLog(settings, devLog, TIME, ZoneOffset.UTC, "mail.example.com");
        return log;
    }

    private static LogRecord record(Level level, String message) {
        LogRecord record = new LogRecord(level, message);
        record.setLoggerName("org.jmaster.master");
        return record;
    }

    @Test
    void syslogGetsPriorityTimeIdentPidAndPostfixsPrefixes() throws IOException {
        try (DatagramReceiver syslogd = DatagramReceiver.bind(devLog)) {
            MailLog log = mailLog(settings());
            log.publish(record(Level.INFO, "daemon started -- version 3.7, configuration /etc/postfix"));
            log.publish(record(Level.WARNING, "process /usr/lib/postfix/sbin/smtpd pid 42 exit status 1"));
            log.publish(record(Level.SEVERE, "master task failed: java.lang.IllegalStateException"));
            log.publish(record(Level.SEVERE, "fatal: bind 0.0.0.0 port 25: Address already in use"));
            log.publish(record(Level.SEVERE, "panic: myfree: corrupt or unallocated memory block"));
            log.publish(record(Level.FINE, "got sigchld"));
            String head = "Mar  5 07:08:09 postfix/master[" + PID + "]: ";
            assertEquals("<22>" + head + "daemon started -- version 3.7, configuration /etc/postfix",
                    syslogd.receiveText());
            assertEquals("<20>" + head + "warning: process /usr/lib/postfix/sbin/smtpd pid 42 exit status 1",
                    syslogd.receiveText());
            assertEquals("<19>" + head + "error: master task failed: java.lang.IllegalStateException",
                    syslogd.receiveText());
            assertEquals("<18>" + head + "fatal: bind 0.0.0.0 port 25: Address already in use", syslogd.receiveText());
            assertEquals("<18>" + head + "panic: myfree: corrupt or unallocated memory block", syslogd.receiveText());
            assertNull(syslogd.poll(), "FINE is not logged");
            assertEquals(0, log.drops());
        }
    }

    @Test
    void syslogNameAndFacilityComeFromTheSettings() throws IOException {
        try (DatagramReceiver syslogd = DatagramReceiver.bind(devLog)) {
            MailLog log = mailLog(settings("syslog_name", "postfix-out", "syslog_facility", "local3"));
            log.publish(record(Level.WARNING, "ten"));
            assertEquals("<156>Mar  5 07:08:09 postfix-out/master[" + PID + "]: warning: ten", syslogd.receiveText());
        }
    }

    @Test
    void postlogGetsTimeHostIdentPidWithoutPriority() throws IOException {
        try (DatagramReceiver postlogd = DatagramReceiver.bind(postlog)) {
            MailLog log = mailLog(settings("maillog_file", "/var/log/postfix.log"));
            log.publish(record(Level.INFO, "reload -- version 3.7, configuration /etc/postfix"));
            log.publish(record(Level.WARNING, "warning: already prefixed"));
            log.publish(record(Level.SEVERE, "fatal: no master.cf"));
            String head = "Mar 05 07:08:09 mail postfix/master[" + PID + "]: ";
            assertEquals(head + "reload -- version 3.7, configuration /etc/postfix", postlogd.receiveText());
            assertEquals(head + "warning: already prefixed", postlogd.receiveText());
            assertEquals(head + "fatal: no master.cf", postlogd.receiveText());
        }
    }

    @Test
    void myhostnameNamesTheHostInPostlogRecords() throws IOException {
        try (DatagramReceiver postlogd = DatagramReceiver.bind(temp.resolve("public/maillog"))) {
            MailLog log = mailLog(settings("maillog_file", "/dev/stdout", "postlog_service_name", "maillog",
                    "myhostname", "mx1.example.org"));
            log.publish(record(Level.INFO, "x"));
            assertEquals("Mar 05 07:08:09 mx1 postfix/master[" + PID + "]: x", postlogd.receiveText());
        }
    }

    /** printable(): control characters and DEL are one '?' each; UTF-8 stays with smtputf8, else each byte is '?'. */
    @Test
    void controlCharactersAndNonAsciiAreMaskedAsPostfixDoes() throws IOException {
        try (DatagramReceiver syslogd = DatagramReceiver.bind(devLog)) {
            mailLog(settings()).publish(record(Level.INFO, "a\nb\tc\u007fd r\u00e9sum\u00e9 \u2603"));
            assertEquals("<22>Mar  5 07:08:09 postfix/master[" + PID + "]: a?b?c?d r\u00e9sum\u00e9 \u2603",
                    syslogd.receiveText());
            log.close();
            mailLog(settings("compatibility_level", "0")).publish(record(Level.INFO, "r\u00e9sum\u00e9 \u2603"));
            assertEquals("<22>Mar  5 07:08:09 postfix/master[" + PID + "]: r??sum?? ???", syslogd.receiveText());
            log.close();
            mailLog(settings("smtputf8_enable", "no")).publish(record(Level.INFO, "\u00e9"));
            assertEquals("<22>Mar  5 07:08:09 postfix/master[" + PID + "]: ??", syslogd.receiveText());
        }
    }

    /** The text is cut at 2000 bytes after the prefix, and not inside a UTF-8 character. */
    @Test
    void longTextIsCutAt2000Bytes() throws IOException {
        try (DatagramReceiver postlogd = DatagramReceiver.bind(postlog)) {
            MailLog log = mailLog(settings("maillog_file", "/var/log/postfix.log"));
            log.publish(record(Level.WARNING, "x".repeat(5000)));
            log.publish(record(Level.INFO, "y".repeat(1999) + "\u00e9"));
            String head = "Mar 05 07:08:09 mail postfix/master[" + PID + "]: ";
            assertEquals(head + "warning: " + "x".repeat(2000), postlogd.receiveText());
            assertArrayEquals((head + "y".repeat(1999)).getBytes(StandardCharsets.UTF_8), postlogd.receive());
        }
    }

    @Test
    void onlyTheMastersLoggersAreSent() throws IOException {
        try (DatagramReceiver syslogd = DatagramReceiver.bind(devLog)) {
            MailLog log = mailLog(settings());
            for (String logger : new String[] {"org.jmaster.nio", "org.jmaster.masterx", "", null}) {
                LogRecord record = record(Level.WARNING, "not mine");
                record.setLoggerName(logger);
                log.publish(record);
            }
            LogRecord child = record(Level.INFO, "mine");
            child.setLoggerName("org.jmaster.master.child");
            log.publish(child);
            assertEquals("<22>Mar  5 07:08:09 postfix/master[" + PID + "]: mine", syslogd.receiveText());
            assertNull(syslogd.poll());
        }
    }

    /** Installed on Supervisor.LOG, with parameters filled in and an exception without a message. */
    @Test
    void installedOnTheMastersLogger() throws IOException {
        Logger logger = Supervisor.LOG;
        try (DatagramReceiver syslogd = DatagramReceiver.bind(devLog)) {
            MailLog log = mailLog(settings());
            logger.addHandler(log);
            try {
                logger.log(Level.INFO, "service {0}: {1} processes", new Object[] {"smtp/inet", 3});
                LogRecord thrown = record(Level.SEVERE, null);
                thrown.setThrown(new IllegalStateException("boom"));
                logger.log(thrown);
                Logger.getLogger("org.jmaster.spawner").warning("not the master's");
            } finally {
                logger.removeHandler(log);
            }
            String head = "Mar  5 07:08:09 postfix/master[" + PID + "]: ";
            assertEquals("<22>" + head + "service smtp/inet: 3 processes", syslogd.receiveText());
            assertEquals("<19>" + head + "error: java.lang.IllegalStateException: boom", syslogd.receiveText());
            assertNull(syslogd.poll());
        }
    }

    /** No /dev/log, postlogd down: the message is dropped and counted, and the next one connects again. */
    @Test
    void aMissingSocketDropsAndTheNextMessageConnects() throws IOException {
        MailLog log = mailLog(settings("maillog_file", "/var/log/postfix.log"));
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            log.publish(record(Level.INFO, "lost " + i));
        }
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "never waits");
        assertEquals(100, log.drops());
        try (DatagramReceiver postlogd = DatagramReceiver.bind(postlog)) {
            log.publish(record(Level.INFO, "found"));
            assertEquals("Mar 05 07:08:09 mail postfix/master[" + PID + "]: found", postlogd.receiveText());
            assertEquals(100, log.drops());
        }
    }

    /** postlogd (or syslogd) restarted and bound its socket anew: the next message reaches the new one. */
    @Test
    void aRestartedReceiverGetsTheNextMessage() throws IOException {
        MailLog log = mailLog(settings());
        try (DatagramReceiver first = DatagramReceiver.bind(devLog)) {
            log.publish(record(Level.INFO, "one"));
            assertTrue(first.receiveText().endsWith(": one"));
        }
        try (DatagramReceiver second = DatagramReceiver.bind(devLog)) {
            log.publish(record(Level.INFO, "two"));
            assertTrue(second.receiveText().endsWith(": two"));
            assertEquals(0, log.drops());
        }
    }

    /** A receiver that does not read: sending never waits, what does not fit is dropped. */
    @Test
    void aFullReceiverDropsWithoutWaiting() throws IOException {
        try (DatagramReceiver postlogd = DatagramReceiver.bind(postlog)) {
            MailLog log = mailLog(settings("maillog_file", "/var/log/postfix.log"));
            long start = System.nanoTime();
            for (int i = 0; i < 5000; i++) {
                log.publish(record(Level.INFO, "message " + i + " " + "z".repeat(200)));
            }
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "never waits");
            assertTrue(log.drops() > 0, "the queue filled up");
            assertTrue(postlogd.receiveText().endsWith(": message 0 " + "z".repeat(200)));
        }
    }

    /** A reload moves the messages between syslog and postlog, one at a time, and takes the new names. */
    @Test
    void configureSwitchesTheTarget() throws IOException {
        try (DatagramReceiver syslogd = DatagramReceiver.bind(devLog);
                DatagramReceiver postlogd = DatagramReceiver.bind(postlog);
                DatagramReceiver renamed = DatagramReceiver.bind(temp.resolve("public/postlog2"))) {
            MailLog log = mailLog(settings());
            log.publish(record(Level.INFO, "to syslog"));
            log.configure(settings("maillog_file", "/var/log/postfix.log"));
            log.publish(record(Level.INFO, "to postlog"));
            log.configure(settings("maillog_file", "/var/log/postfix.log", "postlog_service_name", "postlog2",
                    "syslog_name", "postfix-b"));
            log.publish(record(Level.INFO, "to postlog2"));
            log.configure(settings("syslog_facility", "daemon"));
            log.publish(record(Level.INFO, "back"));
            assertEquals("<22>Mar  5 07:08:09 postfix/master[" + PID + "]: to syslog", syslogd.receiveText());
            assertEquals("Mar 05 07:08:09 mail postfix/master[" + PID + "]: to postlog", postlogd.receiveText());
            assertEquals("Mar 05 07:08:09 mail postfix-b/master[" + PID + "]: to postlog2", renamed.receiveText());
            assertEquals("<30>Mar  5 07:08:09 postfix/master[" + PID + "]: back", syslogd.receiveText());
            assertNull(syslogd.poll());
            assertNull(postlogd.poll());
            assertNull(renamed.poll());
        }
    }

    /** An unknown syslog_facility logs with mail, as the warning says. */
    @Test
    void anUnknownFacilityIsMail() throws IOException {
        try (DatagramReceiver syslogd = DatagramReceiver.bind(devLog)) {
            mailLog(settings("syslog_facility", "mial")).publish(record(Level.INFO, "x"));
            assertEquals("<22>Mar  5 07:08:09 postfix/master[" + PID + "]: x", syslogd.receiveText());
        }
    }

    /** After close nothing is sent, and nothing is thrown. */
    @Test
    void closedSendsNothing() throws IOException {
        try (DatagramReceiver syslogd = DatagramReceiver.bind(devLog)) {
            MailLog log = mailLog(settings());
            log.close();
            log.publish(record(Level.SEVERE, "late"));
            assertNull(syslogd.poll());
        }
    }
}
