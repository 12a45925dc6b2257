package org.jmaster.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    /** Threads logging while others rotate: every record is kept once, in order per thread. */
    @Test
    void concurrentRecordsSurviveRotationsWholeAndOnce() throws Exception {
        Path file = dir.resolve("jmaster.log");
        LogFile handler = new LogFile(file, 20_000, 500);
        int threads = 4;
        int each = 2_000;
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int writer = t;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    LogRecord record = new LogRecord(Level.INFO, "record " + writer + "-" + i + " " + "y".repeat(60));
                    record.setLoggerName("test");
                    handler.publish(record);
                }
            });
            thread.start();
            writers.add(thread);
        }
        for (Thread writer : writers) {
            writer.join();
        }
        handler.close();
        StringBuilder all = new StringBuilder();
        for (int n = 500; n >= 1; n--) {
            Path copy = dir.resolve("jmaster.log." + n);
            if (Files.exists(copy)) {
                all.append(Files.readString(copy));
            }
        }
        all.append(Files.readString(file));
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            assertTrue(Files.exists(dir.resolve("jmaster.log.10")), "rotated many times: " + files.map(f -> f.getFileName()
                    + " " + f.toFile().length()).toList());
        }
        int[] next = new int[threads];
        for (String line : all.toString().lines().filter(l -> l.contains("record ")).toList()) {
            String[] id = line.replaceAll(".*record (\\d+)-(\\d+) .*", "$1 $2").split(" ");
            int writer = Integer.parseInt(id[0]);
            assertEquals(next[writer], Integer.parseInt(id[1]), "writer " + writer + "'s records in order, none lost");
            next[writer]++;
        }
        for (int t = 0; t < threads; t++) {
            assertEquals(each, next[t], "writer " + t);
        }
    }
}
