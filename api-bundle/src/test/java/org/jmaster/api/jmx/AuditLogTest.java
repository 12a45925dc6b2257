package org.jmaster.api.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The audit's escaping: what a caller sends stays on one line, and an escape cannot be faked. */
class AuditLogTest {
    @Test
    void controlCharactersAndBackslashesAreEscaped() {
        assertEquals("smtp/inet", AuditLog.printable("smtp/inet"));
        assertEquals("a\\u000aINFO forged\\u000d\\u0009", AuditLog.printable("a\nINFO forged\r\t"));
        assertEquals("x\\u000ajmaster: forged \\\\ \\u001b[2J", AuditLog.printable("x\njmaster: forged \\ \u001b[2J"));
        assertEquals("\\\\u000a is typed, not a line break", AuditLog.printable("\\u000a is typed, not a line break"));
        assertEquals("\\u2028\\u2029\\u007f\\u0085 é", AuditLog.printable("\u2028\u2029\u007f\u0085 é"));
    }
}
