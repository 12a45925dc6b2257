package org.jmaster.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log file rotated by size, in place, so that another writer's descriptor keeps writing into it. */
class LogFileTest {
    @TempDir
    Path dir;

    private static LogRecord record(int i) {
        LogRecord record = new LogRecord(Level.INFO, "line " + i + " " + "x".repeat(80));
        record.setLoggerName("test");
        return record;
    }

    @Test
    void rotatesAtTheLimitKeepingCountCopiesAndLosingNoRecord() throws Exception {
        Path file = dir.resolve("jmaster.log");
        LogFile handler = new LogFile(file, 1000, 2);
        for (int i = 0; i < 30; i++) {
            handler.publish(record(i));
        }
        handler.close();
        assertTrue(Files.exists(dir.resolve("jmaster.log.1")));
        assertTrue(Files.exists(dir.resolve("jmaster.log.2")));
        assertFalse(Files.exists(dir.resolve("jmaster.log.3")));
        assertTrue(Files.size(file) < 1000);
        String kept = Files.readString(dir.resolve("jmaster.log.2")) + Files.readString(dir.resolve("jmaster.log.1"))
                + Files.readString(file);
        String last = kept.lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.contains("line 29 "), last);
        long lines = kept.lines().filter(l -> l.contains(" line ")).count();
        int first = Integer.parseInt(kept.lines().filter(l -> l.contains(" line ")).findFirst().orElseThrow()
                .replaceAll(".* line (\\d+) .*", "$1"));
        assertEquals(30 - first, lines, "from the oldest kept on, none missing:\n" + kept);
    }

    @Test
    void anotherAppendingWriterGoesOnWritingIntoTheFileAfterARotation() throws Exception {
        Path file = dir.resolve("jmaster.log");
        try (FileOutputStream stderr = new FileOutputStream(file.toFile(), true)) { // as the shell's >>
            stderr.write("early\n".getBytes(StandardCharsets.UTF_8));
            LogFile handler = new LogFile(file, 500, 5);
            for (int i = 0; i < 10; i++) {
                handler.publish(record(i));
            }
            stderr.write("late\n".getBytes(StandardCharsets.UTF_8));
            handler.close();
        }
        assertTrue(Files.readString(dir.resolve("jmaster.log.1")).length() >= 500);
        String current = Files.readString(file);
        assertTrue(current.endsWith("late\n"), current);
        assertFalse(current.contains("\0"), "no hole where the file was emptied");
    }
}
