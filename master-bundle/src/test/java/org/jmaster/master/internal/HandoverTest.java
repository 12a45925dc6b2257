package org.jmaster.master.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jmaster.api.ExitStatus;
import org.jmaster.api.spi.loop.ListenSockets;
import org.jmaster.api.spi.loop.StatusChannel;
import org.junit.jupiter.api.Test;

/** A departing master bundle: children retired, nothing new started, listen sockets left to the loop. */
class HandoverTest extends MasterFixture {

    /** Retiring closes the status channels and stops watching; nothing restarts or starts meanwhile. */
    @Test
    void retireAllRetiresEveryChildAndStartsNothing() throws Exception {
        reload("smtp inet n - n - 4 smtpd");
        int pid = connect("smtp");
        ServiceEntry smtp = entry("smtp");
        StatusChannel status = smtp.statusChannel;
        master.inbox.submit(master.handover::retireAll);
        loop.run();
        assertFalse(status.masterEnd().isOpen(), "the children see the master go");
        assertTrue(smtp.state.child(pid).isTerminating(), "its death is no bad start-up");
        assertTrue(loop.watchOf("25") == null, "nothing is watched");
        master.inbox.submit(() -> master.lifecycle.restart(smtp));
        loop.run();
        assertTrue(smtp.statusChannel == status, "no restart while handing over");
        reload("smtp inet n - n - 4 smtpd", "pickup unix n - n - 1 pickup");
        assertTrue(entry("pickup") == null, "no start while handing over");
        put("org.jmaster.service~x", "127.0.0.1:10025 inet n - n - 4 cmd");
        assertTrue(entry("127.0.0.1:10025") == null);
    }

    /** The listen sockets of every service go to the loop for the next master, from the last moment. */
    @Test
    void theListenSocketsAreKeptForTheNextMaster() throws Exception {
        reload("smtp inet n - n - 4 smtpd", "pickup unix n - n - 1 pickup");
        int pid = connect("smtp");
        ListenSockets smtp = entry("smtp").listenSockets;
        master.inbox.submit(master.handover::retireAll);
        master.inbox.submit(master.entries::removeAll);
        loop.run();
        assertTrue(entry("pickup") == null, "a service without children stops at once");
        assertTrue(loop.kept.isEmpty(), "kept only once the master is gone");
        spawner.exit(pid, ExitStatus.exited(0));
        loop.run();
        synchronized (master.lock) {
            master.binding.close();
            master.handover.closeAll();
        }
        assertEquals(List.of("[public/pickup]", "[25]"), loop.kept.stream().map(s -> s.addresses().toString()).toList());
        assertTrue(loop.calls.contains("keep [25] " + Handover.KEEP_MILLIS));
        assertTrue(smtp.channels().get(0).isOpen(), "open, for the next master");
    }

    /** Handed over without a loop to keep them, the sockets are closed: nothing would take them. */
    @Test
    void withoutALoopTheSocketsAreClosed() throws Exception {
        reload("smtp inet n - n - 4 smtpd");
        ListenSockets smtp = entry("smtp").listenSockets;
        master.inbox.submit(master.handover::retireAll);
        master.inbox.submit(master.entries::removeAll);
        loop.run();
        assertTrue(smtp.channels().get(0).isOpen(), "set aside for the next master");
        master.binding.unsetLoop(loop);
        synchronized (master.lock) {
            master.binding.close();
            master.handover.closeAll();
        }
        assertFalse(smtp.channels().get(0).isOpen());
        assertTrue(loop.kept.isEmpty());
    }
}
