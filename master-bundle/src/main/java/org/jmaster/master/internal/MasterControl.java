package org.jmaster.master.internal;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Date;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanException;
import org.jmaster.api.Master;
import org.jmaster.api.jmx.MasterMXBean;
import org.jmaster.api.postfix.TrustCheck;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * NAME
 *     MasterControl - the Master MBean
 * DESCRIPTION
 *     The service list, the generation counter, the version, reload, and the hot swap of the
 *     bundles whose state the master keeps (policy, nio, spawner), that hold none (the child
 *     runtime), and of the master bundle itself. The master is updated from a thread of its own
 *     once the call has returned: the update stops the bundle this MBean belongs to, so the
 *     caller learns only that it began; the Master MBean comes back when the new master has
 *     started (Handover keeps the clients meanwhile). The api bundle cannot be swapped: every
 *     other bundle is wired to it. A new jar is taken only from the bundle directory and only
 *     when root (the JVM's user) alone could have put it there (TrustedJar); its SHA-256 is
 *     logged.
 */
final class MasterControl implements MasterMXBean {
    private static final Set<String> SWAPPABLE = Set.of("org.jmaster.policy", "org.jmaster.nio", "org.jmaster.spawner",
            "org.jmaster.child", "org.jmaster.master");

    private final Master master;
    private final BundleContext context;

    MasterControl(Master master, BundleContext context) {
        this.master = master;
        this.context = context;
    }

    @Override
    public String[] getServices() {
        return master.services().stream().map(snapshot -> snapshot.definition().label()).sorted().toArray(String[]::new);
    }

    @Override
    public long getProcessGeneration() {
        return master.processGeneration();
    }

    @Override
    public String getVersion() {
        return Supervisor.VERSION;
    }

    @Override
    public String updateBundle(String name, String location) throws MBeanException {
        if (!SWAPPABLE.contains(name)) {
            throw new MBeanException(null, "only " + new java.util.TreeSet<>(SWAPPABLE) + " can be updated while jmaster"
                    + " runs, not " + name);
        }
        Bundle bundle = null;
        for (Bundle b : context.getBundles()) {
            if (name.equals(b.getSymbolicName())) {
                bundle = b;
            }
        }
        if (bundle == null) {
            throw new MBeanException(null, "no bundle " + name + " is installed");
        }
        TrustedJar jar;
        try {
            jar = TrustedJar.read(location, bundleDirectory(), name, TrustCheck.effectiveUid());
        } catch (IllegalArgumentException e) {
            Supervisor.LOG.warning("updateBundle " + name + ": " + e.getMessage());
            throw new MBeanException(null, e.getMessage());
        }
        Supervisor.LOG.info("updating bundle " + name + " from " + jar.path() + ", SHA-256 " + jar.sha256());
        if (bundle.equals(context.getBundle())) {
            return updateItself(bundle, jar);
        }
        try (InputStream in = new ByteArrayInputStream(jar.bytes())) {
            bundle.update(in);
        } catch (Exception e) {
            throw new MBeanException(null, "updating " + name + " from " + location + ": " + e);
        }
        return name + " " + bundle.getVersion() + " updated from " + jar.path() + " (SHA-256 " + jar.sha256() + "), state "
                + (bundle.getState() == Bundle.ACTIVE ? "ACTIVE" : Integer.toString(bundle.getState()))
                + ", last modified " + new Date(bundle.getLastModified()).toInstant();
    }

    /**
     * The master bundle replaced from a thread of its own: Bundle.update stops this bundle, and
     * with it the component serving this call, which must have returned first.
     */
    private static String updateItself(Bundle bundle, TrustedJar jar) {
        Thread updater = new Thread(() -> {
            try (InputStream in = new ByteArrayInputStream(jar.bytes())) {
                bundle.update(in);
            } catch (Exception e) {
                Supervisor.LOG.severe("updating " + bundle.getSymbolicName() + " from " + jar.path() + ": " + e);
            }
        }, "jmaster-update-master");
        updater.start();
        return bundle.getSymbolicName() + " " + bundle.getVersion() + " updating from " + jar.path() + " (SHA-256 "
                + jar.sha256() + "): the Master MBean is back once the new master has started";
    }

    /** The directory updates may come from: jmaster.bundle.directory, else the distribution's bundle/. */
    private Path bundleDirectory() {
        String directory = context.getProperty(TrustedJar.DIRECTORY_PROPERTY);
        String home = context.getProperty("jmaster.home");
        if (directory != null && !directory.isBlank()) {
            return Path.of(directory);
        }
        return home == null ? null : Path.of(home, "bundle");
    }

    @Override
    public void refreshBundles() throws MBeanException {
        CountDownLatch done = new CountDownLatch(1);
        try {
            context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(null, event -> {
                if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                    done.countDown();
                }
            });
            if (!done.await(60, TimeUnit.SECONDS)) {
                throw new MBeanException(null, "the refresh did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MBeanException(null, "interrupted while refreshing");
        } catch (RuntimeException e) {
            throw new MBeanException(null, e.toString());
        }
    }

    @Override
    public void reload() throws MBeanException {
        try {
            master.reload();
        } catch (RuntimeException e) {
            throw new MBeanException(null, e.toString());
        }
    }
}
