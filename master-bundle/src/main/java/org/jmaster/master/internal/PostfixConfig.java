package org.jmaster.master.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.postfix.MainCf;

/**
 * NAME
 *     PostfixConfig - main.cf as the source of truth (Postfix master_vars.c, mail_conf.c)
 * SYNOPSIS
 *     Map<String, Object> merge(properties, warnings)
 * DESCRIPTION
 *     When config_directory holds a main.cf, the master takes its Postfix parameters from there
 *     (MasterSettings.MAIN_CF_PARAMETERS: the queue, daemon and data directories, mail_owner,
 *     setgid_group, the process limit and throttle time, master_service_disable, the inet
 *     interfaces and protocols, import_environment, compatibility_level and the logging
 *     parameters), with $name expanded and Postfix's own defaults for what main.cf leaves out, as
 *     Postfix's master does at start and at every reload. org.jmaster.master then needs only
 *     config_directory; what it sets for those parameters is a warning when it disagrees, and
 *     main.cf wins. master_cf is config_directory/master.cf unless org.jmaster.master says
 *     otherwise, and a Postfix configuration starts strictly (strict_start) unless it says no.
 *
 *     Without a main.cf, org.jmaster.master is all there is (the echo distribution).
 * DIAGNOSTICS
 *     "org.jmaster.master: queue_directory = A disagrees with /etc/postfix/main.cf: queue_directory
 *     = B -- using main.cf's". A main.cf that cannot be read is an IOException naming it.
 */
final class PostfixConfig {
    private PostfixConfig() {
    }

    /** The configuration properties with main.cf's parameters in, when there is a main.cf. */
    static Map<String, Object> merge(Map<String, ?> properties, Consumer<String> warnings) throws IOException {
        Map<String, Object> merged = new HashMap<>(properties);
        Object configured = properties.get("config_directory");
        String directory = configured == null || configured.toString().isBlank() ? MasterSettings.DEFAULT_CONFIG_DIRECTORY
                : configured.toString().strip();
        Path file = Path.of(directory, "main.cf");
        if (!Files.isRegularFile(file)) {
            return merged;
        }
        MainCf main = MainCf.read(file);
        for (String parameter : MasterSettings.MAIN_CF_PARAMETERS) {
            String value = main.get(parameter);
            Object set = properties.get(parameter);
            if (set != null && !normalized(set).equals(normalized(value))) {
                warnings.accept(MasterSettings.PID + ": " + parameter + " = " + normalized(set) + " disagrees with "
                        + file + ": " + parameter + " = " + value + " -- using main.cf's");
            }
            merged.put(parameter, value);
        }
        for (String parameter : List.of("myhostname", "smtputf8_enable")) { // how the master's log lines look (MailLog)
            if (main.isSet(parameter)) {
                merged.put(parameter, main.get(parameter));
            }
        }
        merged.putIfAbsent("master_cf", Path.of(directory, "master.cf").toString());
        merged.putIfAbsent("strict_start", "yes");
        return merged;
    }

    private static String normalized(Object value) {
        String text = value instanceof String[] words ? String.join(" ", List.of(words)) : String.valueOf(value);
        return String.join(" ", text.strip().split("[\\s,]+"));
    }
}
