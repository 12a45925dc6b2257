package org.jmaster.master.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * NAME
 *     MasterCf - read a master.cf file into entries (Postfix master_ent.c, readlline)
 * SYNOPSIS
 *     MasterCf.Result read(file, disabled)
 * DESCRIPTION
 *     A logical line starts with a non-blank character in column 1; lines that start with
 *     whitespace continue it; blank lines and lines whose first non-blank character is '#' are
 *     ignored (also inside a logical line). Each logical line has seven whitespace-separated fields
 *     and the command with its arguments, which may hold { ... } groups. An entry whose type, or
 *     name/type, matches a master_service_disable pattern is skipped as if absent.
 *
 *     The columns are checked here (so that every error names its file and line) but left as text:
 *     the master resolves them with the settings in force.
 * DIAGNOSTICS
 *     Each bad line becomes an error "<file>: line <n>: <what>", in Postfix's words; the other
 *     lines are read. A file that cannot be read is an IOException.
 */
final class MasterCf {
    private MasterCf() {
    }

    /** One service line: where it is, and its eight columns. */
    static final class Entry {
        final String origin;
        final List<String> columns;

        Entry(String origin, List<String> columns) {
            this.origin = origin;
            this.columns = columns;
        }
    }

    /** The entries of a file and the errors of its bad lines. */
    static final class Result {
        final List<Entry> entries = new ArrayList<>();
        final List<String> errors = new ArrayList<>();
    }

    static Result read(Path file, List<String> disabled, int defaultProcessLimit) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Result result = new Result();
        StringBuilder logical = null;
        int start = 0;
        for (int i = 0; i <= lines.size(); i++) {
            String line = i < lines.size() ? lines.get(i) : null;
            if (line != null && (line.isBlank() || line.strip().startsWith("#"))) {
                continue;
            }
            if (line != null && Character.isWhitespace(line.charAt(0))) {
                if (logical != null) {
                    logical.append(' ').append(line.strip());
                } else {
                    result.errors.add(file + ": line " + (i + 1) + ": continuation line without a service line before it");
                }
                continue;
            }
            if (logical != null) {
                entry(file, start, logical.toString(), disabled, defaultProcessLimit, result);
            }
            logical = line == null ? null : new StringBuilder(line.strip());
            start = i + 1;
        }
        return result;
    }

    private static void entry(Path file, int lineNumber, String text, List<String> disabled, int defaultProcessLimit,
            Result result) {
        String origin = file + ": line " + lineNumber;
        List<String> columns = new ArrayList<>(8);
        String rest = text;
        for (int field = 0; field < 7; field++) {
            int end = 0;
            while (end < rest.length() && !Character.isWhitespace(rest.charAt(end))) {
                end++;
            }
            columns.add(rest.substring(0, end));
            rest = rest.substring(end).strip();
        }
        columns.add(rest);
        if (isDisabled(columns.get(0), columns.get(1), disabled)) {
            return;
        }
        try {
            org.jmaster.api.ServiceDefinition.fromColumns(columns, defaultProcessLimit);
        } catch (IllegalArgumentException e) {
            result.errors.add(origin + ": " + e.getMessage());
            return;
        }
        result.entries.add(new Entry(origin, columns));
    }

    /** master_service_disable: a pattern is a type, or name/type. */
    static boolean isDisabled(String name, String type, List<String> disabled) {
        return disabled.contains(type) || disabled.contains(name + "/" + type);
    }
}
