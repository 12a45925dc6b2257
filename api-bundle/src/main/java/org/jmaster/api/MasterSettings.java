package org.jmaster.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The master-wide parameters, Postfix's main.cf names where Postfix has one: configuration PID
 * {@code org.jmaster.master}.
 *
 * <p>{@link #parse} reads configuration properties written as in main.cf (lists separated by
 * whitespace or commas, times with Postfix's units s, m, h, d, w); a bad value is an
 * {@link IllegalArgumentException} naming the key and the value.
 */
public final class MasterSettings {
    /** Configuration PID of the master. */
    public static final String PID = "org.jmaster.master";
    /** Postfix 3.7's default {@code import_environment}. */
    public static final String DEFAULT_IMPORT_ENVIRONMENT =
            "MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ XAUTHORITY DISPLAY LANG=C POSTLOG_SERVICE POSTLOG_HOSTNAME";

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
    private final Map<String, String> values = new java.util.TreeMap<>();

    private MasterSettings(Map<String, ?> p) {
        for (Map.Entry<String, ?> e : p.entrySet()) {
            Object v = e.getValue();
            values.put(e.getKey(), v instanceof String[] ? String.join(" ", (String[]) v) : String.valueOf(v));
        }
        queueDirectory = Path.of(string(p, "queue_directory", "queue")).toAbsolutePath().normalize();
        configDirectory = string(p, "config_directory", "/etc/postfix");
        daemonDirectory = Path.of(string(p, "daemon_directory", "/usr/lib/postfix/sbin")).toAbsolutePath();
        defaultProcessLimit = integer(p, "default_process_limit", 100, 1);
        serviceThrottleTime = time(p, "service_throttle_time", "60s", 1);
        importEnvironment = list(p, "import_environment", DEFAULT_IMPORT_ENVIRONMENT);
        inetInterfaces = list(p, "inet_interfaces", "all");
        inetProtocols = list(p, "inet_protocols", "all");
        for (String protocol : inetProtocols) {
            if (!List.of("all", "ipv4", "ipv6").contains(protocol)) {
                throw badValue("inet_protocols", protocol);
            }
        }
        stopTimeout = time(p, "stop_timeout", "5s", 0);
        masterCf = string(p, "master_cf", "");
        masterServiceDisable = list(p, "master_service_disable", "");
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

    /**
     * A Postfix time value: a number with an optional unit s, m, h, d or w (seconds without one).
     *
     * @throws IllegalArgumentException naming the key and the bad value
     */
    public static Duration parseTime(String key, String value) {
        String text = value.strip();
        long unit = 1;
        if (!text.isEmpty() && !Character.isDigit(text.charAt(text.length() - 1))) {
            switch (text.charAt(text.length() - 1)) {
                case 's':
                    unit = 1;
                    break;
                case 'm':
                    unit = 60;
                    break;
                case 'h':
                    unit = 3600;
                    break;
                case 'd':
                    unit = 86400;
                    break;
                case 'w':
                    unit = 604800;
                    break;
                default:
                    throw badValue(key, value);
            }
            text = text.substring(0, text.length() - 1);
        }
        if (text.isEmpty() || !text.chars().allMatch(Character::isDigit) || text.length() > 9) {
            throw badValue(key, value);
        }
        return Duration.ofSeconds(Long.parseLong(text) * unit);
    }

    private static String string(Map<String, ?> p, String key, String dflt) {
        Object value = p.get(key);
        if (value == null) {
            return dflt;
        }
        String text = value.toString().strip();
        return text.isEmpty() ? dflt : text;
    }

    private static List<String> list(Map<String, ?> p, String key, String dflt) {
        Object value = p.get(key);
        if (value instanceof String[]) {
            value = String.join(" ", (String[]) value);
        }
        String text = value == null ? dflt : value.toString();
        return Arrays.stream(text.split("[\\s,]+")).filter(s -> !s.isEmpty()).collect(java.util.stream.Collectors.toUnmodifiableList());
    }

    private static int integer(Map<String, ?> p, String key, int dflt, int min) {
        String text = string(p, key, Integer.toString(dflt));
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

    private static Duration time(Map<String, ?> p, String key, String dflt, long minSeconds) {
        Duration value = parseTime(key, string(p, key, dflt));
        if (value.getSeconds() < minSeconds) {
            throw badValue(key, string(p, key, dflt));
        }
        return value;
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

    /** A parameter as configured (absent: null), for messages and comparisons. */
    public String value(String key) {
        return values.get(key);
    }

    /** These settings with one parameter replaced by its value in other settings (or removed). */
    public MasterSettings with(String key, MasterSettings other) {
        Map<String, Object> p = new java.util.HashMap<>(values);
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
        if (!(o instanceof MasterSettings)) {
            return false;
        }
        MasterSettings s = (MasterSettings) o;
        return queueDirectory.equals(s.queueDirectory) && configDirectory.equals(s.configDirectory)
                && daemonDirectory.equals(s.daemonDirectory) && defaultProcessLimit == s.defaultProcessLimit
                && serviceThrottleTime.equals(s.serviceThrottleTime) && importEnvironment.equals(s.importEnvironment)
                && inetInterfaces.equals(s.inetInterfaces) && inetProtocols.equals(s.inetProtocols)
                && stopTimeout.equals(s.stopTimeout) && masterCf.equals(s.masterCf)
                && masterServiceDisable.equals(s.masterServiceDisable);
    }

    @Override
    public int hashCode() {
        return Objects.hash(queueDirectory, configDirectory, daemonDirectory, defaultProcessLimit);
    }
}
