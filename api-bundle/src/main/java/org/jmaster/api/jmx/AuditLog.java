package org.jmaster.api.jmx;

/**
 * NAME
 *     AuditLog - the audit log of what operators do to jmaster: its logger and its one escaping
 * SYNOPSIS
 *     Logger.getLogger(AuditLog.LOGGER)
 *     AuditLog.printable(text)
 * DESCRIPTION
 *     Every operation an operator asks for, through the JMX connector or a shell command, is
 *     logged under one java.util.logging logger, org.jmaster.jmx, with who asked for it; what
 *     the caller sent (a user name, a service name, an argument) goes through printable() first.
 *     A contract: operators and their log filters look for this logger (SECURITY.md).
 */
public final class AuditLog {
    /** The audit logger's name. */
    public static final String LOGGER = "org.jmaster.jmx";

    private AuditLog() {
    }

    /**
     * The text with every control character (line breaks included), each Unicode line and
     * paragraph separator, each format character (bidirectional overrides, zero-width
     * characters, the byte order mark), each lone surrogate and each backslash escaped
     * (\\u000a, \\u202e, \\\\), so that what a caller sends can neither forge a log line nor hide in
     * one or reorder it on an operator's screen.
     */
    public static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))
                    && Character.getType(text.codePointAt(i)) != Character.FORMAT) {
                out.append(c).append(text.charAt(++i)); // a pair: one character (not a tag), printable as it is
            } else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || Character.getType(c) == Character.FORMAT
                    || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
