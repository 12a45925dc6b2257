package org.jmaster.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One service as master.cf describes it: the eight columns of a master.cf line.
 *
 * <p>An immutable value, validated on construction: a bad value is an
 * {@link IllegalArgumentException} whose message names the field and the value, in Postfix's words
 * ({@code field "maxproc": bad value: "x"}), so callers only need to prefix the file and line or
 * the configuration PID.
 *
 * <p>{@link #fromColumns} turns the master.cf text of the columns into a definition: {@code -}
 * selects the default, booleans are {@code y}/{@code n}, the wakeup may end in {@code ?}, and the
 * command field is split into words where {@code { ... }} groups become one word (braces and the
 * whitespace just inside them removed).
 *
 * <p>The identity of a service is not its definition: it is (canonical endpoint name, type), which
 * the master computes (see Postfix's {@code master_ent.c}).
 */
public final class ServiceDefinition {
    private final String name;
    private final ServiceType type;
    private final boolean privateService;
    private final boolean unprivileged;
    private final boolean chroot;
    private final int wakeupSeconds;
    private final boolean conditionalWakeup;
    private final int processLimit;
    private final List<String> command;

    /**
     * A definition from typed values.
     *
     * @param name service name as written in column 1 (for inet {@code [host:]port})
     * @param type transport type
     * @param privateService column 3; must be false for inet
     * @param unprivileged column 4 (the child gets {@code -u})
     * @param chroot column 5 (the child gets {@code -c})
     * @param wakeupSeconds column 6, 0 for none
     * @param conditionalWakeup column 6 ended in {@code ?}: no wakeup before the first spawn
     * @param processLimit column 7, 0 for unlimited
     * @param command column 8 and after: the command (relative to daemon_directory or absolute)
     *     and its arguments
     * @throws IllegalArgumentException naming the field and the bad value
     */
    public ServiceDefinition(String name, ServiceType type, boolean privateService, boolean unprivileged,
            boolean chroot, int wakeupSeconds, boolean conditionalWakeup, int processLimit, List<String> command) {
        this.name = requireName(name, type);
        this.type = Objects.requireNonNull(type, "type");
        if (type == ServiceType.INET && privateService) {
            throw new IllegalArgumentException("inet service cannot be private");
        }
        this.privateService = privateService;
        this.unprivileged = unprivileged;
        this.chroot = chroot;
        if (wakeupSeconds < 0) {
            throw badValue("wakeup", Integer.toString(wakeupSeconds));
        }
        this.wakeupSeconds = wakeupSeconds;
        this.conditionalWakeup = conditionalWakeup && wakeupSeconds > 0;
        if (processLimit < 0) {
            throw badValue("maxproc", Integer.toString(processLimit));
        }
        this.processLimit = processLimit;
        this.command = List.copyOf(Objects.requireNonNull(command, "command"));
        if (this.command.isEmpty() || this.command.get(0).isEmpty()) {
            throw new IllegalArgumentException("missing \"command\" field");
        }
    }

    /**
     * A definition from the text of the master.cf columns.
     *
     * @param columns the service, type, private, unpriv, chroot, wakeup, maxproc and command fields,
     *     in master.cf order; the command field holds the command and all its arguments
     * @param defaultProcessLimit what {@code -} means in the maxproc column
     * @throws IllegalArgumentException naming the field and the bad value
     */
    public static ServiceDefinition fromColumns(List<String> columns, int defaultProcessLimit) {
        String[] field = {"service", "type", "private", "unpriv", "chroot", "wakeup", "maxproc", "command"};
        if (columns.size() != field.length) {
            throw new IllegalArgumentException("expected " + field.length + " fields, got " + columns.size());
        }
        for (int i = 0; i < field.length; i++) {
            String value = columns.get(i);
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("missing \"" + field[i] + "\" field");
            }
        }
        String wakeup = columns.get(5).strip();
        boolean conditional = wakeup.endsWith("?");
        if (conditional) {
            wakeup = wakeup.substring(0, wakeup.length() - 1);
        }
        return new ServiceDefinition(columns.get(0).strip(), ServiceType.ofColumn(columns.get(1).strip()),
                bool("private", columns.get(2), true), bool("unpriv", columns.get(3), true),
                bool("chroot", columns.get(4), false),
                number("wakeup", wakeup, 0, columns.get(5)), conditional,
                number("maxproc", columns.get(6).strip(), defaultProcessLimit, columns.get(6)),
                splitCommand(columns.get(7)));
    }

    /**
     * A definition from one logical master.cf line (continuations already joined): seven
     * whitespace-separated fields, then the command and its arguments.
     *
     * @throws IllegalArgumentException naming the missing field or the bad value
     */
    public static ServiceDefinition parse(String line, int defaultProcessLimit) {
        List<String> columns = new ArrayList<>(8);
        String rest = line.strip();
        for (int i = 0; i < 7; i++) {
            int end = 0;
            while (end < rest.length() && !Character.isWhitespace(rest.charAt(end))) {
                end++;
            }
            columns.add(rest.substring(0, end));
            rest = rest.substring(end).strip();
        }
        columns.add(rest);
        return fromColumns(columns, defaultProcessLimit);
    }

    /**
     * Splits a command field into words the way Postfix's master does: whitespace separates words,
     * and a word that starts with <code>{</code> extends to its matching <code>}</code>; such a
     * group becomes one word without the braces and without the whitespace just inside them.
     *
     * @throws IllegalArgumentException for an unbalanced brace
     */
    public static List<String> splitCommand(String field) {
        List<String> words = new ArrayList<>();
        int i = 0;
        int n = field.length();
        while (i < n) {
            if (Character.isWhitespace(field.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            int depth = 0;
            while (i < n && (depth > 0 || !Character.isWhitespace(field.charAt(i)))) {
                char c = field.charAt(i++);
                if (c == '{') {
                    depth++;
                } else if (c == '}' && --depth < 0) {
                    throw new IllegalArgumentException("field \"command\": unbalanced '}' in \""
                            + field.substring(start, i) + "\"");
                }
            }
            if (depth > 0) {
                throw new IllegalArgumentException("field \"command\": missing '}' in \""
                        + field.substring(start) + "\"");
            }
            String word = field.substring(start, i);
            if (word.startsWith("{") && word.endsWith("}")) {
                word = word.substring(1, word.length() - 1).strip();
            }
            words.add(word);
        }
        return words;
    }

    private static boolean bool(String field, String text, boolean dflt) {
        switch (text.strip()) {
            case "-":
                return dflt;
            case "y":
                return true;
            case "n":
                return false;
            default:
                throw badValue(field, text.strip());
        }
    }

    private static int number(String field, String text, int dflt, String asWritten) {
        if (text.equals("-")) {
            return dflt;
        }
        if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw badValue(field, asWritten.strip());
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw badValue(field, asWritten.strip());
        }
    }

    private static String requireName(String name, ServiceType type) {
        if (name == null || name.isEmpty() || name.chars().anyMatch(c -> Character.isWhitespace(c) || c < 32)) {
            throw badValue("service", String.valueOf(name));
        }
        if (type != null && type.isLocalPath() && (name.contains("/") || name.equals(".") || name.equals(".."))) {
            throw badValue("service", name);
        }
        return name;
    }

    private static IllegalArgumentException badValue(String field, String value) {
        return new IllegalArgumentException("field \"" + field + "\": bad value: \"" + value + "\"");
    }

    /** Column 1 as written: Postfix's {@code ext_name}, the child's {@code -n} value. */
    public String name() {
        return name;
    }

    /** Column 2. */
    public ServiceType type() {
        return type;
    }

    /** Column 3: the endpoint is under {@code private/} rather than {@code public/}. */
    public boolean isPrivate() {
        return privateService;
    }

    /** Column 4: children drop privileges ({@code -u}). */
    public boolean isUnprivileged() {
        return unprivileged;
    }

    /** Column 5: children chroot to the queue directory ({@code -c}). */
    public boolean isChroot() {
        return chroot;
    }

    /** Column 6 without the {@code ?}: seconds between wakeup triggers, 0 for none. */
    public int wakeupSeconds() {
        return wakeupSeconds;
    }

    /** Column 6 ended in {@code ?} (and is not 0): no wakeup until the first child is spawned. */
    public boolean isConditionalWakeup() {
        return conditionalWakeup;
    }

    /** Column 7: the process limit, 0 for unlimited. */
    public int processLimit() {
        return processLimit;
    }

    /** Column 8 and after: the command as written, then its arguments ({@code { }} groups as one word). */
    public List<String> command() {
        return command;
    }

    /** The master.cf text of this definition, one line, with every default spelled out. */
    @Override
    public String toString() {
        StringBuilder line = new StringBuilder();
        line.append(name).append(' ').append(type.column()).append(' ')
                .append(privateService ? 'y' : 'n').append(' ').append(unprivileged ? 'y' : 'n').append(' ')
                .append(chroot ? 'y' : 'n').append(' ').append(wakeupSeconds).append(conditionalWakeup ? "?" : "")
                .append(' ').append(processLimit);
        for (String word : command) {
            line.append(' ');
            if (word.isEmpty() || word.chars().anyMatch(Character::isWhitespace)) {
                line.append("{ ").append(word).append(" }");
            } else {
                line.append(word);
            }
        }
        return line.toString();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ServiceDefinition)) {
            return false;
        }
        ServiceDefinition d = (ServiceDefinition) o;
        return name.equals(d.name) && type == d.type && privateService == d.privateService
                && unprivileged == d.unprivileged && chroot == d.chroot && wakeupSeconds == d.wakeupSeconds
                && conditionalWakeup == d.conditionalWakeup && processLimit == d.processLimit
                && command.equals(d.command);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, privateService, unprivileged, chroot, wakeupSeconds, conditionalWakeup,
                processLimit, command);
    }
}
