package org.jmaster.api.jmx;

import javax.management.MBeanException;
import org.osgi.annotation.versioning.ProviderType;

/** The master: {@code org.jmaster:type=Master}. */
@ProviderType
@Description("The jmaster supervisor: its services and its configuration.")
public interface MasterMXBean {
    @Description("Every service, as \"<service>/<type>\".")
    String[] getServices();

    @Description("The master-wide generation counter: the generation of the newest child.")
    long getProcessGeneration();

    @Description("The jmaster version.")
    String getVersion();

    @Description("Re-reads org.jmaster.master, master.cf and the service configurations, as Postfix's reload:"
            + " new services start, every other one is restarted gracefully, removed ones stop.")
    void reload() throws MBeanException;

    @Description("Replaces the policy, nio, spawner or master bundle (or the child runtime) with a new jar while"
            + " every service keeps its listen sockets; clients wait, none is refused. Returns what was done; the master"
            + " itself is replaced after the call returns, and this MBean is back once the new master has started.")
    String updateBundle(
            @Description("The bundle: org.jmaster.policy, org.jmaster.nio, org.jmaster.spawner, org.jmaster.master or"
                    + " org.jmaster.child")
            String bundle,
            @Description("Where the new jar is: a file: URL of a jar in the distribution's bundle/ directory, which"
                    + " only jmaster's user may write: file:/opt/jmaster/bundle/policy-bundle.jar") String location)
            throws MBeanException;

    @Description("Refreshes the bundles that still have old revisions after updates; returns when done.")
    void refreshBundles() throws MBeanException;
}
