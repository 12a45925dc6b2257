package org.jmaster.spawner.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jmaster.api.MasterSettings;

/**
 * NAME
 *     Environment - what children find in their environment (Postfix clean_env)
 * DESCRIPTION
 *     The master's environment reduced to the import_environment list: a NAME is copied when the
 *     master has it, a NAME=value is set; then MAIL_CONFIG=config_directory, and per child
 *     GENERATION=the generation in octal without a leading 0. Nothing else: no PATH.
 */
final class Environment {
    private final List<String> base;

    Environment(MasterSettings settings, Map<String, String> masterEnvironment) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : settings.importEnvironment()) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            } else if (masterEnvironment.containsKey(entry)) {
                env.put(entry, masterEnvironment.get(entry));
            }
        }
        env.put("MAIL_CONFIG", settings.configDirectory());
        env.remove("GENERATION");
        base = new ArrayList<>(env.size());
        for (Map.Entry<String, String> variable : env.entrySet()) { // a loop, not a lambda: this runs at the first spawn
            base.add(variable.getKey() + "=" + variable.getValue());
        }
    }

    /** The environment of a child of this generation, as {@code NAME=value} strings. */
    String[] forGeneration(long generation) {
        String[] envp = base.toArray(new String[base.size() + 1]);
        envp[base.size()] = "GENERATION=" + Long.toOctalString(generation);
        return envp;
    }
}
