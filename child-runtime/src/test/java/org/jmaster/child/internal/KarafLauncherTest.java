package org.jmaster.child.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class KarafLauncherTest {
    /** Every word the launcher writes reaches java as it was, whatever a Karaf path holds. */
    @Test
    void shReadsEachQuotedWordBack() throws Exception {
        for (String word : List.of("/opt/karaf/data/jmaster/lib/jna.jar", "it's", "a b", "$HOME `id` \"x\" \\ * ?", "''")) {
            Process sh = new ProcessBuilder("/bin/sh", "-c", "printf %s " + KarafLauncher.quote(word)).start();
            String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, sh.waitFor());
            assertEquals(word, out);
        }
    }

    /** JNA's directories of the native library, by os.arch. */
    @Test
    void jnaArchitectures() {
        assertEquals("linux-x86-64", KarafLauncher.jnaArch("amd64"));
        assertEquals("linux-aarch64", KarafLauncher.jnaArch("aarch64"));
        assertNull(KarafLauncher.jnaArch("riscv64"));
    }
}
