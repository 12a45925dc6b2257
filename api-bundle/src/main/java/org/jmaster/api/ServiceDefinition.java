package org.jmaster.api;

import java.util.List;
import java.util.Objects;
import org.jmaster.api.postfix.MasterCfSyntax;

/**
 * One service as master.cf describes it: the eight columns of a master.cf line.
 *
 * <p>An immutable value, validated on construction: a bad value is an
 * {@link IllegalArgumentException} whose message names the field and the value, in Postfix's words
 * ({@code field "maxproc": bad value: "x"}), so callers only need to prefix the file and line or
 * the configuration PID.
 *
 * <p>The identity of a service is not its definition: it is (canonical endpoint name, type), which
 * the master computes (see Postfix's {@code master_ent.c}).
 *
 * @param name column 1 as written: Postfix's {@code ext_name}, the child's {@code -n} value (for
 *     inet {@code [host:]port})
 * @param type column 2
 * @param privateService column 3: the endpoint is under {@code private/} rather than
 *     {@code public/}; never for inet
 * @param unprivileged column 4: children drop privileges ({@code -u})
 * @param chroot column 5: children chroot to the queue directory ({@code -c})
 * @param wakeupSeconds column 6 without the {@code ?}: seconds between wakeup triggers, 0 for none
 * @param conditionalWakeup column 6 ended in {@code ?} (and is not 0): no wakeup until the first
 *     child is spawned
 * @param processLimit column 7: the process limit, 0 for unlimited
 * @param command column 8 and after: the command (relative to daemon_directory or absolute) and
 *     its arguments, {@code { }} groups as one word
 */
public record ServiceDefinition(String name, ServiceType type, boolean privateService, boolean unprivileged,
        boolean chroot, int wakeupSeconds, boolean conditionalWakeup, int processLimit, List<String> command) {

    /**
     * A definition from typed values.
     *
     * @throws IllegalArgumentException naming the field and the bad value
     */
    public ServiceDefinition {
        Objects.requireNonNull(type, "type");
        requireName(name, type);
        if (type == ServiceType.INET && privateService) {
            throw new IllegalArgumentException("inet service cannot be private");
        }
        if (wakeupSeconds < 0) {
            throw MasterCfSyntax.badValue("wakeup", Integer.toString(wakeupSeconds));
        }
        conditionalWakeup = conditionalWakeup && wakeupSeconds > 0;
        if (processLimit < 0) {
            throw MasterCfSyntax.badValue("maxproc", Integer.toString(processLimit));
        }
        command = List.copyOf(Objects.requireNonNull(command, "command"));
        if (command.isEmpty() || command.get(0).isEmpty()) {
            throw new IllegalArgumentException("missing \"command\" field");
        }
    }

    /**
     * A definition from the text of the master.cf columns ({@link MasterCfSyntax#COLUMNS}): {@code -}
     * selects the default, booleans are {@code y}/{@code n}, the wakeup may end in {@code ?}.
     *
     * @param columns the eight columns in master.cf order; the command column holds the command
     *     and all its arguments
     * @param defaultProcessLimit what {@code -} means in the maxproc column
     * @throws IllegalArgumentException naming the field and the bad value
     */
    public static ServiceDefinition fromColumns(List<String> columns, int defaultProcessLimit) {
        return fromColumns(columns, defaultProcessLimit, false);
    }

    /**
     * As {@link #fromColumns(List, int)}, with what {@code -} means in the chroot column
     * ({@link MasterSettings#chrootDefault()}: y below compatibility_level 1).
     */
    public static ServiceDefinition fromColumns(List<String> columns, int defaultProcessLimit, boolean chrootDefault) {
        List<String> field = MasterCfSyntax.COLUMNS;
        if (columns.size() != field.size()) {
            throw new IllegalArgumentException("expected " + field.size() + " fields, got " + columns.size());
        }
        for (int i = 0; i < field.size(); i++) {
            String value = columns.get(i);
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("missing \"" + field.get(i) + "\" field");
            }
        }
        String wakeup = columns.get(5).strip();
        boolean conditional = wakeup.endsWith("?");
        if (conditional) {
            wakeup = wakeup.substring(0, wakeup.length() - 1);
        }
        return new ServiceDefinition(columns.get(0).strip(), ServiceType.ofColumn(columns.get(1).strip()),
                MasterCfSyntax.flag("private", columns.get(2), true), MasterCfSyntax.flag("unpriv", columns.get(3), true),
                MasterCfSyntax.flag("chroot", columns.get(4), chrootDefault),
                MasterCfSyntax.number("wakeup", wakeup, 0, columns.get(5)), conditional,
                MasterCfSyntax.number("maxproc", columns.get(6).strip(), defaultProcessLimit, columns.get(6)),
                MasterCfSyntax.splitCommand(columns.get(7)));
    }

    /**
     * A definition from one logical master.cf line (continuations already joined).
     *
     * @throws IllegalArgumentException naming the missing field or the bad value
     */
    public static ServiceDefinition parse(String line, int defaultProcessLimit) {
        return fromColumns(MasterCfSyntax.columns(line), defaultProcessLimit);
    }

    private static void requireName(String name, ServiceType type) {
        if (name == null || name.isEmpty() || name.chars().anyMatch(c -> Character.isWhitespace(c) || c < 32)) {
            throw MasterCfSyntax.badValue("service", String.valueOf(name));
        }
        if (type.isLocalPath() && (name.contains("/") || name.equals(".") || name.equals(".."))) {
            throw MasterCfSyntax.badValue("service", name);
        }
    }

    /** {@code <service>/<type>}, the way operators and JMX name a service. */
    public String label() {
        return name + "/" + type.column();
    }

    /** The master.cf text of this definition, one line, with every default spelled out. */
    @Override
    public String toString() {
        return name + ' ' + type.column() + ' ' + yn(privateService) + ' ' + yn(unprivileged) + ' ' + yn(chroot) + ' '
                + wakeupSeconds + (conditionalWakeup ? "?" : "") + ' ' + processLimit + ' '
                + MasterCfSyntax.joinCommand(command);
    }

    private static char yn(boolean value) {
        return value ? 'y' : 'n';
    }
}
