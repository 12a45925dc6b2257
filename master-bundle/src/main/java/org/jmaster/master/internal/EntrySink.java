package org.jmaster.master.internal;

import java.util.List;

/**
 * Where configuration sources hand the master their entries: an internal service between the
 * factory configuration component and the master component of this bundle. Each entry has an
 * origin (a configuration PID) and the eight master.cf columns as text; the master parses them,
 * reports errors with the origin, and starts, restarts or stops services to match.
 */
public interface EntrySink {
    /** Adds or replaces the entry of this origin. */
    void put(String origin, List<String> columns);

    /** Removes the entry of this origin, stopping its service. */
    void remove(String origin);
}
