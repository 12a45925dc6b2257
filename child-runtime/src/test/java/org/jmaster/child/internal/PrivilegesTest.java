package org.jmaster.child.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which user -u makes a Java child: main.cf's mail_owner, read as Postfix reads main.cf; a failed call's words. */
class PrivilegesTest {

    @Test
    void mainCfValuesAreJoinedAndTheLastSettingWins() {
        List<String> lines = List.of("# mail_owner = commented", "mail_owner = first", "", "myhostname = a",
                "mail_owner =", "  jmail", "# a comment between", "setgid_group=postdrop");
        assertEquals("jmail", Privileges.mainCf(lines, "mail_owner"));
        assertEquals("postdrop", Privileges.mainCf(lines, "setgid_group"));
        assertNull(Privileges.mainCf(lines, "queue_directory"));
    }

    /** A call that fails says why in libc's words: the errno of the direct call, not a stale 0 ("Success"). */
    @Test
    void aFailedCallNamesItsError() {
        String message = assertThrows(IOException.class, () -> Privileges.call("chroot(/nonexistent/jmaster)",
                () -> Posix.INSTANCE.chroot("/nonexistent/jmaster"))).getMessage();
        assertTrue(message.equals("chroot(/nonexistent/jmaster): No such file or directory")
                || message.equals("chroot(/nonexistent/jmaster): Operation not permitted"), message);
    }
}
