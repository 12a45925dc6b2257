package org.jmaster.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.postfix.TrustCheck;

/**
 * NAME
 *     StartupCheck - what root must be able to trust before jmaster starts (Postfix's
 *     postfix-script check-fatal)
 * SYNOPSIS
 *     List<String> problems(home, extra)
 * DESCRIPTION
 *     Run when the JVM's effective uid is 0. The home, bin/, bundle/, conf/, data/, etc/, lib/,
 *     libexec/ and log/ with all they hold (where a link leads too), master_cf, daemon_directory
 *     and config_directory of etc/org.jmaster.master.cfg (or their defaults) with what they
 *     hold, queue_directory,
 *     and the extra files given (the JMX password and access files): each, and each directory
 *     above it, must be owned by root and writable by neither group nor others (TrustCheck).
 *     Whoever could change one of them could run code as root: a .cfg in etc/ names commands,
 *     FileInstall installs bundles, bin/ holds the JVM's own classes, lib/ its native code,
 *     data/ the bundle cache Felix loads classes from, log/ what root appends to; the queue
 *     directory is where Java children chroot before they drop privileges.
 *
 *     The master checks each service's command again before it starts the service.
 * DIAGNOSTICS
 *     One line per problem, naming the path; the caller refuses to start.
 */
final class StartupCheck {
    private static final List<String> DIRECTORIES = List.of("bin", "bundle", "conf", "data", "etc", "lib", "libexec",
            "log");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]+)}");

    private StartupCheck() {
    }

    static List<String> problems(Path home, List<Path> extra) throws IOException {
        Set<Path> paths = new LinkedHashSet<>();
        paths.add(home);
        for (String directory : DIRECTORIES) {
            addTree(home.resolve(directory), paths);
        }
        Properties cfg = settings(home.resolve("etc/org.jmaster.master.cfg"), home);
        addTree(home.resolve(cfg.getProperty("daemon_directory", MasterSettings.DEFAULT_DAEMON_DIRECTORY)), paths);
        addTree(home.resolve(cfg.getProperty("config_directory", MasterSettings.DEFAULT_CONFIG_DIRECTORY)), paths);
        String masterCf = cfg.getProperty("master_cf", "");
        if (!masterCf.isEmpty()) {
            addTree(home.resolve(masterCf), paths);
        }
        paths.add(home.resolve(cfg.getProperty("queue_directory", MasterSettings.DEFAULT_QUEUE_DIRECTORY)));
        paths.addAll(extra);
        Set<String> problems = new LinkedHashSet<>();
        for (Path path : paths) {
            problems.addAll(TrustCheck.problems(path));
        }
        return new ArrayList<>(problems);
    }

    /**
     * The path and all below it. A directory that is a link is checked as a link (TrustCheck
     * follows it) and walked where it leads, so nothing behind a link escapes the check.
     */
    private static void addTree(Path root, Set<Path> paths) throws IOException {
        paths.add(root);
        if (!Files.isDirectory(root)) {
            return;
        }
        Files.walkFileTree(root, Set.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
                paths.add(directory);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                paths.add(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                paths.add(file); // a loop of links, or unreadable: TrustCheck says what it finds
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * A FileInstall .cfg file as FileInstall reads it: the syntax of java.util.Properties ('=',
     * ':' or blank between key and value, continued lines, escapes), then ${name} replaced by a
     * key of the same file, a system property, or jmaster.home.
     */
    static Properties settings(Path cfg, Path home) throws IOException {
        Properties raw = new Properties();
        if (Files.exists(cfg)) {
            try (Reader in = Files.newBufferedReader(cfg, StandardCharsets.ISO_8859_1)) {
                raw.load(in);
            }
        }
        Properties settings = new Properties();
        for (String key : raw.stringPropertyNames()) {
            settings.setProperty(key, substitute(raw.getProperty(key), raw, home, 0));
        }
        return settings;
    }

    private static String substitute(String value, Properties raw, Path home, int depth) {
        Matcher variable = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (variable.find()) {
            String name = variable.group(1);
            String replacement = "jmaster.home".equals(name) ? home.toString()
                    : raw.getProperty(name, System.getProperty(name, ""));
            if (depth < 10) {
                replacement = substitute(replacement, raw, home, depth + 1);
            }
            variable.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        return variable.appendTail(out).toString();
    }
}
