package org.jmaster.api.postfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jmaster.api.MasterSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** main.cf as Postfix reads it, checked against Postfix's own evaluator, postconf -c DIR -h -x. */
class MainCfTest {
    /** A main.cf that exercises the syntax: continuations, comments inside, every form of expansion, Latin-1. */
    private static final String MAIN_CF = String.join("\n",
            "# Gr\u00fc\u00dfe: a Latin-1 comment",
            "compatibility_level = 3.6",
            "top = /srv/mail",
            "queue_directory = $top/spool",
            "data_directory = ${top}/lib",
            "daemon_directory = $(shlib_directory)/sbin",
            "mail_owner = postfix",
            "default_process_limit =",
            "    250",
            "# a comment between a line and its continuation",
            "service_throttle_time = 30s",
            "master_service_disable = !submission/inet,",
            "   inet",
            "inet_interfaces = ${maillog_file?{127.0.0.1}:{all}}",
            "inet_protocols = ${nothing:ipv4}",
            "syslog_name = ${multi_instance_name?{$multi_instance_name}:{postfix-$top}}",
            "maillog_file = /var/log/$mail_name.log",
            "import_environment = MAIL_CONFIG TZ LANG=C PRICE=$$5",
            "setgid_group = postdrop",
            "setgid_group = maildrop",
            "");

    @TempDir
    Path dir;

    @Test
    void expansionDefaultsAndContinuations() throws IOException {
        MainCf main = write(MAIN_CF);
        assertEquals("/srv/mail/spool", main.get("queue_directory"));
        assertEquals("/srv/mail/lib", main.get("data_directory"));
        assertEquals("/usr/lib/postfix/sbin", main.get("daemon_directory"));
        assertEquals("250", main.get("default_process_limit"));
        assertEquals("!submission/inet, inet", main.get("master_service_disable"));
        assertEquals("127.0.0.1", main.get("inet_interfaces"));
        assertEquals("ipv4", main.get("inet_protocols"));
        assertEquals("postfix-/srv/mail", main.get("syslog_name"));
        assertEquals("MAIL_CONFIG TZ LANG=C PRICE=$5", main.get("import_environment"));
        assertEquals("maildrop", main.get("setgid_group"), "the last setting wins");
        assertEquals(dir.toString(), main.get("config_directory"));
        assertEquals("", main.get("no_such_parameter"));
        assertTrue(main.isSet("top"));
        assertFalse(main.isSet("mail_name"));
    }

    @Test
    void aLoopingExpansionNamesItself() throws IOException {
        MainCf main = write("a = $b\nb = $a\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> main.get("a"));
        assertTrue(e.getMessage().startsWith("main.cf: expansion of"), e.getMessage());
    }

    /** Every parameter the master reads, as postconf -h -x evaluates it, for a busy main.cf and for an empty one. */
    @Test
    void everyMasterParameterAsPostconfSaysIt() throws Exception {
        for (String text : List.of(MAIN_CF, "\n")) {
            MainCf main = write(text);
            Files.writeString(dir.resolve("master.cf"), "");
            List<String> command = new ArrayList<>(List.of("postconf", "-c", dir.toString(), "-h", "-x"));
            command.addAll(MasterSettings.MAIN_CF_PARAMETERS);
            List<String> postconf = run(command);
            assertEquals(MasterSettings.MAIN_CF_PARAMETERS.size(), postconf.size(), String.join("\n", postconf));
            for (int i = 0; i < postconf.size(); i++) {
                String parameter = MasterSettings.MAIN_CF_PARAMETERS.get(i);
                assertEquals(postconf.get(i), main.get(parameter), parameter + " in\n" + text);
            }
        }
    }

    private MainCf write(String text) throws IOException {
        Path file = dir.resolve("main.cf");
        Files.write(file, text.getBytes(StandardCharsets.ISO_8859_1));
        return MainCf.read(file);
    }

    private static List<String> run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1).lines()
                .toList();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "postconf did not finish");
        assertEquals(0, process.exitValue(), "postconf " + command);
        return lines;
    }
}
