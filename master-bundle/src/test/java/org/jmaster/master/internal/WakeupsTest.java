package org.jmaster.master.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Wakeup triggers go through the bound loop, on the master's wakeup thread; failures are warned. */
class WakeupsTest extends MasterFixture {

    /** At start and every period, to the service's first endpoint, with Postfix's 1 s deadline. */
    @Test
    void triggersGoThroughTheLoopToTheFirstEndpoint() throws Exception {
        reload("pickup unix n - n 60 1 pickup");
        assertEquals("unix public/pickup 1000", loop.triggers.poll(5, TimeUnit.SECONDS), "at once");
        assertNull(loop.triggers.poll(100, TimeUnit.MILLISECONDS));
        loop.advance(60_000);
        assertEquals("unix public/pickup 1000", loop.triggers.poll(5, TimeUnit.SECONDS), "a period later");
    }

    /** The loop's words, in Postfix's warning, every period. */
    @Test
    void aFailedTriggerIsWarnedEachPeriod() throws Exception {
        loop.triggerFailure = new IOException("Operation not supported");
        reload("postlog unix-dgram n - n 60 1 cmd");
        String warning = "master_wakeup_timer_event: service postlog(public/postlog): Operation not supported";
        awaitLogged(warning, 1);
        loop.advance(60_000);
        awaitLogged(warning, 2);
    }

    /** A trigger due while no loop is bound is skipped without a word; the next period's is sent. */
    @Test
    void withoutALoopTheTriggerIsSkipped() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        loop.triggerGate = gate; // the first trigger holds the wakeup thread
        reload("pickup unix n - n 60 1 pickup");
        assertEquals("unix public/pickup 1000", loop.triggers.poll(5, TimeUnit.SECONDS));
        loop.advance(60_000); // the second waits behind it
        master.binding.unsetLoop(loop);
        loop.triggerGate = null;
        gate.countDown();
        assertNull(loop.triggers.poll(500, TimeUnit.MILLISECONDS), "the second found no loop: not sent to the old one");
        master.binding.setLoop(loop);
        loop.run();
        loop.advance(60_000);
        assertEquals("unix public/pickup 1000", loop.triggers.poll(5, TimeUnit.SECONDS), "the third, through the loop again");
        assertNull(loop.triggers.poll(100, TimeUnit.MILLISECONDS));
        assertEquals(0, logged("master_wakeup_timer_event"));
    }

    private void awaitLogged(String text, long count) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (logged(text) < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(count, logged(text), text);
    }
}
