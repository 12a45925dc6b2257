package org.jmaster.log.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jmaster.api.jmx.AuditLog;
import org.osgi.annotation.bundle.Header;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * NAME
 *     LogBridge - the OSGi log sent on to java.util.logging, each entry under its bundle's name
 * SYNOPSIS
 *     the bundle's activator; LogRecord record(LogEntry) for what it makes of one entry
 * DESCRIPTION
 *     org.apache.felix.log keeps the OSGi log in memory (LogReaderService): what SCR logs about
 *     a component that fails (through the OSGi Logger of the component's bundle), the
 *     framework's error events and every bundle's LogService entries would never reach
 *     log/jmaster.log. This bundle adds a LogListener to every LogReaderService and logs each
 *     entry again through java.util.logging: the JUL logger "org.osgi.service.log." + the
 *     entry's logger name (so conf/logging.properties sets levels: the framework's events are
 *     "Events.Bundle", "Events.Service", "Events.Framework"), the record named after the
 *     entry's bundle (its symbolic name, "bundle <id>" without one), so that the log line
 *     names the bundle, with the entry's time, message and exception. ERROR is SEVERE, WARN
 *     WARNING, INFO and AUDIT INFO, DEBUG FINE, TRACE FINER.
 *
 *     At start it first logs the entries the reader kept from before it listened (the
 *     framework starts bundles in no order it promises, SCR's first errors may come first),
 *     those newer than the last one it logged in an earlier run of this bundle (kept in the
 *     bundle's data area), so that an update of this bundle repeats nothing; what the listener
 *     gets while that history is read waits, and is logged after it unless the history had it
 *     (the entries' sequence numbers tell), so that nothing is logged twice or lost. Control
 *     characters of a message, line breaks included, are escaped: one entry, one line.
 *
 *     Caution: under Karaf pax-logging is the OSGi log and already writes it where log:tail
 *     reads; this bundle belongs to the Felix distribution only.
 * SEE ALSO
 *     org.jmaster.launcher.LogFile, the handler that writes log/jmaster.log.
 */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public final class LogBridge implements BundleActivator, LogListener,
        ServiceTrackerCustomizer<LogReaderService, LogReaderService> {
    /** The JUL logger every entry goes through, followed by the entry's own logger name. */
    static final String LOGGER = "org.osgi.service.log";
    private BundleContext context;
    private ServiceTracker<LogReaderService, LogReaderService> readers;
    private volatile long last;
    /** While a reader's history is logged, the entries its listener gets meanwhile; else null. */
    private List<LogEntry> replaying;

    @Override
    public void start(BundleContext context) {
        this.context = context;
        last = lastLogged(context.getDataFile("last"));
        readers = new ServiceTracker<>(context, LogReaderService.class, this);
        readers.open();
    }

    @Override
    public void stop(BundleContext context) {
        readers.close();
        File data = context.getDataFile("last");
        if (data != null) {
            try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(data.toPath()))) {
                out.writeLong(last);
            } catch (IOException e) {
                Logger.getLogger(LOGGER).warning("cannot keep the time of the last OSGi log entry: " + e);
            }
        }
    }

    @Override
    public LogReaderService addingService(ServiceReference<LogReaderService> reference) {
        LogReaderService reader = context.getService(reference);
        if (reader == null) {
            return null;
        }
        synchronized (this) {
            replaying = new ArrayList<>();
        }
        reader.addLogListener(this); // from now on nothing is missed: what comes meanwhile waits in replaying
        List<LogEntry> earlier = new ArrayList<>();
        long since = last;
        for (Enumeration<LogEntry> log = reader.getLog(); log.hasMoreElements();) {
            LogEntry entry = log.nextElement();
            if (entry.getTime() > since) {
                earlier.add(entry); // most recent first, as getLog gives them
            }
        }
        Collections.reverse(earlier);
        synchronized (this) {
            earlier.forEach(this::log);
            // what the listener got while the history was read, less what the history had too
            long replayed = earlier.isEmpty() ? -1 : earlier.get(earlier.size() - 1).getSequence();
            replaying.stream().filter(entry -> entry.getSequence() > replayed).forEach(this::log);
            replaying = null;
        }
        return reader;
    }

    @Override
    public void modifiedService(ServiceReference<LogReaderService> reference, LogReaderService reader) {
    }

    @Override
    public void removedService(ServiceReference<LogReaderService> reference, LogReaderService reader) {
        reader.removeLogListener(this);
        context.ungetService(reference);
    }

    @Override
    public synchronized void logged(LogEntry entry) {
        if (replaying != null) {
            replaying.add(entry);
        } else {
            log(entry);
        }
    }

    private void log(LogEntry entry) {
        last = Math.max(last, entry.getTime());
        Logger logger = Logger.getLogger(LOGGER + "." + entry.getLoggerName());
        LogRecord record = record(entry);
        if (logger.isLoggable(record.getLevel())) {
            logger.log(record);
        }
    }

    /** The JUL record of an OSGi log entry: its bundle as the logger name, its time, level, message, exception. */
    static LogRecord record(LogEntry entry) {
        LogRecord record = new LogRecord(level(entry), printable(entry.getMessage()));
        record.setLoggerName(bundleName(entry.getBundle()));
        record.setInstant(Instant.ofEpochMilli(entry.getTime()));
        record.setThrown(entry.getException());
        record.setSourceClassName(entry.getLoggerName());
        record.setSourceMethodName(null);
        return record;
    }

    /**
     * The message escaped as the audit lines are (AuditLog.printable): no entry can forge a line of
     * log/jmaster.log (bin/jmaster start reads it for the master's "daemon started"), nor hide in
     * one.
     */
    static String printable(String message) {
        return message == null ? null : AuditLog.printable(message);
    }

    static Level level(LogEntry entry) {
        switch (entry.getLogLevel()) {
            case ERROR:
                return Level.SEVERE;
            case WARN:
                return Level.WARNING;
            case DEBUG:
                return Level.FINE;
            case TRACE:
                return Level.FINER;
            default:
                return Level.INFO; // INFO, AUDIT
        }
    }

    /** The bundle's symbolic name, "bundle <id>" when it has none, "framework" when the entry names none. */
    static String bundleName(Bundle bundle) {
        if (bundle == null) {
            return "framework";
        }
        String name = bundle.getSymbolicName();
        return name != null ? name : "bundle " + bundle.getBundleId();
    }

    private static long lastLogged(File data) {
        if (data == null || !data.isFile()) {
            return 0;
        }
        try (DataInputStream in = new DataInputStream(Files.newInputStream(data.toPath()))) {
            return in.readLong();
        } catch (IOException e) {
            return 0;
        }
    }
}
