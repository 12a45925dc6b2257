package org.jmaster.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Linux wait status words, as the kernel encodes them. */
class ExitStatusTest {

    @Test
    void decodesExitKillAndStop() {
        assertEquals(ExitStatus.exited(0), ExitStatus.fromWaitStatus(0));
        assertTrue(ExitStatus.fromWaitStatus(0).isNormal());
        assertEquals(ExitStatus.exited(3), ExitStatus.fromWaitStatus(3 << 8));
        assertEquals(ExitStatus.killed(15), ExitStatus.fromWaitStatus(15));
        assertEquals(ExitStatus.killed(6), ExitStatus.fromWaitStatus(6 | 0x80), "core dumped");
        assertEquals(ExitStatus.stopped(19), ExitStatus.fromWaitStatus((19 << 8) | 0x7f));
        assertEquals("killed by signal 9", ExitStatus.killed(9).toString());
        assertEquals("exit status 1", ExitStatus.exited(1).toString());
    }

    @Test
    void continuedIsNotAnEnd() {
        assertThrows(IllegalArgumentException.class, () -> ExitStatus.fromWaitStatus(0xffff));
    }
}
