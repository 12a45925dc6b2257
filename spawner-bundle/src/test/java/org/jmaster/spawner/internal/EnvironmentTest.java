package org.jmaster.spawner.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Map;
import org.jmaster.api.MasterSettings;
import org.junit.jupiter.api.Test;

/** import_environment, MAIL_CONFIG and GENERATION in octal (case 26). */
class EnvironmentTest {

    @Test
    void case26_importFilterPlusGeneration() {
        MasterSettings settings = MasterSettings.parse(Map.of("config_directory", "/etc/jm",
                "import_environment", "TZ, MAIL_DEBUG LANG=C MAIL_CONFIG"));
        Environment env = new Environment(settings, Map.of("TZ", "UTC", "PATH", "/bin", "JUNK", "x",
                "MAIL_CONFIG", "/elsewhere", "GENERATION", "7"));
        assertArrayEquals(new String[] {"TZ=UTC", "LANG=C", "MAIL_CONFIG=/etc/jm", "GENERATION=101"},
                env.forGeneration(65));
        assertArrayEquals(new String[] {"TZ=UTC", "LANG=C", "MAIL_CONFIG=/etc/jm", "GENERATION=1234"},
                env.forGeneration(668));
    }
}
