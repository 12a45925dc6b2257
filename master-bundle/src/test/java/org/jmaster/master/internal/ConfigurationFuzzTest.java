package org.jmaster.master.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import org.jmaster.api.ServiceDefinition;

/**
 * Bad input, fuzzed: random master.cf text and random service configurations never make the
 * readers throw anything but their refusal, and every refusal names its line or its key.
 */
class ConfigurationFuzzTest {
    private static final Pattern NAMED = Pattern.compile(
            "(field \"(service|type|private|unpriv|chroot|wakeup|maxproc|command)\".*"
                    + "|missing \"(service|type|private|unpriv|chroot|wakeup|maxproc|command)\" field"
                    + "|inet service cannot be private|continuation line without a service line before it)");
    private static final String[] KEYS = {"service", "type", "private", "unpriv", "chroot", "wakeup", "maxproc", "command"};
    private static final AtomicLong LINES = new AtomicLong();
    private static final AtomicLong BAD_LINES = new AtomicLong();
    private static final AtomicLong CONFIGURATIONS = new AtomicLong();
    private static final AtomicLong REFUSED = new AtomicLong();

    @AfterContainer
    static void figures() {
        System.out.printf("FIGURES 5a. configuration fuzz: %d random master.cf lines, %d refused by line;"
                + " %d random service configurations, %d refused by key%n", LINES.get(), BAD_LINES.get(),
                CONFIGURATIONS.get(), REFUSED.get());
    }

    @Provide
    Arbitrary<String> words() {
        return Arbitraries.oneOf(
                Arbitraries.of("smtp", "inet", "unix", "unix-dgram", "fifo", "pass", "tcp", "-", "y", "n", "x", "0",
                        "1", "100", "60?", "0?", "?", "-1", "99999999999", "smtpd", "{", "}", "{ a = b }", "-o", "#",
                        "127.0.0.1:25", "[::1]:25", "../x", "a/b", "\u00e9t\u00e9", "\t", "=", "$x"),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(12));
    }

    @Provide
    Arbitrary<String> lines() {
        Arbitrary<String> line = words().list().ofMaxSize(12).map(w -> String.join(" ", w));
        Arbitrary<String> prefix = Arbitraries.of("", "", "", " ", "\t", "#");
        return net.jqwik.api.Combinators.combine(prefix, line).as((p, l) -> p + l);
    }

    /** master.cf: any text reads into valid entries and errors that name the file and line. */
    @Property(tries = 1000)
    void masterCfNeverThrowsAndNamesEveryBadLine(@ForAll @Size(max = 30) List<@net.jqwik.api.From("lines") String> lines)
            throws Exception {
        Path file = Files.createTempFile("master", ".cf");
        try {
            Files.writeString(file, String.join("\n", lines) + "\n");
            MasterCf.Result result = MasterCf.read(file, List.of("fifo"), 100);
            LINES.addAndGet(lines.size());
            BAD_LINES.addAndGet(result.errors.size());
            for (String error : result.errors) {
                assertTrue(error.startsWith(file + ": line "), error);
                String what = error.substring(error.indexOf(": ", file.toString().length() + 2) + 2);
                assertTrue(NAMED.matcher(what).matches() || what.startsWith("field \"command\""), error);
            }
            for (MasterCf.Entry entry : result.entries) {
                ServiceDefinition.fromColumns(entry.columns, 100);
                assertTrue(entry.origin.startsWith(file + ": line "));
            }
        } finally {
            Files.delete(file);
        }
    }

    /** ConfigAdmin: any property values, of any type, are accepted or refused with the key named. */
    @Property(tries = 1000)
    void serviceConfigurationsAreAcceptedOrRefusedByKey(@ForAll("properties") Map<String, Object> properties) {
        List<String> columns = ServiceConfiguration.columns(properties);
        CONFIGURATIONS.incrementAndGet();
        try {
            ServiceDefinition.fromColumns(columns, 100);
        } catch (IllegalArgumentException e) {
            REFUSED.incrementAndGet();
            assertTrue(NAMED.matcher(e.getMessage()).matches() || e.getMessage().startsWith("field \"command\""),
                    e.getMessage());
        }
    }

    /** A valid configuration with a random subset of its keys removed or given random values. */
    @Provide
    Arbitrary<Map<String, Object>> properties() {
        Map<String, Object> valid = Map.of("service", "127.0.0.1:10025", "type", "inet", "private", "n", "unpriv", "-",
                "chroot", "n", "wakeup", "0", "maxproc", "4", "command", "smtpd -o max_use=10");
        Arbitrary<Object> value = Arbitraries.oneOf(words().map(w -> (Object) w),
                Arbitraries.integers().map(i -> (Object) i), Arbitraries.just((Object) Boolean.TRUE),
                words().list().ofMaxSize(4).map(l -> (Object) l.toArray(new String[0])));
        Arbitrary<Object> valueOrRemoved = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.just(null)), net.jqwik.api.Tuple.of(4, value));
        return Arbitraries.subsetOf(KEYS).ofMaxSize(3).flatMap(keys -> valueOrRemoved.list().ofSize(keys.size())
                .map(values -> {
                    Map<String, Object> map = new HashMap<>(valid);
                    int i = 0;
                    for (String key : keys) {
                        Object v = values.get(i++);
                        if (v == null) {
                            map.remove(key);
                        } else {
                            map.put(key, v);
                        }
                    }
                    return map;
                }));
    }
}
