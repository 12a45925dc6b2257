package org.jmaster.launcher;

import java.io.IOException;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.server.RMIServerSocketFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;
import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.management.remote.rmi.RMIJRMPServerImpl;

/**
 * NAME
 *     JmxAgent - the JMX connector on 127.0.0.1, one port, authenticated, guarded, filtered
 * SYNOPSIS
 *     JMXConnectorServer start(port, authenticator, anonymousIsAdmin)
 * DESCRIPTION
 *     What the JDK's out-of-the-box agent does (an RMI registry and the connector on one port,
 *     bound to loopback), plus what it cannot: roles checked inside the MBean server by JmxGuard.
 *     Parameters are deserialized through a JEP 290 filter that admits the JDK's and JMX's open
 *     types only; credentials through one that admits strings only. The registry is read-only
 *     (ReadOnlyRegistry, and a filter that admits strings only): no local process can unbind
 *     "jmxrmi", or rebind it to a stub of its own and collect the passwords of those who
 *     connect next.
 * DIAGNOSTICS
 *     IOException when the port is taken.
 */
final class JmxAgent {
    private static final Logger LOG = Logger.getLogger("org.jmaster.jmx");
    /** Open types, JMX's own classes, and the RMI envelope of the parameters; nothing else. */
    static final String SERIAL_FILTER = "maxdepth=20;maxrefs=10000;maxarray=100000;maxbytes=1000000;java.lang.*;"
            + "java.math.BigDecimal;java.math.BigInteger;java.util.*;javax.management.*;javax.management.openmbean.*;"
            + "javax.security.auth.Subject;java.rmi.MarshalledObject;!*";

    private JmxAgent() {
    }

    /** Server sockets on 127.0.0.1; equal to each other, so that the registry and the connector share a port. */
    static final class Loopback implements RMIServerSocketFactory, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            return new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Loopback;
        }

        @Override
        public int hashCode() {
            return Loopback.class.hashCode();
        }
    }

    static JMXConnectorServer start(int port, JMXAuthenticator authenticator, boolean anonymousIsAdmin)
            throws IOException {
        if (System.getProperty("java.rmi.server.hostname") == null) {
            System.setProperty("java.rmi.server.hostname", "127.0.0.1");
        }
        if (System.getProperty("sun.rmi.registry.registryFilter") == null) {
            System.setProperty("sun.rmi.registry.registryFilter", "java.lang.String;!*");
        }
        Loopback sockets = new Loopback();
        Map<String, Object> env = new HashMap<>();
        env.put(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, sockets);
        env.put(RMIConnectorServer.CREDENTIALS_FILTER_PATTERN, "java.lang.String;!*");
        env.put(RMIConnectorServer.SERIAL_FILTER_PATTERN, SERIAL_FILTER);
        if (authenticator != null) {
            env.put(JMXConnectorServer.AUTHENTICATOR, authenticator);
        }
        RMIJRMPServerImpl server = new RMIJRMPServerImpl(port, null, sockets, env);
        RMIConnectorServer connector = new RMIConnectorServer(new JMXServiceURL("service:jmx:rmi://127.0.0.1:" + port),
                env, server, ManagementFactory.getPlatformMBeanServer());
        connector.setMBeanServerForwarder(JmxGuard.forwarder(anonymousIsAdmin));
        connector.start();
        try {
            new ReadOnlyRegistry(port, sockets, "jmxrmi", server.toStub()); // exported for good, as the JDK's own
        } catch (IllegalAccessError e) {
            connector.stop();
            throw new IOException("the JVM needs --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED", e);
        }
        LOG.info("JMX on service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi ("
                + (authenticator == null ? "WITHOUT PASSWORDS: the development switch is on" : "users and roles") + ")");
        return connector;
    }
}
