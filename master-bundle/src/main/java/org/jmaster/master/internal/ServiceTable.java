package org.jmaster.master.internal;

import java.util.List;

/**
 * The master's table of configured services, as configuration sources see it. Each source entry
 * has an origin (a configuration PID, or a master.cf file and line) and the eight master.cf
 * columns as text; the master parses them, reports errors with the origin, and starts, restarts
 * or stops services to match.
 */
public interface ServiceTable {
    /** Adds or replaces the entry of this origin. */
    void put(String origin, List<String> columns);

    /** Removes the entry of this origin, stopping its service. */
    void remove(String origin);
}
