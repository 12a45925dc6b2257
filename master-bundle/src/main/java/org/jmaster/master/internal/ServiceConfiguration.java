package org.jmaster.master.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jmaster.api.postfix.MasterCfSyntax;
import org.osgi.service.component.ComponentConstants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * NAME
 *     ServiceConfiguration - one service per factory configuration org.jmaster.service
 * DESCRIPTION
 *     The keys are the master.cf columns (MasterCfSyntax.COLUMNS: service, type, private,
 *     unpriv, chroot, wakeup, maxproc, command) with master.cf values (y, n, - for the default,
 *     1000?), so a master.cf line can be copied into a .cfg file column by column. Adding a configuration starts the service,
 *     changing it restarts it, deleting it stops it and cleans up its children (the master
 *     bundle stopping does not: the master retires the children itself). The origin named
 *     in messages is the configuration's PID.
 */
@Component(configurationPid = ServiceConfiguration.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ServiceMetatype.class, factory = true)
public final class ServiceConfiguration {
    /** The factory PID of service configurations. */
    public static final String FACTORY_PID = "org.jmaster.service";

    private final EntrySink sink;
    private final String origin;

    /** Hands the configuration to the master. */
    @Activate
    public ServiceConfiguration(@Reference EntrySink sink, Map<String, Object> properties) {
        this.sink = sink;
        this.origin = String.valueOf(properties.get("service.pid"));
        sink.put(origin, columns(properties));
    }

    @Modified
    void modified(Map<String, Object> properties) {
        sink.put(origin, columns(properties));
    }

    /**
     * A deleted (or disabled) configuration stops its service. When the master bundle stops or is
     * updated the service stays: the master retires its children gracefully and its successor
     * takes the service back from the same configuration.
     */
    @Deactivate
    void deactivate(int reason) {
        if (reason != ComponentConstants.DEACTIVATION_REASON_BUNDLE_STOPPED
                && reason != ComponentConstants.DEACTIVATION_REASON_DISPOSED
                && reason != ComponentConstants.DEACTIVATION_REASON_REFERENCE) {
            sink.remove(origin);
        }
    }

    /** The eight columns as master.cf text; an absent optional column is "-", an absent required one "". */
    static List<String> columns(Map<String, ?> properties) {
        List<String> columns = new ArrayList<>(MasterCfSyntax.COLUMNS.size());
        for (String key : MasterCfSyntax.COLUMNS) {
            Object value = properties.get(key);
            String text;
            if (value instanceof String[] words) {
                text = MasterCfSyntax.joinCommand(List.of(words));
            } else {
                text = value == null ? "" : value.toString().strip();
            }
            boolean required = key.equals("service") || key.equals("type") || key.equals("command");
            columns.add(text.isEmpty() && !required ? "-" : text);
        }
        return columns;
    }
}
