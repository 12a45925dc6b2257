package org.jmaster.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.jmaster.api.postfix.TrustCheck;

/**
 * NAME
 *     StartupCheck - what root must be able to trust before jmaster starts (Postfix's
 *     postfix-script check-fatal)
 * SYNOPSIS
 *     List<String> problems(home, extra)
 * DESCRIPTION
 *     Run when the JVM's effective uid is 0. The home, bin/, bundle/, conf/, etc/ and libexec/,
 *     every file in them, the directories of etc/org.jmaster.master.cfg's master_cf and
 *     daemon_directory with what they hold, and the extra files given (the JMX password and
 *     access files): each, and each directory above it, must be owned by root and writable by
 *     neither group nor others (TrustCheck). Whoever could change one of them could run code as
 *     root: a .cfg in etc/ names commands, FileInstall installs bundles, bin/ holds the JVM's
 *     own classes.
 *
 *     The master checks each service's command again before it starts the service.
 * DIAGNOSTICS
 *     One line per problem, naming the path; the caller refuses to start.
 */
final class StartupCheck {
    private static final List<String> DIRECTORIES = List.of("bin", "bundle", "conf", "etc", "libexec");

    private StartupCheck() {
    }

    static List<String> problems(Path home, List<Path> extra) throws IOException {
        Set<Path> paths = new LinkedHashSet<>();
        paths.add(home);
        for (String directory : DIRECTORIES) {
            addTree(home.resolve(directory), paths);
        }
        Path cfg = home.resolve("etc/org.jmaster.master.cfg");
        for (String key : List.of("master_cf", "daemon_directory")) {
            String value = setting(cfg, key, home);
            if (value != null && !value.isEmpty()) {
                addTree(Path.of(value), paths);
            }
        }
        paths.addAll(extra);
        List<String> problems = new ArrayList<>();
        for (Path path : paths) {
            for (String problem : TrustCheck.problems(path)) {
                if (!problems.contains(problem)) {
                    problems.add(problem);
                }
            }
        }
        return problems;
    }

    private static void addTree(Path root, Set<Path> paths) throws IOException {
        paths.add(root);
        if (Files.isDirectory(root)) {
            try (Stream<Path> files = Files.walk(root, 3)) {
                files.forEach(paths::add);
            }
        }
    }

    /** A key of a FileInstall .cfg file, with ${jmaster.home} as FileInstall substitutes it. */
    static String setting(Path cfg, String key, Path home) throws IOException {
        if (!Files.exists(cfg)) {
            return null;
        }
        String value = null;
        for (String line : Files.readAllLines(cfg)) {
            String text = line.strip();
            int eq = text.indexOf('=');
            if (!text.startsWith("#") && eq > 0 && text.substring(0, eq).strip().equals(key)) {
                value = text.substring(eq + 1).strip().replace("${jmaster.home}", home.toString());
            }
        }
        return value;
    }
}
