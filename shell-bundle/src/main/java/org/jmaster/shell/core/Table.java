package org.jmaster.shell.core;

import java.time.Duration;
import java.util.List;

/**
 * NAME
 *     Table - the text of the commands' tables
 * SYNOPSIS
 *     Table.of(rows, numericColumns...)   columns padded to their widest cell, two spaces apart
 *     Table.age(millis)                   42s, 3m05s, 2h03m, 3d04h
 * DESCRIPTION
 *     The first row is the header. Numeric columns are right-aligned; no line has trailing blanks,
 *     and the text has no final line break (the shell adds it).
 */
final class Table {
    private Table() {
    }

    static String of(List<String[]> rows, int... numeric) {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        boolean[] right = new boolean[columns];
        for (int i : numeric) {
            right[i] = true;
        }
        StringBuilder text = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                String pad = " ".repeat(width[i] - row[i].length());
                line.append(i == 0 ? "" : "  ").append(right[i] ? pad + row[i] : row[i] + pad);
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
        return text.substring(0, text.length() - 1);
    }

    static String age(long millis) {
        Duration age = Duration.ofMillis(Math.max(0, millis));
        if (age.toSeconds() < 60) {
            return age.toSeconds() + "s";
        }
        if (age.toMinutes() < 60) {
            return String.format("%dm%02ds", age.toMinutes(), age.toSecondsPart());
        }
        if (age.toHours() < 24) {
            return String.format("%dh%02dm", age.toHours(), age.toMinutesPart());
        }
        return String.format("%dd%02dh", age.toDays(), age.toHoursPart());
    }

    static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }
}
