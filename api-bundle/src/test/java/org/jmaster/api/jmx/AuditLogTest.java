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
        // what would reorder or hide text on a screen: bidirectional overrides, zero-width characters, a lone surrogate
        assertEquals("smtp\\u202e\\u2066\\u200b\\ufeff\\ud800x", AuditLog.printable("smtp\u202e\u2066\u200b\ufeff\ud800x"));
        assertEquals("mail \ud83d\udce8", AuditLog.printable("mail \ud83d\udce8"), "a surrogate pair is one character, kept");
        assertEquals("x\\udb40\\udc01", AuditLog.printable("x\udb40\udc01"), "but not a tag character (U+E0001)");
    }
}
