package org.jmaster.child.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which user -u makes a Java child: main.cf's mail_owner, read as Postfix reads main.cf. */
class PrivilegesTest {

    @Test
    void mainCfValuesAreJoinedAndTheLastSettingWins() {
        List<String> lines = List.of("# mail_owner = commented", "mail_owner = first", "", "myhostname = a",
                "mail_owner =", "  jmail", "# a comment between", "setgid_group=postdrop");
        assertEquals("jmail", Privileges.mainCf(lines, "mail_owner"));
        assertEquals("postdrop", Privileges.mainCf(lines, "setgid_group"));
        assertNull(Privileges.mainCf(lines, "queue_directory"));
    }
}
