package org.jmaster.master.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import javax.management.MBeanException;
import org.junit.jupiter.api.Test;

/** The ProcessLimit attribute: a resize that would change what the children were started with is refused. */
class ServiceControlTest extends MasterFixture {

    @Test
    void aSolitaryOrUnlimitedServiceKeepsItsLimitAndAnOtherIsResized() throws Exception {
        reload("pickup unix n - n 60 1 pickup", "cleanup unix n - n - 0 cmd", "smtp inet n - n - 4 smtpd");

        assertEquals("service pickup(public/pickup) is solitary (maxproc 1): its children were started with -l, so its"
                + " process limit cannot change at run time; change maxproc and reload", refusal("pickup", 2));
        assertEquals(1, entry("pickup").state.processLimit());
        assertEquals("service cleanup(public/cleanup) is unlimited (maxproc 0): its children were started with -z, so"
                + " its process limit cannot change at run time; change maxproc and reload", refusal("cleanup", 5));
        assertEquals(0, entry("cleanup").state.processLimit());
        assertTrue(refusal("smtp", 0).startsWith("ProcessLimit must be 1 or more, not 0"));

        assertEquals(null, refusal("smtp", 9));
        assertEquals(9, entry("smtp").state.processLimit());
        assertEquals(null, refusal("smtp", 1), "4 to 1 changes no argument: -l is only for maxproc 1 as configured");
        assertEquals(1, entry("smtp").state.processLimit());
    }

    /** Sets the limit from an operator's thread while this one runs the loop; the refusal, or null. */
    private String refusal(String name, int limit) throws Exception {
        ServiceControl control = new ServiceControl(master, entry(name));
        CompletableFuture<String> result = CompletableFuture.supplyAsync(() -> {
            try {
                control.setProcessLimit(limit);
                return null;
            } catch (MBeanException e) {
                return e.getMessage();
            }
        });
        while (!result.isDone()) {
            loop.run();
            Thread.sleep(1);
        }
        return result.get();
    }
}
