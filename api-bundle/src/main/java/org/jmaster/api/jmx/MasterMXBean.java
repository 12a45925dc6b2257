package org.jmaster.api.jmx;

import javax.management.MBeanException;

/** The master: {@code org.jmaster:type=Master}. */
public interface MasterMXBean {
    /** Every service, as {@code "<service>/<type>"}. */
    String[] getServices();

    /** The master-wide generation counter: the generation of the newest child. */
    long getProcessGeneration();

    /** The jmaster version. */
    String getVersion();

    /** Re-reads master.cf and the configuration, as Postfix's reload does. */
    void reload() throws MBeanException;
}
