package org.jmaster.launcher;

import java.rmi.AccessException;
import java.rmi.NotBoundException;
import java.rmi.Remote;
import java.rmi.RemoteException;
import java.rmi.server.RMIClientSocketFactory;
import java.rmi.server.RMIServerSocketFactory;
import sun.rmi.registry.RegistryImpl;

/**
 * NAME
 *     ReadOnlyRegistry - an RMI registry that holds one name and lets no one change it
 * SYNOPSIS
 *     new ReadOnlyRegistry(port, serverSockets, name, stub)
 * DESCRIPTION
 *     The JDK's registry lets any process on the host bind, rebind and unbind (RegistryImpl
 *     checks only that the caller is local). Any local user could then unbind "jmxrmi" and take
 *     management away until a restart. This one answers lookup and list for its single name and
 *     refuses every change, as the JDK's own management agent does with its registry. Needs
 *     --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED (bin/jmaster passes it).
 * DIAGNOSTICS
 *     AccessException to a caller that tries bind, rebind or unbind; NotBoundException for any
 *     other name.
 */
final class ReadOnlyRegistry extends RegistryImpl {
    private static final long serialVersionUID = 1L;
    private final String name;
    private final transient Remote stub;

    ReadOnlyRegistry(int port, RMIServerSocketFactory sockets, String name, Remote stub) throws RemoteException {
        super(port, (RMIClientSocketFactory) null, sockets);
        this.name = name;
        this.stub = stub;
    }

    @Override
    public Remote lookup(String lookedUp) throws NotBoundException {
        if (name.equals(lookedUp)) {
            return stub;
        }
        throw new NotBoundException(lookedUp);
    }

    @Override
    public String[] list() {
        return new String[] {name};
    }

    @Override
    public void bind(String bound, Remote object) throws AccessException {
        throw refused();
    }

    @Override
    public void rebind(String bound, Remote object) throws AccessException {
        throw refused();
    }

    @Override
    public void unbind(String unbound) throws AccessException {
        throw refused();
    }

    private static AccessException refused() {
        return new AccessException("this registry is read-only");
    }
}
