package org.jmaster.api.postfix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Postfix's conv_time: a number, one optional unit, a number below INT_MAX / unit (conv_time.c). */
class TimeValueTest {
    /** The cases the master's settings and the child's options share: text, then seconds or -1 for bad. */
    static final Map<String, Long> CASES = new LinkedHashMap<>();

    static {
        CASES.put("0", 0L);
        CASES.put("60", 60L);
        CASES.put("60s", 60L);
        CASES.put("1m", 60L);
        CASES.put("2h", 7200L);
        CASES.put("3d", 259_200L);
        CASES.put("1w", 604_800L);
        CASES.put(" 5s ", 5L);
        CASES.put("2147483647", 2_147_483_647L);
        CASES.put("2147483648", -1L);
        CASES.put("3549w", 2_146_435_200L);
        CASES.put("3550w", -1L);
        CASES.put("99999999999", -1L);
        CASES.put("", -1L);
        CASES.put("s", -1L);
        CASES.put("5x", -1L);
        CASES.put("-5", -1L);
        CASES.put("5ss", -1L);
        CASES.put("1.5h", -1L);
        CASES.put("5 s", -1L);
    }

    @Test
    void postfixTimeValues() {
        CASES.forEach((text, seconds) -> assertEquals(seconds < 0 ? OptionalLong.empty() : OptionalLong.of(seconds),
                TimeValue.seconds(text), "\"" + text + "\""));
    }
}
