package org.jmaster.master.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.jmaster.api.MasterSettings;
import org.junit.jupiter.api.Test;

/** The parameters a reload may change, and Postfix's warnings for those it may not (master_watch.c). */
class SettingsWatchTest extends MasterFixture {

    /** A non-updatable change keeps the old value with three warnings; an updatable one is taken. */
    @Test
    void reloadKeepsWhatCannotChangeAndTakesTheRest() {
        MasterSettings current = master.settings();
        MasterSettings requested = settings(Map.of("queue_directory", dir.resolve("other").toString(),
                "inet_protocols", "ipv6", "default_process_limit", "7"));
        synchronized (master.lock) {
            master.reload(requested);
        }
        loop.run();
        MasterSettings next = master.settings();
        assertEquals(current.queueDirectory(), next.queueDirectory());
        assertEquals(current.inetProtocols(), next.inetProtocols());
        assertEquals(7, next.defaultProcessLimit());
        assertEquals(1, logged("WARNING: ignoring queue_directory parameter value change"));
        assertEquals(1, logged("WARNING: old value: \"" + current.queueDirectory() + "\", new value: \""
                + dir.resolve("other") + "\""));
        assertEquals(1, logged("WARNING: to change queue_directory, stop and start jmaster"));
        assertEquals(1, logged("WARNING: old value: \"all\", new value: \"ipv6\""));
        assertEquals(0, logged("default_process_limit parameter value change"));
    }

    /** inet_interfaces: two warnings per inet service that takes its addresses from it. */
    @Test
    void inetInterfacesWarnsPerServiceWithoutAHost() throws Exception {
        reload("smtp inet n - n - 4 smtpd", "127.0.0.1:10025 inet n - n - 4 smtpd", "pickup unix n - n - 1 pickup");
        synchronized (master.lock) {
            master.reload(settings(Map.of("inet_interfaces", "loopback-only")));
        }
        assertEquals(1, logged("WARNING: service smtp: ignoring inet_interfaces change"));
        assertEquals(1, logged("WARNING: to change inet_interfaces, stop and start jmaster"));
        assertEquals(List.of("all"), master.settings().inetInterfaces());
    }
}
