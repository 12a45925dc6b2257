package org.jmaster.master.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.postfix.MasterCfSyntax;

/**
 * NAME
 *     MasterCf - read a master.cf file into entries (Postfix master_ent.c)
 * SYNOPSIS
 *     MasterCf.Result read(file, disabled, defaultProcessLimit)
 * DESCRIPTION
 *     The file's logical lines and their columns, in MasterCfSyntax. An entry whose type, or
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
    record Entry(String origin, List<String> columns) {
    }

    /** The entries of a file and the errors of its bad lines. */
    record Result(List<Entry> entries, List<String> errors) {
    }

    static Result read(Path file, List<String> disabled, int defaultProcessLimit) throws IOException {
        List<String> errors = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        List<MasterCfSyntax.Line> lines = MasterCfSyntax.logicalLines(Files.readAllLines(file, StandardCharsets.UTF_8),
                error -> errors.add(file + ": " + error));
        for (MasterCfSyntax.Line line : lines) {
            String origin = file + ": line " + line.number();
            List<String> columns = MasterCfSyntax.columns(line.text());
            if (isDisabled(columns.get(0), columns.get(1), disabled)) {
                continue;
            }
            try {
                ServiceDefinition.fromColumns(columns, defaultProcessLimit);
                entries.add(new Entry(origin, columns));
            } catch (IllegalArgumentException e) {
                errors.add(origin + ": " + e.getMessage());
            }
        }
        return new Result(entries, errors);
    }

    /** master_service_disable: a pattern is a type, or name/type. */
    static boolean isDisabled(String name, String type, List<String> disabled) {
        return disabled.contains(type) || disabled.contains(name + "/" + type);
    }
}
