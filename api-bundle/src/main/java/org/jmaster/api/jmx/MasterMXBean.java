package org.jmaster.api.jmx;

import javax.management.MBeanException;

/** The master: {@code org.jmaster:type=Master}. */
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
}
