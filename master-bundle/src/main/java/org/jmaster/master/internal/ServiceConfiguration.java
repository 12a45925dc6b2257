package org.jmaster.master.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 *     The keys are the master.cf columns (service, type, private, unpriv, chroot, wakeup, maxproc,
 *     command) with master.cf values (y, n, - for the default, 1000?), so a master.cf line can be
 *     copied into a .cfg file column by column. Adding a configuration starts the service,
 *     changing it restarts it, deleting it stops it and cleans up its children (the master
 *     bundle stopping does not: the master retires the children itself). The origin named
 *     in messages is the configuration's PID.
 */
@Component(configurationPid = ServiceConfiguration.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ServiceConfigurationType.class, factory = true)
public final class ServiceConfiguration {
    /** The factory PID of service configurations. */
    public static final String FACTORY_PID = "org.jmaster.service";
    private static final String[] KEYS = {"service", "type", "private", "unpriv", "chroot", "wakeup", "maxproc", "command"};

    private final ServiceTable table;
    private final String origin;

    /** Hands the configuration to the master. */
    @Activate
    public ServiceConfiguration(@Reference ServiceTable table, Map<String, Object> properties) {
        this.table = table;
        this.origin = String.valueOf(properties.get("service.pid"));
        table.put(origin, columns(properties));
    }

    @Modified
    void modified(Map<String, Object> properties) {
        table.put(origin, columns(properties));
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
            table.remove(origin);
        }
    }

    /** The eight columns as master.cf text; an absent optional column is "-", an absent required one "". */
    static List<String> columns(Map<String, ?> properties) {
        List<String> columns = new ArrayList<>(KEYS.length);
        for (String key : KEYS) {
            Object value = properties.get(key);
            String text;
            if (value instanceof String[]) {
                StringBuilder words = new StringBuilder();
                for (String word : (String[]) value) {
                    boolean group = word.isEmpty() || word.chars().anyMatch(Character::isWhitespace);
                    words.append(words.length() > 0 ? " " : "").append(group ? "{ " + word + " }" : word);
                }
                text = words.toString();
            } else {
                text = value == null ? "" : value.toString().strip();
            }
            boolean required = key.equals("service") || key.equals("type") || key.equals("command");
            columns.add(text.isEmpty() && !required ? "-" : text);
        }
        return columns;
    }
}
