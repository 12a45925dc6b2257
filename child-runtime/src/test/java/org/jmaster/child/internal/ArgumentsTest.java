package org.jmaster.child.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The master's argv as Postfix's getopt reads it. */
class ArgumentsTest {

    @Test
    void readsWhatTheMasterGives() {
        Arguments a = Arguments.parse(new String[] {"-l", "-n", "e", "-t", "inet", "-u", "-o", "stress=yes",
            "-s", "2", "-o", "max_use = 2", "-o", "max_idle=1m", "-o", "greeting=hi there", "word", "-x"}, "101");
        assertEquals("e", a.serviceName);
        assertEquals("inet", a.transport);
        assertEquals(2, a.listenCount);
        assertEquals(2, a.maxUse);
        assertEquals(60, a.maxIdleSeconds);
        assertTrue(a.stress);
        assertEquals(65, a.generation);
        assertEquals("hi there", a.parameters.get("greeting"));
    }

    /** -i and max_idle are Postfix time values, read as the master reads them (one reader, TimeValue). */
    @Test
    void idleTimesTakePostfixUnits() {
        assertEquals(7200, Arguments.parse(new String[] {"-t", "unix", "-i", "2h"}, null).maxIdleSeconds);
        assertEquals(30, Arguments.parse(new String[] {"-t", "unix", "-o", "max_idle = 30s"}, null).maxIdleSeconds);
        assertMessage("bad numerical configuration: max_idle = 5x", new String[] {"-t", "unix", "-o", "max_idle=5x"},
                null);
        assertMessage("bad numerical configuration: -i = 3550w", new String[] {"-t", "unix", "-i", "3550w"}, null);
    }

    @Test
    void defaultsAreThoseOfPostfix() {
        Arguments a = Arguments.parse(new String[] {"-t", "unix"}, null);
        assertEquals(100, a.maxUse);
        assertEquals(100, a.maxIdleSeconds);
        assertEquals(1, a.listenCount);
        assertEquals(0, a.generation);
    }

    @Test
    void startupErrorsUsePostfixsWords() {
        assertMessage("no transport type specified", new String[] {"-n", "x"}, null);
        assertMessage("unsupported transport type: bogus", new String[] {"-t", "bogus"}, null);
        assertMessage("invalid option: Q", new String[] {"-Q", "-t", "inet"}, null);
        assertMessage("bad generation: x9", new String[] {"-t", "inet"}, "x9");
    }

    private static void assertMessage(String message, String[] argv, String generation) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> Arguments.parse(argv, generation))
                .getMessage());
    }
}
