package org.jmaster.api;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** org.jmaster.master values, fuzzed: accepted, or refused with the key and the value named. */
class SettingsFuzzTest {
    private static final List<String> KEYS = List.of("queue_directory", "config_directory", "daemon_directory",
            "default_process_limit", "service_throttle_time", "import_environment", "inet_interfaces", "inet_protocols",
            "stop_timeout", "master_cf", "master_service_disable", "data_directory", "compatibility_level", "strict_start",
            "master_cf_watch", "verbose", "debug", "child_stderr");
    private static final AtomicLong TRIED = new AtomicLong();
    private static final AtomicLong REFUSED = new AtomicLong();

    @AfterAll
    static void figures() {
        System.out.printf("FIGURES 5a. settings fuzz: %d random org.jmaster.master configurations, %d refused by key%n",
                TRIED.get(), REFUSED.get());
    }

    static Gen<Map<String, Object>> settings() {
        Gen<Object> value = Generate.oneOf(
                Generate.pick(List.of("", "-", "0", "1", "100", "60s", "1m", "2h", "3d", "1w", "5x", "s", "-5", "all",
                        "ipv4", "ipv6", "ipv4, ipv6", "loopback-only", "/tmp", "LANG=C TZ")).map(v -> (Object) v),
                strings().betweenCodePoints(' ', '~').ofLengthBetween(0, 10).map(v -> (Object) v),
                integers().all().map(v -> (Object) v));
        Gen<Object> valueOrAbsent = Generate.frequency(Pair.of(1, Generate.constant((Object) null)), Pair.of(1, value));
        return lists().of(valueOrAbsent).ofSize(KEYS.size()).map(values -> {
            Map<String, Object> map = new HashMap<>();
            for (int i = 0; i < KEYS.size(); i++) {
                if (values.get(i) != null) {
                    map.put(KEYS.get(i), values.get(i));
                }
            }
            return map;
        });
    }

    @Test
    void everyValueIsAcceptedOrRefusedByKey() {
        qt().withExamples(1000).forAll(settings()).checkAssert(properties -> {
            TRIED.incrementAndGet();
            try {
                MasterSettings.parse(properties);
            } catch (IllegalArgumentException e) {
                REFUSED.incrementAndGet();
                assertTrue(e.getMessage().matches("key \"[a-z_]+\": bad value: \".*\""), e.getMessage());
                String key = e.getMessage().substring(5, e.getMessage().indexOf('"', 5));
                assertTrue(properties.containsKey(key), e.getMessage());
            }
        });
    }
}
