package org.jmaster.api.postfix;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NAME
 *     MainCf - main.cf's parameters, as Postfix reads them (Postfix util/dict.c, mac_expand.c,
 *     global/mail_params.h)
 * SYNOPSIS
 *     MainCf read(file)
 *     String get(name)        the value, $name expanded, Postfix's default when absent
 * DESCRIPTION
 *     A logical line (MasterCfSyntax.logicalLines: continuations, comments and blank lines as in
 *     master.cf) "name = value" sets a parameter; the last setting of a name wins. Read byte for
 *     byte (ISO-8859-1).
 *
 *     Values are expanded as Postfix's mac_expand does: $name, ${name} and $(name) are the value
 *     of that parameter (main.cf's, else its default, else empty), expanded in turn;
 *     ${name?text} is the text when the parameter is not empty, ${name:text} when it is, and
 *     ${name?{text}:{text}} chooses between two; $$ is a dollar sign.
 *
 *     The defaults are those of Postfix 3.7 as Debian builds it, for the parameters jmaster and
 *     its logging read and those they commonly refer to.
 * DIAGNOSTICS
 *     IllegalArgumentException naming the parameter, for an expansion that loops.
 */
public final class MainCf {
    /** Postfix 3.7's defaults (Debian's build) of what jmaster reads. */
    public static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry("config_directory", "/etc/postfix"),
            Map.entry("queue_directory", "/var/spool/postfix"),
            Map.entry("daemon_directory", "/usr/lib/postfix/sbin"),
            Map.entry("command_directory", "/usr/sbin"),
            Map.entry("data_directory", "/var/lib/postfix"),
            Map.entry("meta_directory", "/etc/postfix"),
            Map.entry("shlib_directory", "/usr/lib/postfix"),
            Map.entry("mail_owner", "postfix"),
            Map.entry("setgid_group", "postdrop"),
            Map.entry("default_process_limit", "100"),
            Map.entry("service_throttle_time", "60s"),
            Map.entry("master_service_disable", ""),
            Map.entry("inet_interfaces", "all"),
            Map.entry("inet_protocols", "all"),
            Map.entry("import_environment", "MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ XAUTHORITY DISPLAY LANG=C"
                    + " POSTLOG_SERVICE POSTLOG_HOSTNAME"),
            Map.entry("compatibility_level", "0"),
            Map.entry("maillog_file", ""),
            Map.entry("syslog_name", "${multi_instance_name?{$multi_instance_name}:{postfix}}"),
            Map.entry("syslog_facility", "mail"),
            Map.entry("postlog_service_name", "postlog"),
            Map.entry("multi_instance_name", ""),
            Map.entry("mail_name", "Postfix"),
            Map.entry("mail_version", "3.7.11"));

    private final Map<String, String> values;

    private MainCf(Map<String, String> values) {
        this.values = values;
    }

    /** The parameters of a main.cf file; config_directory defaults to the file's directory, as postconf -c says. */
    public static MainCf read(Path file) throws IOException {
        MainCf main = parse(Files.readAllLines(file, StandardCharsets.ISO_8859_1));
        Path directory = file.toAbsolutePath().getParent();
        if (directory != null) {
            main.values.putIfAbsent("config_directory", directory.toString());
        }
        return main;
    }

    /** The parameters of main.cf's lines; a line that is not "name = value" is skipped (postconf warns). */
    public static MainCf parse(List<String> lines) {
        Map<String, String> values = new LinkedHashMap<>();
        for (MasterCfSyntax.Line line : MasterCfSyntax.logicalLines(lines, error -> { })) {
            int eq = line.text().indexOf('=');
            if (eq > 0) {
                values.put(line.text().substring(0, eq).strip(), line.text().substring(eq + 1).strip());
            }
        }
        return new MainCf(values);
    }

    /** True when main.cf sets the parameter. */
    public boolean isSet(String name) {
        return values.containsKey(name);
    }

    /** The parameter, expanded: main.cf's value, else Postfix's default, else empty. */
    public String get(String name) {
        return expand(raw(name), 0);
    }

    private String raw(String name) {
        String value = values.get(name);
        return value != null ? value : DEFAULTS.getOrDefault(name, "");
    }

    private String expand(String text, int depth) {
        if (depth > 100) {
            throw new IllegalArgumentException("main.cf: expansion of \"" + text + "\" does not end");
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$' || i + 1 >= text.length()) {
                out.append(c);
                i++;
                continue;
            }
            char next = text.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '{' || next == '(') {
                int end = closing(text, i + 1);
                if (end < 0) {
                    out.append(text, i, text.length());
                    break;
                }
                out.append(braced(text.substring(i + 2, end), depth));
                i = end + 1;
            } else if (isNameChar(next)) {
                int end = i + 1;
                while (end < text.length() && isNameChar(text.charAt(end))) {
                    end++;
                }
                out.append(expand(raw(text.substring(i + 1, end)), depth + 1));
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** name, name?text, name:text, name?{text}:{text} */
    private String braced(String inner, int depth) {
        int at = 0;
        while (at < inner.length() && isNameChar(inner.charAt(at))) {
            at++;
        }
        String name = inner.substring(0, at);
        String value = expand(raw(name), depth + 1);
        if (at == inner.length()) {
            return value;
        }
        char operator = inner.charAt(at);
        String rest = inner.substring(at + 1);
        String whenSet;
        String whenEmpty;
        if (operator == '?' && rest.startsWith("{")) {
            int end = closing(rest, 0);
            whenSet = rest.substring(1, Math.max(1, end));
            String tail = end < 0 ? "" : rest.substring(end + 1).strip();
            whenEmpty = tail.startsWith(":{") && tail.endsWith("}") ? tail.substring(2, tail.length() - 1) : "";
        } else if (operator == '?') {
            whenSet = rest;
            whenEmpty = "";
        } else if (operator == ':') {
            whenSet = null;
            whenEmpty = rest.startsWith("{") && rest.endsWith("}") ? rest.substring(1, rest.length() - 1) : rest;
        } else {
            return value;
        }
        if (!value.isEmpty()) {
            return whenSet == null ? value : expand(whenSet, depth + 1);
        }
        return expand(whenEmpty, depth + 1);
    }

    /** The index of the bracket that closes the one at start, or -1. */
    private static int closing(String text, int start) {
        char open = text.charAt(start);
        char close = open == '(' ? ')' : '}';
        int level = 0;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == open) {
                level++;
            } else if (c == close && --level == 0) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    /** Every parameter main.cf sets, as written. */
    public Map<String, String> settings() {
        return new HashMap<>(values);
    }
}
