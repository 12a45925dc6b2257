package org.jmaster.api.postfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** master.cf lines, columns, command words and column values. */
class MasterCfSyntaxTest {

    @Test
    void logicalLinesJoinContinuationsAndSkipComments() {
        List<String> errors = new ArrayList<>();
        List<MasterCfSyntax.Line> lines = MasterCfSyntax.logicalLines(List.of("  -o orphan=1", "# comment", "",
                "smtp inet n - y - - smtpd", "  -o a=b", "#  -o c=d", "   \t", "  -o e=f", "pickup unix n - y 60 1 pickup"),
                errors::add);
        assertEquals(List.of(new MasterCfSyntax.Line(4, "smtp inet n - y - - smtpd -o a=b -o e=f"),
                new MasterCfSyntax.Line(9, "pickup unix n - y 60 1 pickup")), lines);
        assertEquals(List.of("line 1: continuation line without a service line before it"), errors);
    }

    @Test
    void sevenFieldsThenTheCommand() {
        assertEquals(List.of("smtp", "inet", "n", "-", "y", "-", "-", "smtpd -o { a = b }"),
                MasterCfSyntax.columns("  smtp\tinet  n - y - -   smtpd -o { a = b } "));
        assertEquals(List.of("short", "unix", "", "", "", "", "", ""), MasterCfSyntax.columns("short unix"));
    }

    @Test
    void joinCommandIsTheInverseOfSplitCommand() {
        List<String> words = List.of("spawn", "-o", "a = b c", "", "user=nobody", "{x}");
        assertEquals("spawn -o { a = b c } {  } user=nobody { {x} }", MasterCfSyntax.joinCommand(words));
        assertEquals(words, MasterCfSyntax.splitCommand(MasterCfSyntax.joinCommand(words)));
    }

    @Test
    void columnValues() {
        assertEquals(true, MasterCfSyntax.flag("private", "-", true));
        assertEquals(false, MasterCfSyntax.flag("private", " n ", true));
        assertEquals(7, MasterCfSyntax.number("maxproc", "-", 7, "-"));
        assertEquals(2147483647, MasterCfSyntax.number("maxproc", "2147483647", 7, "2147483647"));
        assertEquals("field \"chroot\": bad value: \"yes\"",
                assertThrows(IllegalArgumentException.class, () -> MasterCfSyntax.flag("chroot", "yes", false))
                        .getMessage());
        assertEquals("field \"wakeup\": bad value: \"2147483648?\"", assertThrows(IllegalArgumentException.class,
                () -> MasterCfSyntax.number("wakeup", "2147483648", 0, "2147483648?")).getMessage());
    }
}
