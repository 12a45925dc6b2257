package org.jmaster.api.postfix;

import java.util.List;
import java.util.Locale;

/**
 * NAME
 *     ServiceMatch - master_service_disable's patterns (Postfix global/match_service.c)
 * SYNOPSIS
 *     boolean matches(patterns, name, type)
 * DESCRIPTION
 *     Each pattern is a service type (inet, unix, unix-dgram, fifo, pass) or name/type, also
 *     the legacy name.type; !pattern excludes. Patterns are tried in order and the first that
 *     matches decides; none matching means no. Case does not matter.
 */
public final class ServiceMatch {
    private ServiceMatch() {
    }

    public static boolean matches(List<String> patterns, String name, String type) {
        String service = (name + "/" + type).toLowerCase(Locale.ROOT);
        String legacy = (name + "." + type).toLowerCase(Locale.ROOT);
        String kind = type.toLowerCase(Locale.ROOT);
        for (String written : patterns) {
            boolean negated = written.startsWith("!");
            String pattern = (negated ? written.substring(1) : written).toLowerCase(Locale.ROOT);
            if (pattern.equals(kind) || pattern.equals(service) || pattern.equals(legacy)) {
                return !negated;
            }
        }
        return false;
    }
}
