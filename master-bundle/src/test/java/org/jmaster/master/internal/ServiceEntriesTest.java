package org.jmaster.master.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jmaster.api.ExitStatus;
import org.jmaster.api.spi.loop.ListenSockets;
import org.jmaster.api.spi.loop.StatusChannel;
import org.jmaster.api.spi.policy.ServiceState;
import org.junit.jupiter.api.Test;

/** Configuration entries from both origins and Postfix's mark-and-sweep reload (master_conf.c). */
class ServiceEntriesTest extends MasterFixture {

    /** A reload restarts every survivor, keeping its sockets and state, and sweeps what no line names. */
    @Test
    void reloadMarksTheSurvivorsAndSweepsTheRest() throws Exception {
        reload("smtp inet n - n - 4 smtpd", "pickup unix n - n 60 1 pickup");
        ServiceEntry smtp = entry("smtp");
        ServiceEntry pickup = entry("pickup");
        ListenSockets sockets = smtp.listenSockets;
        StatusChannel oldStatus = smtp.statusChannel;
        ServiceState state = smtp.state;

        reload("smtp inet n - n - 4 smtpd");

        assertSame(smtp, entry("smtp"), "the same service");
        assertSame(state, entry("smtp").state);
        assertSame(sockets, smtp.listenSockets, "its listen sockets are kept");
        assertNotSame(oldStatus, smtp.statusChannel, "a new status channel");
        assertFalse(oldStatus.masterEnd().isOpen(), "the old one is closed: its children finish and exit");
        assertSame(smtp.statusChannel, loop.watchOf("25").status, "the loop reads the new one");
        assertNull(entry("pickup"), "swept");
        assertFalse(pickup.listenSockets.channels().get(0).isOpen());
        assertEquals(1, logged("service pickup(public/pickup) stopped"));
        assertEquals(1, logged("service smtp(25) restarted: smtp inet n y n 0 4 smtpd"));
    }

    /** "smtp inet" and "25 inet" are one service: the same canonical endpoint name and type. */
    @Test
    void identityIsTheEndpointAndTheType() throws Exception {
        reload("smtp inet n - n - 4 smtpd");
        ServiceEntry smtp = entry("smtp");
        reload("25 inet n - n - 2 smtpd");
        assertSame(smtp, entry("25"));
        assertEquals(2, smtp.state.processLimit(), "it takes the new definition");
        assertEquals(1, loop.opened.size(), "never a second socket");
    }

    /** A later entry of an identity wins, with Postfix's warning; ConfigAdmin entries come last. */
    @Test
    void duplicatesAreWarnedAndTheLastWins() throws Exception {
        put("org.jmaster.service~a", "smtp inet n - n - 3 smtpd");
        reload("smtp inet n - n - 4 smtpd", "25 inet n - n - 5 smtpd");
        assertEquals(1, logged("duplicate master.cf entry for service \"25\" (25) -- using the last entry"));
        assertEquals(1, logged("duplicate master.cf entry for service \"smtp\" (25) -- using the last entry"));
        assertEquals(3, entry("smtp").state.processLimit(), "the ConfigAdmin entry, read last, wins");
        assertEquals("org.jmaster.service~a", entry("smtp").origin);
    }

    /** A bad line is refused; the services master.cf defined are kept as they are. */
    @Test
    void aBadFileKeepsItsServices() throws Exception {
        reload("smtp inet n - n - 4 smtpd", "pickup unix n - n 60 1 pickup");
        ServiceEntry pickup = entry("pickup");
        reload("smtp inet n - n - x smtpd");
        assertEquals(1, logged(masterCf + ": line 1: field \"maxproc\": bad value: \"x\" -- line ignored"));
        assertSame(pickup, entry("pickup"));
        assertEquals(1, logged("service pickup(public/pickup): kept as it was: " + masterCf + " has errors"));
        assertTrue(entry("smtp") != null);
    }

    /** A changed identity is a removal plus a start; a refused ConfigAdmin change keeps the service. */
    @Test
    void configAdminEntriesStartChangeAndStop() throws Exception {
        put("org.jmaster.service~e", "127.0.0.1:10025 inet n - n - 4 cmd");
        ServiceEntry first = entry("127.0.0.1:10025");
        put("org.jmaster.service~e", "127.0.0.1:10025 inet n - n - x cmd");
        assertEquals(1, logged("org.jmaster.service~e: field \"maxproc\": bad value: \"x\" -- keeping the service as it was"));
        assertSame(first, entry("127.0.0.1:10025"));
        put("org.jmaster.service~e", "127.0.0.1:10026 inet n - n - 4 cmd");
        assertNull(entry("127.0.0.1:10025"), "the old identity is removed");
        assertTrue(entry("127.0.0.1:10026") != null, "the new one started");
        remove("org.jmaster.service~e");
        assertNull(entry("127.0.0.1:10026"));
        assertEquals(List.of("added 127.0.0.1:10025", "removed 127.0.0.1:10025", "added 127.0.0.1:10026",
                "removed 127.0.0.1:10026"), observed.stream().filter(o -> o.startsWith("added") || o.startsWith("removed"))
                .toList());
    }

    /** A removed service with children stays until the last one is reaped, then stops. */
    @Test
    void aRemovedServiceStopsWhenItsLastChildIsReaped() throws Exception {
        reload("smtp inet n - n - 4 smtpd");
        int pid = connect("smtp");
        reload();
        ServiceEntry smtp = entry("smtp");
        assertTrue(smtp.removing);
        assertTrue(smtp.state.isCleaning());
        assertEquals(List.of(pid + " 15"), spawner.signals);
        spawner.exit(pid, ExitStatus.killed(15));
        loop.run();
        assertNull(entry("smtp"));
        assertEquals(1, logged("service smtp(25) stopped"));
    }

    /** Configured again while its cleanup runs, a service stays: no second socket. */
    @Test
    void aServiceConfiguredAgainDuringItsRemovalStays() throws Exception {
        reload("smtp inet n - n - 4 smtpd");
        int pid = connect("smtp");
        ServiceEntry smtp = entry("smtp");
        reload();
        reload("smtp inet n - n - 4 smtpd");
        assertFalse(smtp.removing);
        spawner.exit(pid, ExitStatus.killed(15));
        loop.run();
        assertSame(smtp, entry("smtp"));
        assertEquals(1, loop.opened.size());
        assertEquals(0, logged("stopped"));
    }
}
