package org.jmaster.shell.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The words of a Gogo command: --help, and a missing or extra argument in one line. */
class UsageTest {
    private final List<String> printed = new ArrayList<>();

    /** --help: the usage and what the command does, wherever it is among the words. */
    @Test
    void help() {
        assertTrue(Usage.help("throttle", new String[] {"--help"}, printed::add));
        assertTrue(Usage.help("resize", new String[] {"smtp/inet", "-h"}, printed::add));
        assertEquals("usage: jmaster:throttle <service> [seconds]\n  Suspends process creation of a service, for"
                + " service_throttle_time or the given seconds (at most a day); clients wait in the listen queue.", printed.get(0));
        assertTrue(printed.get(1).startsWith("usage: jmaster:resize <service> <n>\n  Sets the process limit"), printed.get(1));
    }

    @Test
    void argumentsCounted() {
        assertFalse(Usage.help("throttle", new String[] {"smtp"}, printed::add));
        assertFalse(Usage.help("throttle", new String[] {"smtp", "60"}, printed::add));
        assertEquals("jmaster:resize: missing <n> -- usage: jmaster:resize <service> <n>",
                refusal(() -> Usage.help("resize", new String[] {"smtp/inet"}, printed::add)));
        assertEquals("jmaster:cleanup: missing <service> -- usage: jmaster:cleanup <service>",
                refusal(() -> Usage.help("cleanup", new String[0], printed::add)));
        assertEquals("jmaster:services: too many arguments: x\\u000ay -- usage: jmaster:services",
                refusal(() -> Usage.help("services", new String[] {"x\ny"}, printed::add)));
        assertEquals(List.of(), printed);
    }

    private static String refusal(Runnable check) {
        return assertThrows(CommandException.class, check::run).getMessage();
    }
}
