package org.jmaster.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jmaster.api.postfix.TimeValue;

/**
 * The master-wide parameters, Postfix's main.cf names where Postfix has one: configuration PID
 * {@code org.jmaster.master}.
 *
 * <p>{@link #parse} reads configuration properties written as in main.cf (lists separated by
 * whitespace or commas, times with Postfix's units s, m, h, d, w); a bad value is an
 * {@link IllegalArgumentException} naming the key and the value. The {@code DEFAULT_*} constants
 * are the one home of the defaults (the Metatype descriptions use them too).
 */
public final class MasterSettings {
    /** Configuration PID of the master. */
    public static final String PID = "org.jmaster.master";
    /** {@code queue_directory}, relative to the working directory. */
    public static final String DEFAULT_QUEUE_DIRECTORY = "queue";
    /** {@code config_directory}. */
    public static final String DEFAULT_CONFIG_DIRECTORY = "/etc/postfix";
    /** {@code daemon_directory}: Debian's. */
    public static final String DEFAULT_DAEMON_DIRECTORY = "/usr/lib/postfix/sbin";
    /** {@code default_process_limit}. */
    public static final int DEFAULT_PROCESS_LIMIT = 100;
    /** {@code service_throttle_time}. */
    public static final String DEFAULT_SERVICE_THROTTLE_TIME = "60s";
    /** Postfix 3.7's default {@code import_environment}. */
    public static final String DEFAULT_IMPORT_ENVIRONMENT =
            "MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ XAUTHORITY DISPLAY LANG=C POSTLOG_SERVICE POSTLOG_HOSTNAME";
    /** {@code inet_interfaces}. */
    public static final String DEFAULT_INET_INTERFACES = "all";
    /** {@code inet_protocols}. */
    public static final String DEFAULT_INET_PROTOCOLS = "all";
    /** jmaster's {@code stop_timeout}. */
    public static final String DEFAULT_STOP_TIMEOUT = "5s";
    /** {@code mail_owner}. */
    public static final String DEFAULT_MAIL_OWNER = "postfix";
    /** {@code setgid_group}. */
    public static final String DEFAULT_SETGID_GROUP = "postdrop";
    /** {@code data_directory} without a main.cf, relative to the working directory (Postfix's is /var/lib/postfix). */
    public static final String DEFAULT_DATA_DIRECTORY = "data";
    /** The main.cf parameters the master reads, which main.cf decides when there is one. */
    public static final List<String> MAIN_CF_PARAMETERS = List.of("queue_directory", "daemon_directory",
            "data_directory", "mail_owner", "setgid_group", "default_process_limit", "service_throttle_time",
            "master_service_disable", "inet_interfaces", "inet_protocols", "import_environment", "compatibility_level",
            "maillog_file", "syslog_name", "syslog_facility", "postlog_service_name");

    private final Path queueDirectory;
    private final String configDirectory;
    private final Path daemonDirectory;
    private final int defaultProcessLimit;
    private final Duration serviceThrottleTime;
    private final List<String> importEnvironment;
    private final List<String> inetInterfaces;
    private final List<String> inetProtocols;
    private final Duration stopTimeout;
    private final String masterCf;
    private final List<String> masterServiceDisable;
    private final String mailOwner;
    private final String setgidGroup;
    private final Path dataDirectory;
    private final boolean chrootDefault;
    private final String maillogFile;
    private final String syslogName;
    private final String syslogFacility;
    private final String postlogServiceName;
    private final boolean strict;
    private final boolean watchMasterCf;
    private final boolean verbose;
    private final boolean debug;
    private final String childStderr;
    /** The parameters as configured, for messages and for keeping one across a reload. */
    private final Map<String, String> values = new TreeMap<>();

    private MasterSettings(Map<String, ?> p) {
        for (Map.Entry<String, ?> e : p.entrySet()) {
            Object v = e.getValue();
            values.put(e.getKey(), v instanceof String[] words ? String.join(" ", words) : String.valueOf(v));
        }
        queueDirectory = Path.of(string("queue_directory", DEFAULT_QUEUE_DIRECTORY)).toAbsolutePath().normalize();
        configDirectory = string("config_directory", DEFAULT_CONFIG_DIRECTORY);
        daemonDirectory = Path.of(string("daemon_directory", DEFAULT_DAEMON_DIRECTORY)).toAbsolutePath();
        defaultProcessLimit = integer("default_process_limit", DEFAULT_PROCESS_LIMIT, 1);
        serviceThrottleTime = time("service_throttle_time", DEFAULT_SERVICE_THROTTLE_TIME, 1);
        importEnvironment = list("import_environment", DEFAULT_IMPORT_ENVIRONMENT);
        inetInterfaces = list("inet_interfaces", DEFAULT_INET_INTERFACES);
        inetProtocols = list("inet_protocols", DEFAULT_INET_PROTOCOLS);
        for (String protocol : inetProtocols) {
            if (!List.of("all", "ipv4", "ipv6").contains(protocol)) {
                throw badValue("inet_protocols", protocol);
            }
        }
        stopTimeout = time("stop_timeout", DEFAULT_STOP_TIMEOUT, 0);
        masterCf = string("master_cf", "");
        masterServiceDisable = list("master_service_disable", "");
        mailOwner = string("mail_owner", DEFAULT_MAIL_OWNER);
        setgidGroup = string("setgid_group", DEFAULT_SETGID_GROUP);
        dataDirectory = Path.of(string("data_directory", DEFAULT_DATA_DIRECTORY)).toAbsolutePath().normalize();
        String level = string("compatibility_level", "1");
        if (!level.matches("[0-9]+(\\.[0-9]+)*")) {
            throw badValue("compatibility_level", level);
        }
        chrootDefault = level.matches("0+(\\.[0-9]+)*"); // master.cf's "-" chroot is y below level 1
        maillogFile = string("maillog_file", "");
        syslogName = string("syslog_name", "postfix");
        syslogFacility = string("syslog_facility", "mail");
        postlogServiceName = string("postlog_service_name", "postlog");
        strict = bool("strict_start", false);
        watchMasterCf = bool("master_cf_watch", false);
        verbose = bool("verbose", false);
        debug = bool("debug", false);
        childStderr = string("child_stderr", "");
    }

    /** Every parameter at its default. */
    public static MasterSettings defaults() {
        return new MasterSettings(Map.of());
    }

    /**
     * Settings from configuration properties; absent or empty keys take their default.
     *
     * @throws IllegalArgumentException naming the key and the bad value
     */
    public static MasterSettings parse(Map<String, ?> properties) {
        return new MasterSettings(properties);
    }

    private String string(String key, String dflt) {
        String value = values.get(key);
        if (value == null) {
            return dflt;
        }
        String text = value.strip();
        return text.isEmpty() ? dflt : text;
    }

    private List<String> list(String key, String dflt) {
        String text = values.getOrDefault(key, dflt);
        return Arrays.stream(text.split("[\\s,]+")).filter(s -> !s.isEmpty()).toList();
    }

    private int integer(String key, int dflt, int min) {
        String text = string(key, Integer.toString(dflt));
        try {
            int value = Integer.parseInt(text);
            if (value >= min) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw badValue(key, text);
    }

    private Duration time(String key, String dflt, long minSeconds) {
        String text = string(key, dflt);
        long seconds = TimeValue.seconds(text).orElse(-1);
        if (seconds < minSeconds) {
            throw badValue(key, text);
        }
        return Duration.ofSeconds(seconds);
    }

    /** A main.cf boolean: yes or no (also true, false). */
    private boolean bool(String key, boolean dflt) {
        String text = string(key, dflt ? "yes" : "no");
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "yes", "true" -> true;
            case "no", "false" -> false;
            default -> throw badValue(key, text);
        };
    }

    private static IllegalArgumentException badValue(String key, String value) {
        return new IllegalArgumentException("key \"" + key + "\": bad value: \"" + value + "\"");
    }

    /** {@code queue_directory}: children's working directory, and where unix endpoints live. */
    public Path queueDirectory() {
        return queueDirectory;
    }

    /** {@code config_directory}: given to children as {@code MAIL_CONFIG}. */
    public String configDirectory() {
        return configDirectory;
    }

    /** {@code daemon_directory}: where relative commands are found. */
    public Path daemonDirectory() {
        return daemonDirectory;
    }

    /** {@code default_process_limit}: what {@code -} means in the maxproc column. */
    public int defaultProcessLimit() {
        return defaultProcessLimit;
    }

    /** {@code service_throttle_time}: how long a throttle lasts. */
    public Duration serviceThrottleTime() {
        return serviceThrottleTime;
    }

    /** {@code import_environment}: the names (or {@code name=value}) children get from the master. */
    public List<String> importEnvironment() {
        return importEnvironment;
    }

    /** {@code inet_interfaces}: {@code all}, {@code loopback-only}, or addresses and host names. */
    public List<String> inetInterfaces() {
        return inetInterfaces;
    }

    /** {@code inet_protocols}: {@code all}, {@code ipv4}, {@code ipv6}. */
    public List<String> inetProtocols() {
        return inetProtocols;
    }

    /** jmaster's {@code stop_timeout}: how long a cleanup waits before SIGKILL. */
    public Duration stopTimeout() {
        return stopTimeout;
    }

    /** {@code master_cf}: the path of a master.cf file, empty for none. */
    public String masterCf() {
        return masterCf;
    }

    /** {@code master_service_disable}: {@code type} or {@code name/type} patterns of disabled services. */
    public List<String> masterServiceDisable() {
        return masterServiceDisable;
    }

    /** {@code mail_owner}: who owns the queue's private/ and public/, and their sockets; who -u children become. */
    public String mailOwner() {
        return mailOwner;
    }

    /** {@code setgid_group}: the group of public/, which postdrop and postqueue run as. */
    public String setgidGroup() {
        return setgidGroup;
    }

    /** {@code data_directory}: where Postfix's master keeps master.lock, which bin/jmaster locks for jmaster. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** What "-" means in master.cf's chroot column: y below compatibility_level 1, else n. */
    public boolean chrootDefault() {
        return chrootDefault;
    }

    /** {@code maillog_file}: when set, the master logs through the postlog service, as every daemon. */
    public String maillogFile() {
        return maillogFile;
    }

    /** {@code syslog_name}: the master logs as syslog_name/master. */
    public String syslogName() {
        return syslogName;
    }

    /** {@code syslog_facility}. */
    public String syslogFacility() {
        return syslogFacility;
    }

    /** {@code postlog_service_name}: the unix-dgram service under public/ that postlogd reads. */
    public String postlogServiceName() {
        return postlogServiceName;
    }

    /** jmaster's {@code strict_start}: a refused service or a bad master.cf line at start-up is fatal, as in Postfix. */
    public boolean strictStart() {
        return strict;
    }

    /** jmaster's {@code master_cf_watch}: a change of the master.cf file is a reload (off: SIGHUP or JMX only, as Postfix). */
    public boolean watchMasterCf() {
        return watchMasterCf;
    }

    /** jmaster's {@code verbose}: children get -v, as under master -v. */
    public boolean verbose() {
        return verbose;
    }

    /** jmaster's {@code debug}: children get -d, as under master -d. */
    public boolean debug() {
        return debug;
    }

    /** jmaster's {@code child_stderr}: a file children's standard error is appended to; empty: /dev/null. */
    public String childStderr() {
        return childStderr;
    }

    /** A parameter as configured (absent: null). */
    public String value(String key) {
        return values.get(key);
    }

    /** These settings with one parameter as configured in other settings (or removed when absent there). */
    public MasterSettings with(String key, MasterSettings other) {
        Map<String, Object> p = new HashMap<>(values);
        if (other.value(key) == null) {
            p.remove(key);
        } else {
            p.put(key, other.value(key));
        }
        return new MasterSettings(p);
    }

    /** The executable of a command: absolute as written, else under the daemon directory. */
    public String commandPath(String command) {
        return command.startsWith("/") ? command : daemonDirectory.resolve(command).toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MasterSettings s && queueDirectory.equals(s.queueDirectory)
                && configDirectory.equals(s.configDirectory) && daemonDirectory.equals(s.daemonDirectory)
                && defaultProcessLimit == s.defaultProcessLimit && serviceThrottleTime.equals(s.serviceThrottleTime)
                && importEnvironment.equals(s.importEnvironment) && inetInterfaces.equals(s.inetInterfaces)
                && inetProtocols.equals(s.inetProtocols) && stopTimeout.equals(s.stopTimeout)
                && masterCf.equals(s.masterCf) && masterServiceDisable.equals(s.masterServiceDisable)
                && mailOwner.equals(s.mailOwner) && setgidGroup.equals(s.setgidGroup) && values.equals(s.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(queueDirectory, configDirectory, daemonDirectory, defaultProcessLimit, serviceThrottleTime,
                importEnvironment, inetInterfaces, inetProtocols, stopTimeout, masterCf, masterServiceDisable, mailOwner,
                setgidGroup, values);
    }
}
