package org.jmaster.master.internal;

import java.util.List;
import java.util.function.Function;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.spi.policy.ServiceState;

/**
 * NAME
 *     SettingsWatch - the master-wide parameters on reload: which may change (Postfix
 *     master_watch.c, master_vars.c)
 * SYNOPSIS
 *     MasterSettings next(current, requested, inetWithoutHost, context)
 * DESCRIPTION
 *     A table of (parameter, updatable), as Postfix's watch tables with
 *     MASTER_WATCH_FLAG_UPDATABLE. An updatable parameter takes its new value at once; one that
 *     is not keeps its old value until jmaster is stopped and started, with Postfix's three
 *     warnings. inet_interfaces is not updatable either; as in Postfix's master_ent.c, its
 *     warning names each inet service that takes its addresses from it.
 * DIAGNOSTICS
 *     "ignoring <parameter> parameter value change", "old value: ..., new value: ...",
 *     "to change <parameter>, stop and start jmaster".
 */
final class SettingsWatch {
    /** One parameter: its name, its value as operators read it, and whether a reload may change it. */
    record Watched(String parameter, Function<MasterSettings, Object> value, boolean updatable) {
    }

    static final List<Watched> TABLE = List.of(
            new Watched("config_directory", MasterSettings::configDirectory, false),
            new Watched("queue_directory", MasterSettings::queueDirectory, false),
            new Watched("inet_protocols", s -> String.join(", ", s.inetProtocols()), false),
            new Watched("inet_interfaces", MasterSettings::inetInterfaces, false),
            new Watched("data_directory", MasterSettings::dataDirectory, false),
            new Watched("daemon_directory", MasterSettings::daemonDirectory, true),
            new Watched("default_process_limit", MasterSettings::defaultProcessLimit, true),
            new Watched("service_throttle_time", MasterSettings::serviceThrottleTime, true),
            new Watched("import_environment", MasterSettings::importEnvironment, true),
            new Watched("stop_timeout", MasterSettings::stopTimeout, true),
            new Watched("master_cf", MasterSettings::masterCf, true),
            new Watched("master_service_disable", MasterSettings::masterServiceDisable, true),
            new Watched("mail_owner", MasterSettings::mailOwner, true),
            new Watched("setgid_group", MasterSettings::setgidGroup, true),
            new Watched("compatibility_level", MasterSettings::chrootDefault, true),
            new Watched("maillog_file", MasterSettings::maillogFile, true),
            new Watched("syslog_name", MasterSettings::syslogName, true),
            new Watched("syslog_facility", MasterSettings::syslogFacility, true),
            new Watched("postlog_service_name", MasterSettings::postlogServiceName, true),
            new Watched("strict_start", MasterSettings::strictStart, true),
            new Watched("master_cf_watch", MasterSettings::watchMasterCf, true),
            new Watched("verbose", MasterSettings::verbose, true),
            new Watched("debug", MasterSettings::debug, true),
            new Watched("child_stderr", MasterSettings::childStderr, true));

    private SettingsWatch() {
    }

    /** The settings a reload takes: the requested ones, but the old value of what may not change. */
    static MasterSettings next(MasterSettings current, MasterSettings requested, List<ServiceState> inetWithoutHost,
            MasterContext context) {
        MasterSettings next = requested;
        for (Watched watched : TABLE) {
            if (watched.updatable()) {
                continue;
            }
            Object old = watched.value().apply(current);
            Object now = watched.value().apply(requested);
            if (old.equals(now)) {
                continue;
            }
            if (watched.parameter().equals("inet_interfaces")) {
                for (ServiceState service : inetWithoutHost) {
                    context.warning("service " + service.name() + ": ignoring inet_interfaces change");
                    context.warning("to change inet_interfaces, stop and start jmaster");
                }
            } else {
                context.warning("ignoring " + watched.parameter() + " parameter value change");
                context.warning("old value: \"" + old + "\", new value: \"" + now + "\"");
                context.warning("to change " + watched.parameter() + ", stop and start jmaster");
            }
            next = next.with(watched.parameter(), current);
        }
        return next;
    }
}
