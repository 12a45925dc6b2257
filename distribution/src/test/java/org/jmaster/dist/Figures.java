package org.jmaster.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;

/**
 * The reliability suite's figures: one Markdown table row per case, appended to
 * target/reliability/figures.md (RELIABILITY.md quotes the last run).
 */
final class Figures {
    /** Full size on demand (-Djmaster.reliability.full=true); CI runs a reduced size. */
    static final boolean FULL = Boolean.getBoolean("jmaster.reliability.full");

    private Figures() {
    }

    static int size(int reduced, int full) {
        return FULL ? full : reduced;
    }

    static synchronized void record(String name, String figures) throws IOException {
        Path file = Path.of("target/reliability/figures.md");
        Files.createDirectories(file.getParent());
        if (!Files.exists(file)) {
            Files.writeString(file, "Run " + LocalDate.now() + (FULL ? ", full size" : ", reduced size (CI)")
                    + "\n\n| case | figures |\n|---|---|\n");
        }
        Files.writeString(file, "| " + name + " | " + figures + " |\n", StandardOpenOption.APPEND);
        System.out.println("FIGURES " + name + ": " + figures);
    }
}
