package org.jmaster.master.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.postfix.MasterCfSyntax;
import org.jmaster.api.postfix.ServiceMatch;

/**
 * NAME
 *     MasterCf - read a master.cf file into entries (Postfix master_ent.c)
 * SYNOPSIS
 *     MasterCf.Result read(file, settings)
 * DESCRIPTION
 *     The file's logical lines and their columns, in MasterCfSyntax, read byte for byte
 *     (ISO-8859-1, as Postfix reads it: a Latin-1 comment is no error). An entry that
 *     master_service_disable matches (ServiceMatch) is skipped as if absent.
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

    static Result read(Path file, MasterSettings settings) throws IOException {
        List<String> errors = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        List<MasterCfSyntax.Line> lines = MasterCfSyntax.logicalLines(Files.readAllLines(file, StandardCharsets.ISO_8859_1),
                error -> errors.add(file + ": " + error));
        for (MasterCfSyntax.Line line : lines) {
            String origin = file + ": line " + line.number();
            List<String> columns = MasterCfSyntax.columns(line.text());
            if (ServiceMatch.matches(settings.masterServiceDisable(), columns.get(0), columns.get(1))) {
                continue;
            }
            try {
                ServiceDefinition.fromColumns(columns, settings.defaultProcessLimit(), settings.chrootDefault());
                entries.add(new Entry(origin, columns));
            } catch (IllegalArgumentException e) {
                errors.add(origin + ": " + e.getMessage());
            }
        }
        return new Result(entries, errors);
    }
}
