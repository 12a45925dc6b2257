package org.jmaster.nio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** How inet names are split and how addresses are shown. */
class InetNamesTest {

    @Test
    void hostAndPort() {
        assertEquals("127.0.0.1", InetNames.host("127.0.0.1:25"));
        assertEquals("::1", InetNames.host("[::1]:25"));
        assertEquals(null, InetNames.host("25"));
        assertEquals(25, InetNames.port("smtp"));
        assertEquals(10025, InetNames.port("localhost:10025"));
    }

    @Test
    void ipv6IsCompact() throws Exception {
        assertEquals("::1", InetNames.compact(InetAddress.getByName("::1").getAddress()));
        assertEquals("::", InetNames.compact(InetAddress.getByName("::").getAddress()));
        assertEquals("2001:db8::1", InetNames.compact(InetAddress.getByName("2001:db8:0:0:0:0:0:1").getAddress()));
        assertEquals("2001:db8:0:1:1:1:1:1", InetNames.compact(InetAddress.getByName("2001:db8:0:1:1:1:1:1").getAddress()));
        assertEquals("fe80::1:0:0:1", InetNames.compact(InetAddress.getByName("fe80:0:0:0:1:0:0:1").getAddress()));
        assertEquals("[::1]:25", InetNames.format(InetAddress.getByName("::1"), 25));
    }
}
