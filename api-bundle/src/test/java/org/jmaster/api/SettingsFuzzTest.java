package org.jmaster.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/** org.jmaster.master values, fuzzed: accepted, or refused with the key and the value named. */
class SettingsFuzzTest {
    private static final List<String> KEYS = List.of("queue_directory", "config_directory", "daemon_directory",
            "default_process_limit", "service_throttle_time", "import_environment", "inet_interfaces", "inet_protocols",
            "stop_timeout", "master_cf", "master_service_disable");
    private static final AtomicLong TRIED = new AtomicLong();
    private static final AtomicLong REFUSED = new AtomicLong();

    @AfterContainer
    static void figures() {
        System.out.printf("FIGURES 5a. settings fuzz: %d random org.jmaster.master configurations, %d refused by key%n",
                TRIED.get(), REFUSED.get());
    }

    @Provide
    Arbitrary<Map<String, Object>> settings() {
        Arbitrary<Object> value = Arbitraries.oneOf(
                Arbitraries.of("", "-", "0", "1", "100", "60s", "1m", "2h", "3d", "1w", "5x", "s", "-5", "all", "ipv4",
                        "ipv6", "ipv4, ipv6", "loopback-only", "/tmp", "LANG=C TZ").map(v -> (Object) v),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(10).map(v -> (Object) v),
                Arbitraries.integers().map(v -> (Object) v));
        return Arbitraries.subsetOf(KEYS).flatMap(keys -> value.list().ofSize(keys.size()).map(values -> {
            Map<String, Object> map = new HashMap<>();
            int i = 0;
            for (String key : keys) {
                map.put(key, values.get(i++));
            }
            return map;
        }));
    }

    @Property(tries = 1000)
    void everyValueIsAcceptedOrRefusedByKey(@ForAll("settings") Map<String, Object> properties) {
        TRIED.incrementAndGet();
        try {
            MasterSettings.parse(properties);
        } catch (IllegalArgumentException e) {
            REFUSED.incrementAndGet();
            assertTrue(e.getMessage().matches("key \"[a-z_]+\": bad value: \".*\""), e.getMessage());
            String key = e.getMessage().substring(5, e.getMessage().indexOf('"', 5));
            assertTrue(properties.containsKey(key), e.getMessage());
        }
    }
}
