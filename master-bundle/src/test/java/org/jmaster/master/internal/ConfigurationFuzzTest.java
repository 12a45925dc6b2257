package org.jmaster.master.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.postfix.MasterCfSyntax;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Bad input, fuzzed: random master.cf text and random service configurations never make the
 * readers throw anything but their refusal, and every refusal names its line or its key.
 */
class ConfigurationFuzzTest {
    private static final String COLUMN = "\"(" + String.join("|", MasterCfSyntax.COLUMNS) + ")\"";
    private static final Pattern NAMED = Pattern.compile("(field " + COLUMN + ".*|missing " + COLUMN + " field"
            + "|inet service cannot be private|continuation line without a service line before it)");
    private static final AtomicLong LINES = new AtomicLong();
    private static final AtomicLong BAD_LINES = new AtomicLong();
    private static final AtomicLong CONFIGURATIONS = new AtomicLong();
    private static final AtomicLong REFUSED = new AtomicLong();

    @AfterAll
    static void figures() {
        System.out.printf("FIGURES 5a. configuration fuzz: %d random master.cf lines, %d refused by line;"
                + " %d random service configurations, %d refused by key%n", LINES.get(), BAD_LINES.get(),
                CONFIGURATIONS.get(), REFUSED.get());
    }

    static Gen<String> words() {
        return Generate.oneOf(
                Generate.pick(List.of("smtp", "inet", "unix", "unix-dgram", "fifo", "pass", "tcp", "-", "y", "n", "x",
                        "0", "1", "100", "60?", "0?", "?", "-1", "99999999999", "smtpd", "{", "}", "{ a = b }", "-o",
                        "#", "127.0.0.1:25", "[::1]:25", "../x", "a/b", "\u00e9t\u00e9", "\t", "=", "$x")),
                strings().betweenCodePoints(' ', '~').ofLengthBetween(0, 12));
    }

    static Gen<String> lines() {
        Gen<String> line = lists().of(words()).ofSizeBetween(0, 12).map(w -> String.join(" ", w));
        Gen<String> prefix = Generate.pick(List.of("", "", "", " ", "\t", "#"));
        return prefix.zip(line, (p, l) -> p + l);
    }

    /** master.cf: any text reads into valid entries and errors that name the file and line. */
    @Test
    void masterCfNeverThrowsAndNamesEveryBadLine() {
        qt().withExamples(1000).forAll(lists().of(lines()).ofSizeBetween(0, 30)).checkAssert(lines -> {
            try {
                readsAndNamesEveryBadLine(lines);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static void readsAndNamesEveryBadLine(List<String> lines) throws IOException {
        Path file = Files.createTempFile("master", ".cf");
        try {
            Files.writeString(file, String.join("\n", lines) + "\n");
            MasterCf.Result result = MasterCf.read(file, MasterSettings.parse(Map.of("master_service_disable", "fifo")));
            LINES.addAndGet(lines.size());
            BAD_LINES.addAndGet(result.errors().size());
            for (String error : result.errors()) {
                assertTrue(error.startsWith(file + ": line "), error);
                String what = error.substring(error.indexOf(": ", file.toString().length() + 2) + 2);
                assertTrue(NAMED.matcher(what).matches(), error);
            }
            for (MasterCf.Entry entry : result.entries()) {
                assertTrue(entry.origin().startsWith(file + ": line "));
            }
        } finally {
            Files.delete(file);
        }
    }

    /** ConfigAdmin: any property values, of any type, are accepted or refused with the key named. */
    @Test
    void serviceConfigurationsAreAcceptedOrRefusedByKey() {
        qt().withExamples(1000).forAll(properties()).checkAssert(properties -> {
            List<String> columns = ServiceConfiguration.columns(properties);
            CONFIGURATIONS.incrementAndGet();
            try {
                ServiceDefinition.fromColumns(columns, 100);
            } catch (IllegalArgumentException e) {
                REFUSED.incrementAndGet();
                assertTrue(NAMED.matcher(e.getMessage()).matches(), e.getMessage());
            }
        });
    }

    /** A column that properties() leaves as the valid configuration has it. */
    private static final Object KEPT = new Object();

    /** A valid configuration with some of its keys (about two) removed or given random values. */
    static Gen<Map<String, Object>> properties() {
        Map<String, Object> valid = Map.of("service", "127.0.0.1:10025", "type", "inet", "private", "n", "unpriv", "-",
                "chroot", "n", "wakeup", "0", "maxproc", "4", "command", "smtpd -o max_use=10");
        Gen<Object> value = Generate.oneOf(words().map(w -> (Object) w),
                integers().all().map(i -> (Object) i), Generate.constant((Object) Boolean.TRUE),
                lists().of(words()).ofSizeBetween(0, 4).map(l -> (Object) l.toArray(new String[0])));
        Gen<Object> change = Generate.frequency(Pair.of(10, Generate.constant(KEPT)),
                Pair.of(1, Generate.constant((Object) null)), Pair.of(3, value));
        return lists().of(change).ofSize(MasterCfSyntax.COLUMNS.size()).map(changes -> {
            Map<String, Object> map = new HashMap<>(valid);
            for (int i = 0; i < changes.size(); i++) {
                String key = MasterCfSyntax.COLUMNS.get(i);
                if (changes.get(i) == null) {
                    map.remove(key);
                } else if (changes.get(i) != KEPT) {
                    map.put(key, changes.get(i));
                }
            }
            return map;
        });
    }
}
