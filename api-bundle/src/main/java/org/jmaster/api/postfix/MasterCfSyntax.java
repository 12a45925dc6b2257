package org.jmaster.api.postfix;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * NAME
 *     MasterCfSyntax - the lines, columns and values of master.cf (Postfix master_ent.c,
 *     util/readlline.c)
 * SYNOPSIS
 *     List<Line> logicalLines(physicalLines, errors)
 *     List<String> columns(logicalLine)
 *     List<String> splitCommand(field) / String joinCommand(words)
 *     boolean flag(column, text, dflt) / int number(column, text, dflt)
 * DESCRIPTION
 *     A logical line starts with a non-blank character in column 1; the lines after it that
 *     start with whitespace continue it. Blank lines, and lines whose first non-blank character
 *     is '#', are skipped, also between a line and its continuations.
 *
 *     A logical line has eight columns ({@link #COLUMNS}): seven whitespace-separated fields, then
 *     the command with its arguments. In the command, whitespace separates words, and a word
 *     that starts with '{' extends to its matching '}': such a group becomes one word without
 *     the braces and without the whitespace just inside them.
 *
 *     The boolean columns say y or n, the numeric ones decimal digits; '-' selects the default.
 * DIAGNOSTICS
 *     IllegalArgumentException with Postfix's words, naming the column and the value as
 *     written: field "maxproc": bad value: "x". A continuation line with nothing before it is
 *     reported to the caller's error consumer as "line N: ...", and skipped.
 */
public final class MasterCfSyntax {
    /** The master.cf columns, in order; also the keys of a service configuration. */
    public static final List<String> COLUMNS =
            List.of("service", "type", "private", "unpriv", "chroot", "wakeup", "maxproc", "command");

    /** A logical line: the number of its first physical line (from 1) and its joined text. */
    public record Line(int number, String text) {
    }

    private MasterCfSyntax() {
    }

    /**
     * Joins continuations and drops comments and blank lines.
     *
     * @param physical the file's lines, without line terminators
     * @param errors told "line N: ..." for a continuation line that follows no service line
     */
    public static List<Line> logicalLines(List<String> physical, Consumer<String> errors) {
        List<Line> lines = new ArrayList<>();
        StringBuilder logical = null;
        int start = 0;
        for (int i = 0; i < physical.size(); i++) {
            String line = physical.get(i);
            if (line.isBlank() || line.strip().startsWith("#")) {
                continue;
            }
            if (Character.isWhitespace(line.charAt(0))) {
                if (logical == null) {
                    errors.accept("line " + (i + 1) + ": continuation line without a service line before it");
                } else {
                    logical.append(' ').append(line.strip());
                }
                continue;
            }
            if (logical != null) {
                lines.add(new Line(start, logical.toString()));
            }
            logical = new StringBuilder(line.strip());
            start = i + 1;
        }
        if (logical != null) {
            lines.add(new Line(start, logical.toString()));
        }
        return lines;
    }

    /**
     * The eight columns of a logical line: seven whitespace-separated fields, then the rest (the
     * command and its arguments). Missing fields are empty strings.
     */
    public static List<String> columns(String logicalLine) {
        List<String> columns = new ArrayList<>(COLUMNS.size());
        String rest = logicalLine.strip();
        for (int i = 0; i < COLUMNS.size() - 1; i++) {
            int end = 0;
            while (end < rest.length() && !Character.isWhitespace(rest.charAt(end))) {
                end++;
            }
            columns.add(rest.substring(0, end));
            rest = rest.substring(end).strip();
        }
        columns.add(rest);
        return columns;
    }

    /**
     * Splits a command field into words: whitespace separates them, and a word that starts with
     * <code>{</code> extends to its matching <code>}</code>, becoming one word without the braces
     * and without the whitespace just inside them.
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

    /** The command field that {@link #splitCommand} splits into these words. */
    public static String joinCommand(List<String> words) {
        StringBuilder field = new StringBuilder();
        for (String word : words) {
            if (field.length() > 0) {
                field.append(' ');
            }
            // a word that starts with '{' is grouped too, or splitting would take its braces off
            boolean group = word.isEmpty() || word.startsWith("{") || word.chars().anyMatch(Character::isWhitespace);
            field.append(group ? "{ " + word + " }" : word);
        }
        return field.toString();
    }

    /**
     * A boolean column: y, n, or - for the default.
     *
     * @throws IllegalArgumentException naming the column and the value
     */
    public static boolean flag(String column, String text, boolean dflt) {
        return switch (text.strip()) {
            case "-" -> dflt;
            case "y" -> true;
            case "n" -> false;
            default -> throw badValue(column, text.strip());
        };
    }

    /**
     * A numeric column: decimal digits, or - for the default.
     *
     * @param asWritten the column as written, for the message (the text may lack a suffix)
     * @throws IllegalArgumentException naming the column and the value as written
     */
    public static int number(String column, String text, int dflt, String asWritten) {
        if (text.equals("-")) {
            return dflt;
        }
        if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(c -> c >= '0' && c <= '9')
                || Long.parseLong(text) > Integer.MAX_VALUE) {
            throw badValue(column, asWritten.strip());
        }
        return Integer.parseInt(text);
    }

    /** Postfix's message for a bad column value. */
    public static IllegalArgumentException badValue(String column, String value) {
        return new IllegalArgumentException("field \"" + column + "\": bad value: \"" + value + "\"");
    }
}
