package org.jmaster.master.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jmaster.api.MasterSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** master.cf syntax (spec section 6.1): logical lines, comments, groups, errors by file and line. */
class MasterCfTest {
    @TempDir
    Path dir;

    private MasterCf.Result read(String text, String... disabled) throws Exception {
        Path file = dir.resolve("master.cf");
        Files.writeString(file, text);
        return MasterCf.read(file, MasterSettings.parse(Map.of("master_service_disable", String.join(" ", disabled))));
    }

    @Test
    void logicalLinesCommentsAndGroups() throws Exception {
        MasterCf.Result r = read("# a comment\n"
                + "\n"
                + "smtp      inet  n       -       y       -       -       smtpd\n"
                + "  -o smtpd_tls_security_level=encrypt\n"
                + "#  -o commented_out=yes\n"
                + "  -o { smtpd_banner = $myhostname long form }\n"
                + "pickup    unix  n       -       y       60      1       pickup\n");
        assertEquals(List.of(), r.errors());
        assertEquals(2, r.entries().size());
        assertEquals(dir.resolve("master.cf") + ": line 3", r.entries().get(0).origin());
        assertEquals(List.of("smtp", "inet", "n", "-", "y", "-", "-",
                "smtpd -o smtpd_tls_security_level=encrypt -o { smtpd_banner = $myhostname long form }"),
                r.entries().get(0).columns());
        assertEquals(dir.resolve("master.cf") + ": line 7", r.entries().get(1).origin());
    }

    @Test
    void badLinesAreRefusedByFileAndLineAndTheRestIsRead() throws Exception {
        MasterCf.Result r = read("smtp inet y - - - - smtpd\n"
                + "ok unix - - - - - ok\n"
                + "bad unix x - - - - bad\n"
                + "short unix - -\n"
                + "  continued\n"
                + "worse unix - - - - -1 w\n");
        Path f = dir.resolve("master.cf");
        assertEquals(List.of(f + ": line 1: inet service cannot be private",
                f + ": line 3: field \"private\": bad value: \"x\"",
                f + ": line 4: missing \"wakeup\" field",
                f + ": line 6: field \"maxproc\": bad value: \"-1\""), r.errors());
        assertEquals(1, r.entries().size());
        assertEquals("ok", r.entries().get(0).columns().get(0));
    }

    @Test
    void continuationWithoutAServiceLineIsAnError() throws Exception {
        MasterCf.Result r = read("   -o orphan=yes\nok unix - - - - - ok\n");
        assertEquals(List.of(dir.resolve("master.cf") + ": line 1: continuation line without a service line before it"),
                r.errors());
        assertEquals(1, r.entries().size());
    }

    @Test
    void masterServiceDisableMatchesTypeOrNameAndType() throws Exception {
        String text = "smtp inet n - - - - smtpd\n"
                + "submission inet n - - - - smtpd\n"
                + "cleanup unix n - - - 0 cleanup\n"
                + "postlog unix-dgram n - n - 1 postlogd\n";
        assertEquals(List.of("cleanup", "postlog"), names(read(text, "inet")));
        assertEquals(List.of("submission", "cleanup", "postlog"), names(read(text, "smtp/inet")));
        assertEquals(List.of("smtp", "submission", "cleanup"), names(read(text, "postlog/unix-dgram")));
    }

    @Test
    void masterServiceDisableNegationCaseAndLegacyNames() throws Exception {
        String text = "smtp inet n - - - - smtpd\n"
                + "submission inet n - - - - smtpd\n"
                + "cleanup unix n - - - 0 cleanup\n";
        // the first pattern that matches decides: submission is spared, the other inet services are not
        assertEquals(List.of("submission", "cleanup"), names(read(text, "!submission/inet", "INET")));
        assertEquals(List.of("smtp", "submission"), names(read(text, "Cleanup.Unix")));
        assertEquals(List.of("smtp", "submission", "cleanup"), names(read(text, "!inet", "inet")));
    }

    @Test
    void aLatin1CommentIsReadAsPostfixReadsIt() throws Exception {
        Path file = dir.resolve("master.cf");
        byte[] comment = "# Gr\u00fc\u00dfe aus M\u00fcnchen\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.write(file, comment);
        Files.write(file, "smtp inet n - - - - smtpd -o x=caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                java.nio.file.StandardOpenOption.APPEND);
        MasterCf.Result r = MasterCf.read(file, MasterSettings.defaults());
        assertEquals(List.of(), r.errors());
        assertEquals("smtpd -o x=caf\u00e9", r.entries().get(0).columns().get(7));
    }

    private static List<String> names(MasterCf.Result r) {
        return r.entries().stream().map(e -> e.columns().get(0)).collect(java.util.stream.Collectors.toList());
    }
}
