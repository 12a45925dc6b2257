package org.jmaster.child;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.osgi.annotation.versioning.ConsumerType;

/** What a child does with one client connection. */
@ConsumerType
@FunctionalInterface
public interface RequestHandler {
    /**
     * Serves one client; the connection is closed when this returns or throws.
     *
     * @param in what the client sends
     * @param out what the client receives (unbuffered: every write is a write(2))
     */
    void serve(InputStream in, OutputStream out) throws IOException;
}
