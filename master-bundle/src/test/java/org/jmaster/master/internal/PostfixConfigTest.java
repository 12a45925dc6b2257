package org.jmaster.master.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jmaster.api.MasterSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** main.cf over org.jmaster.master: main.cf wins, a disagreement is a warning naming both, no main.cf changes nothing. */
class PostfixConfigTest {
    @TempDir
    Path dir;

    @Test
    void mainCfDecidesAndADisagreementNamesBoth() throws Exception {
        Files.writeString(dir.resolve("main.cf"), "queue_directory = /srv/q\ncompatibility_level = 0\n"
                + "master_service_disable = !smtp/inet inet\n");
        List<String> warnings = new ArrayList<>();
        MasterSettings settings = MasterSettings.parse(PostfixConfig.merge(Map.of("config_directory", dir.toString(),
                "queue_directory", "/elsewhere", "inet_interfaces", "all", "stop_timeout", "2s"), warnings::add));

        assertEquals(Path.of("/srv/q"), settings.queueDirectory());
        assertEquals(Path.of("/var/lib/postfix"), settings.dataDirectory(), "Postfix's default");
        assertEquals(List.of("!smtp/inet", "inet"), settings.masterServiceDisable());
        assertTrue(settings.chrootDefault(), "below compatibility_level 1, - in the chroot column is y");
        assertEquals(dir.resolve("master.cf").toString(), settings.masterCf());
        assertTrue(settings.strictStart(), "a Postfix configuration starts strictly");
        assertEquals(2, settings.stopTimeout().toSeconds(), "jmaster's own keys stay");
        assertEquals(List.of(MasterSettings.PID + ": queue_directory = /elsewhere disagrees with " + dir.resolve("main.cf")
                + ": queue_directory = /srv/q -- using main.cf's"), warnings, "inet_interfaces agrees: no warning");
    }

    @Test
    void withoutMainCfTheConfigurationIsAllThereIs() throws Exception {
        Map<String, Object> properties = Map.of("config_directory", dir.toString(), "queue_directory", "/elsewhere");
        List<String> warnings = new ArrayList<>();
        assertEquals(properties, PostfixConfig.merge(properties, warnings::add));
        assertEquals(List.of(), warnings);
        assertTrue(!MasterSettings.parse(properties).strictStart());
    }
}
