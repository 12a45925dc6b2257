package org.jmaster.nio.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.channels.Channel;
import java.nio.channels.Pipe;
import java.nio.file.Path;

/**
 * The descriptor numbers behind NIO channels, which children must receive at fixed numbers, the
 * one socket option the JDK does not offer (IPV6_V6ONLY), and JDK channels for descriptors the
 * JDK cannot make (adopt: a unix-dgram socket, a fifo).
 *
 * <p>The JDK exposes a channel's descriptor only through {@code sun.nio.ch.SelChImpl.getFDVal()};
 * calling it needs the JVM flag {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED} (no
 * {@code --add-opens}, no boot delegation).
 *
 * <p>Caution, adopt: the channel is the read end of a JDK pipe whose descriptor number now names
 * the adopted file (dup3 replaces the pipe's read end atomically; the write end is closed at
 * once). The JDK keeps only that number, so it selects, reads, sets O_NONBLOCK and finally closes
 * the adopted file as it would the pipe: once, when the channel is closed and no selector holds
 * it any more (a registered channel is closed by the selector's deregistration). Nothing else may
 * close that number; the caller's own descriptor is closed here, whether adopt succeeds or not.
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
                        throw new IllegalStateException(missingExport());
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        throw new IllegalStateException("no descriptor in " + channel.getClass().getName());
    }

    /**
     * A channel selectable for OP_READ that owns this descriptor from now on (see Caution); the
     * descriptor itself is closed, whatever happens. The channel is non-blocking and close-on-exec.
     */
    static Pipe.SourceChannel adopt(int fd) throws IOException {
        Pipe.SourceChannel source = null;
        try {
            Pipe pipe = Pipe.open();
            source = pipe.source();
            pipe.sink().close();
            Libc.C.INSTANCE.dup3(fd, of(source), Libc.O_CLOEXEC);
            source.configureBlocking(false);
            return source;
        } catch (LastErrorException e) {
            source.close();
            throw Libc.error("dup3", e);
        } catch (IOException | RuntimeException e) {
            if (source != null) {
                source.close();
            }
            throw e;
        } finally {
            Libc.closeQuietly(fd);
        }
    }

    /**
     * What to do about a JVM started without {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED},
     * in one line: under Karaf (the system property karaf.home), the line to put in its
     * {@code bin/setenv}.
     */
    static String missingExport() {
        String karaf = System.getProperty("karaf.home");
        String why = "the JVM was started without --add-exports java.base/sun.nio.ch=ALL-UNNAMED, without which the"
                + " master cannot hand its sockets to children: ";
        if (karaf != null) {
            // added to what bin/setenv or the environment may have set already, not instead of it
            return why + "put export EXTRA_JAVA_OPTS=\"${EXTRA_JAVA_OPTS:-} --add-exports=java.base/sun.nio.ch=ALL-UNNAMED\" in "
                    + Path.of(karaf, "bin", "setenv") + " and restart Karaf";
        }
        return why + "add it to the java command line";
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
