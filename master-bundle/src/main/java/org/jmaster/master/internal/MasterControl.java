package org.jmaster.master.internal;

import javax.management.MBeanException;
import org.jmaster.api.Master;
import org.jmaster.api.jmx.MasterMXBean;

/** The Master MBean: the service list, the generation counter, the version, and reload. */
final class MasterControl implements MasterMXBean {
    private final Master master;

    MasterControl(Master master) {
        this.master = master;
    }

    @Override
    public String[] getServices() {
        return master.services().stream().map(Jmx::label).sorted().toArray(String[]::new);
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
    public void reload() throws MBeanException {
        try {
            master.reload();
        } catch (RuntimeException e) {
            throw new MBeanException(null, e.toString());
        }
    }
}
