package org.jmaster.launcher;

import java.security.Principal;
import java.util.Locale;

/**
 * What a JMX user may do, each role including the ones before it: {@link #MONITOR} reads,
 * {@link #OPERATOR} also throttles, unthrottles, restarts and reloads, {@link #ADMIN} also cleans
 * up, resizes and updates bundles, and may change the JVM's manageable settings.
 */
enum Role {
    MONITOR, OPERATOR, ADMIN;

    /** The role named in an access file, as written there (monitor, operator, admin). */
    static Role named(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    boolean includes(Role other) {
        return compareTo(other) >= 0;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role of an authenticated JMX user, carried in its Subject. */
    record Held(Role role) implements Principal {
        @Override
        public String getName() {
            return role.toString();
        }
    }
}
