package org.jmaster.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who bin/jmaster status and reload log in as, and the table they print. */
class ControlTest {
    @TempDir
    Path dir;

    @Test
    void theLeastPrivilegedUserWhoseRoleIsEnough() throws Exception {
        Path access = Files.writeString(dir.resolve("access"), "root admin\nwatch monitor\nops operator\n");
        Path passwords = Files.writeString(dir.resolve("passwords"), "# made at first start\nroot r\nwatch w\nops o\n");
        assertArrayEquals(new String[] {"watch", "w"}, Control.login(passwords, access, Role.MONITOR, "status"));
        assertArrayEquals(new String[] {"ops", "o"}, Control.login(passwords, access, Role.OPERATOR, "reload"));
        Files.writeString(passwords, "watch w\n");
        Control.Failure none = assertThrows(Control.Failure.class,
                () -> Control.login(passwords, access, Role.OPERATOR, "reload"));
        assertEquals(Control.DENIED, none.status);
        assertEquals(passwords + " has no user whose role in " + access + " is operator or more, which bin/jmaster reload"
                + " needs", none.getMessage());
        Control.Failure missing = assertThrows(Control.Failure.class,
                () -> Control.login(dir.resolve("nothing"), access, Role.MONITOR, "status"));
        assertEquals("cannot read " + dir.resolve("nothing") + " (the JMX passwords): no such file (jmaster makes the"
                + " password file at its first start)", missing.getMessage());
    }

    @Test
    void tableColumnsAreAsWideAsTheirWidestCellNumbersToTheRight() {
        String table = Control.table(List.of(
                new String[] {"service", "type", "limit", "total", "available", "listening", "throttled", "stress"},
                new String[] {"127.0.0.1:10007", "inet", "4", "1", "1", "no", "no", "no"},
                new String[] {"smtp", "inet", "100", "12", "3", "yes", "yes (57 s)", "yes"}));
        assertEquals("service          type  limit  total  available  listening  throttled   stress\n"
                + "127.0.0.1:10007  inet      4      1          1  no         no          no\n"
                + "smtp             inet    100     12          3  yes        yes (57 s)  yes\n", table);
    }

    @Test
    void withoutSettingsOnItsCommandLineThePortGivenAndTheHomesFiles() {
        Control.Target target = Control.Target.of(dir, 9010, ProcessHandle.current().pid());
        assertEquals(9010, target.port(), "this JVM has no -Djmaster.jmx.port: the port given");
        assertEquals(dir.resolve("etc/jmxremote.access"), target.access());
    }
}
