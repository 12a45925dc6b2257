package org.jmaster.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/** What an OSGi log entry becomes in java.util.logging. */
class LogBridgeTest {
    private static Bundle bundle(String symbolicName, long id) {
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getSymbolicName" -> symbolicName;
                    case "getBundleId" -> id;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static LogEntry entry(Bundle bundle, LogLevel level, String logger, String message, Throwable exception) {
        return entry(bundle, level, logger, message, exception, 1);
    }

    /** An entry of this sequence number, logged that many milliseconds after a fixed time. */
    private static LogEntry entry(Bundle bundle, LogLevel level, String logger, String message, Throwable exception,
            long sequence) {
        return new LogEntry() {
            @Override
            public Bundle getBundle() {
                return bundle;
            }

            @Override
            public ServiceReference<?> getServiceReference() {
                return null;
            }

            @Override
            @SuppressWarnings("deprecation")
            public int getLevel() {
                return level.ordinal();
            }

            @Override
            public String getMessage() {
                return message;
            }

            @Override
            public Throwable getException() {
                return exception;
            }

            @Override
            public long getTime() {
                return 1_700_000_000_000L + sequence - 1;
            }

            @Override
            public LogLevel getLogLevel() {
                return level;
            }

            @Override
            public String getLoggerName() {
                return logger;
            }

            @Override
            public long getSequence() {
                return sequence;
            }

            @Override
            public String getThreadInfo() {
                return "main";
            }

            @Override
            public StackTraceElement getLocation() {
                return null;
            }
        };
    }

    @Test
    void anScrErrorIsSevereUnderItsBundlesName() {
        IllegalStateException thrown = new IllegalStateException("broken on purpose");
        LogRecord record = LogBridge.record(entry(bundle("org.example.broken", 17), LogLevel.ERROR,
                "org.apache.felix.scr", "[org.example.Broken(3)] The activate method has thrown an exception", thrown));
        assertEquals(Level.SEVERE, record.getLevel());
        assertEquals("org.example.broken", record.getLoggerName());
        assertEquals(Instant.ofEpochMilli(1_700_000_000_000L), record.getInstant());
        assertSame(thrown, record.getThrown());
        String line = new SimpleFormatter() {
            @Override
            public String format(LogRecord r) {
                return String.format("%4$s %3$s: %5$s", r.getInstant(), "", r.getLoggerName(), r.getLevel().getName(),
                        formatMessage(r));
            }
        }.format(record);
        assertEquals("SEVERE org.example.broken: [org.example.Broken(3)] The activate method has thrown an exception", line);
    }

    @Test
    void levelsAndBundlesWithoutAName() {
        assertEquals(Level.WARNING, LogBridge.level(entry(null, LogLevel.WARN, "x", "m", null)));
        assertEquals(Level.INFO, LogBridge.level(entry(null, LogLevel.AUDIT, "x", "m", null)));
        assertEquals(Level.INFO, LogBridge.level(entry(null, LogLevel.INFO, "x", "m", null)));
        assertEquals(Level.FINE, LogBridge.level(entry(null, LogLevel.DEBUG, "x", "m", null)));
        assertEquals(Level.FINER, LogBridge.level(entry(null, LogLevel.TRACE, "x", "m", null)));
        assertEquals("bundle 4", LogBridge.bundleName(bundle(null, 4)));
        assertEquals("framework", LogBridge.bundleName(null));
    }

    /**
     * A reader found: its history is logged, then what its listener got while the history was read,
     * each entry once and in order, although the listener and the history both had one of them.
     */
    @Test
    void theHistoryAndWhatCameMeanwhileEachOnce() throws Exception {
        Bundle b = bundle("org.example.replay", 9);
        LogEntry first = entry(b, LogLevel.WARN, "x", "first", null, 1);
        LogEntry second = entry(b, LogLevel.WARN, "x", "second", null, 2);
        LogEntry third = entry(b, LogLevel.WARN, "x", "third", null, 3);
        LogBridge bridge = new LogBridge();
        List<LogListener> listeners = new ArrayList<>();
        LogReaderService reader = (LogReaderService) Proxy.newProxyInstance(LogReaderService.class.getClassLoader(),
                new Class<?>[] {LogReaderService.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "addLogListener" -> listeners.add((LogListener) args[0]);
                    case "getLog" -> {
                        // while the history is read: "second" reaches the listener too, then "third", which is new
                        listeners.forEach(l -> l.logged(second));
                        listeners.forEach(l -> l.logged(third));
                        yield Collections.enumeration(List.of(second, first)); // most recent first
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        BundleContext context = (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getDataFile", "getServiceReferences", "addServiceListener", "removeServiceListener" -> null;
                    case "createFilter" -> FrameworkUtil.createFilter((String) args[0]);
                    case "getService" -> reader;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        List<String> logged = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLoggerName().equals("org.example.replay")) {
                    logged.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger bridged = Logger.getLogger(LogBridge.LOGGER);
        bridged.addHandler(handler);
        try {
            bridge.start(context);
            bridge.addingService(null);
            assertEquals(List.of("first", "second", "third"), logged);
            listeners.forEach(l -> l.logged(entry(b, LogLevel.WARN, "x", "fourth", null, 4)));
            assertEquals(List.of("first", "second", "third", "fourth"), logged, "after the replay, each as it comes");
        } finally {
            bridge.stop(context);
            bridged.removeHandler(handler);
        }
    }

    @Test
    void aMessageCannotForgeALogLine() {
        LogRecord record = LogBridge.record(entry(bundle("org.example", 5), LogLevel.INFO, "x",
                "bad config\n2026-12-02 10:00:00 INFO org.jmaster.master: daemon started -- \u001b[2J\\", null));
        assertEquals("bad config\\u000a2026-12-02 10:00:00 INFO org.jmaster.master: daemon started -- \\u001b[2J\\\\",
                record.getMessage());
    }
}
