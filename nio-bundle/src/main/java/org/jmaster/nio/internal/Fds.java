package org.jmaster.nio.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.channels.Channel;

/**
 * The descriptor numbers behind NIO channels, which children must receive at fixed numbers, and
 * the one socket option the JDK does not offer (IPV6_V6ONLY).
 *
 * <p>The JDK exposes a channel's descriptor only through {@code sun.nio.ch.SelChImpl.getFDVal()};
 * calling it needs the JVM flag {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED} (no
 * {@code --add-opens}, no boot delegation).
 */
final class Fds {
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;

    private interface Sockets extends Library {
        Sockets INSTANCE = Native.load("c", Sockets.class);

        int setsockopt(int fd, int level, int name, IntByReference value, int length) throws LastErrorException;
    }

    private Fds() {
    }

    /** The descriptor number of a socket channel. */
    static int of(Channel channel) {
        for (Class<?> c = channel.getClass(); c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (i.getName().equals("sun.nio.ch.SelChImpl")) {
                    try {
                        Method getFDVal = i.getMethod("getFDVal");
                        return (int) getFDVal.invoke(channel);
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException("start the JVM with --add-exports java.base/sun.nio.ch=ALL-UNNAMED:"
                                + " the master cannot hand its sockets to children without it", e);
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        throw new IllegalStateException("no descriptor in " + channel.getClass().getName());
    }

    /** Makes an AF_INET6 socket IPv6-only, as Postfix does, so that it can share its port with IPv4. */
    static void setV6Only(Channel channel) throws IOException {
        try {
            Sockets.INSTANCE.setsockopt(of(channel), IPPROTO_IPV6, IPV6_V6ONLY, new IntByReference(1), 4);
        } catch (LastErrorException e) {
            throw new IOException("setsockopt IPV6_V6ONLY: error " + e.getErrorCode(), e);
        }
    }
}
