package org.jmaster.spawner.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.StressArgument;
import org.junit.jupiter.api.Test;

/** The argv rules of section 3.3, with the examples the oracle master produced. */
class ArgvTest {

    private static List<String> argv(String line, StressArgument stress, int listen) {
        return Argv.of(ServiceDefinition.parse(line, 100), MasterSettings.defaults(), stress, listen);
    }

    /** master -d and -v: the children get -d and -v after -t and before -u, as in master_ent.c. */
    @Test
    void debugAndVerboseMastersGiveTheirChildrenTheFlags() {
        MasterSettings settings = MasterSettings.parse(Map.of("debug", "yes", "verbose", "yes"));
        assertEquals(List.of("smtpd", "-n", "smtp", "-t", "inet", "-d", "-v", "-u", "-c"),
                Argv.of(ServiceDefinition.parse("smtp inet n - y - - smtpd", 100), settings, StressArgument.NONE, 1));
        assertEquals(List.of("qmgr", "-l", "-t", "unix", "-v"), Argv.of(ServiceDefinition.parse("qmgr unix n n n - 1 qmgr",
                100), MasterSettings.parse(Map.of("verbose", "yes")), StressArgument.NONE, 1));
    }

    @Test
    void case28_nameTypeChrootAndArguments() {
        assertEquals(List.of("bar", "-n", "foo", "-t", "unix", "-c", "-x"),
                argv("foo unix n n y 0 3 bar -x", StressArgument.NONE, 1));
        assertEquals(List.of("foo", "-t", "unix", "-c", "-x"),
                argv("foo unix n n y 0 3 foo -x", StressArgument.NONE, 1));
    }

    @Test
    void oracleExamples() {
        assertEquals(List.of("smtpd", "-n", "psmtpd", "-t", "pass", "-u", "-o", "stress="),
                argv("psmtpd pass - - n - - smtpd", StressArgument.OFF, 1));
        assertEquals(List.of("spawn", "-z", "-n", "echo", "-t", "unix", "user=nobody", "argv=/bin/cat"),
                argv("echo unix - n n - 0 spawn user=nobody argv=/bin/cat", StressArgument.NONE, 1));
        assertEquals(List.of("postlogd", "-l", "-n", "postlog", "-t", "unix-dgram", "-u"),
                argv("postlog unix-dgram n - n - 1 postlogd", StressArgument.NONE, 1));
        assertEquals(List.of("smtpd", "-n", "127.0.0.1:48667", "-t", "inet", "-u"),
                argv("127.0.0.1:48667 inet n - n - - smtpd", StressArgument.NONE, 1));
    }

    @Test
    void case29_stressThenListenCountThenWords() {
        assertEquals(List.of("smtpd", "-n", "smtp", "-t", "inet", "-u", "-o", "stress=yes", "-s", "2",
                "-o", "smtpd_banner = $myhostname long form works"),
                argv("smtp inet n - n - 2 smtpd -o { smtpd_banner = $myhostname long form works }",
                        StressArgument.ON, 2));
    }

    @Test
    void absoluteCommandsCompareTheirBasename() {
        assertEquals(List.of("/opt/bin/echo", "-l", "-t", "inet"),
                argv("echo inet n n n - 1 /opt/bin/echo", StressArgument.NONE, 1));
    }
}
