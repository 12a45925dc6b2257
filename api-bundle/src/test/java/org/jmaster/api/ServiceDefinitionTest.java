package org.jmaster.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jmaster.api.postfix.MasterCfSyntax;
import org.junit.jupiter.api.Test;

/** The master.cf columns and their defaults, and the messages for bad values. */
class ServiceDefinitionTest {

    @Test
    void defaultsAreThoseOfPostfix() {
        ServiceDefinition d = ServiceDefinition.parse("smtp inet n - - - - smtpd", 100);
        assertEquals("smtp", d.name());
        assertEquals(ServiceType.INET, d.type());
        assertFalse(d.privateService());
        assertTrue(d.unprivileged(), "unpriv defaults to y");
        assertFalse(d.chroot(), "chroot defaults to n at compatibility_level >= 1");
        assertEquals(0, d.wakeupSeconds());
        assertEquals(100, d.processLimit());
        assertEquals(List.of("smtpd"), d.command());
    }

    @Test
    void everyColumnIsRead() {
        ServiceDefinition d = ServiceDefinition.parse("pickup unix y n y 60? 1 pickup -o content_filter=", 100);
        assertEquals(ServiceType.UNIX, d.type());
        assertTrue(d.privateService());
        assertFalse(d.unprivileged());
        assertTrue(d.chroot());
        assertEquals(60, d.wakeupSeconds());
        assertTrue(d.conditionalWakeup());
        assertEquals(1, d.processLimit());
        assertEquals(List.of("pickup", "-o", "content_filter="), d.command());
    }

    @Test
    void zeroWithQuestionMarkIsJustZero() {
        ServiceDefinition d = ServiceDefinition.parse("x unix - - - 0? 0 x", 100);
        assertEquals(0, d.wakeupSeconds());
        assertFalse(d.conditionalWakeup());
        assertEquals(0, d.processLimit());
    }

    @Test
    void braceGroupsBecomeOneWord() {
        assertEquals(List.of("smtpd", "-o", "smtpd_banner = $myhostname long form works", "-v"),
                MasterCfSyntax.splitCommand("smtpd -o {  smtpd_banner = $myhostname long form works } -v"));
        assertEquals(List.of("a{b c}d", "{x}"), MasterCfSyntax.splitCommand("a{b c}d {{x}}"));
        assertEquals(List.of("spawn", "user=nobody", "argv=/bin/cat"),
                MasterCfSyntax.splitCommand("  spawn\tuser=nobody  argv=/bin/cat "));
    }

    @Test
    void badValuesNameTheFieldAndTheValue() {
        assertMessage("field \"private\": bad value: \"x\"", "a unix x - - - - cmd");
        assertMessage("field \"maxproc\": bad value: \"-1\"", "a unix - - - - -1 cmd");
        assertMessage("field \"maxproc\": bad value: \"1x\"", "a unix - - - - 1x cmd");
        assertMessage("field \"wakeup\": bad value: \"abc?\"", "a unix - - - abc? - cmd");
        assertMessage("field \"type\": bad value: \"tcp\"", "a tcp - - - - - cmd");
        assertMessage("inet service cannot be private", "25 inet - - - - - smtpd");
        assertMessage("inet service cannot be private", "25 inet y - - - - smtpd");
        assertMessage("missing \"command\" field", "a unix - - - - -");
        assertMessage("missing \"maxproc\" field", "a unix - - - -");
        assertMessage("field \"command\": missing '}' in \"{ a b\"", "a unix - - - - - cmd { a b");
        assertMessage("field \"service\": bad value: \"../x\"", "../x unix - - - - - cmd");
        assertMessage("field \"maxproc\": bad value: \"99999999999\"", "a unix - - - - 99999999999 cmd");
    }

    @Test
    void toStringIsAMasterCfLineThatParsesBack() {
        ServiceDefinition d = ServiceDefinition.parse("tick unix n n y 2? 1 spawn -o { a = b c } user=nobody", 100);
        assertEquals("tick unix n n y 2? 1 spawn -o { a = b c } user=nobody", d.toString());
        assertEquals(d, ServiceDefinition.parse(d.toString(), 7));
    }

    private static void assertMessage(String message, String line) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServiceDefinition.parse(line, 100));
        assertEquals(message, e.getMessage());
    }
}
