package org.jmaster.nio.internal;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jmaster.api.MasterSettings;

/**
 * NAME
 *     InetNames - inet service names and their addresses (Postfix master_ent.c, inet_addr_local)
 * SUMMARY
 *     host(name)                   the host part of "[host:]port", or null
 *     port(name)                   the port part, as a number (service names from /etc/services)
 *     canonical(name)              "25", or "[127.0.0.1]:25" (Postfix's identity name)
 *     addresses(name, settings)    where to listen, in order
 * DESCRIPTION
 *     A name without a host listens on every address of inet_interfaces: "all" is the wildcard
 *     address of each protocol of inet_protocols, "loopback-only" the loopback addresses, anything
 *     else a list of addresses or host names. A name with a host listens on that host's addresses.
 *     IPv6 addresses are written in brackets ("[::1]:25").
 * DIAGNOSTICS
 *     IllegalArgumentException naming the unknown port name, the host that does not resolve, or
 *     an address list that inet_protocols leaves empty.
 */
final class InetNames {
    private static final Path SERVICES = Path.of("/etc/services");
    private static Map<String, Integer> ports;

    private InetNames() {
    }

    static String host(String name) {
        if (name.startsWith("[")) {
            int close = name.indexOf(']');
            if (close < 0 || close + 1 >= name.length() || name.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("field \"service\": bad value: \"" + name + "\"");
            }
            return name.substring(1, close);
        }
        int colon = name.lastIndexOf(':');
        return colon < 0 ? null : name.substring(0, colon);
    }

    static int port(String name) {
        String port = name.substring(name.lastIndexOf(':') + 1);
        if (!port.isEmpty() && port.chars().allMatch(Character::isDigit) && port.length() <= 5) {
            int number = Integer.parseInt(port);
            if (number <= 65535) {
                return number;
            }
        }
        Integer number = services().get(port);
        if (number == null) {
            throw new IllegalArgumentException("field \"service\": unknown port name: \"" + port + "\" in \"" + name + "\"");
        }
        return number;
    }

    static String canonical(String name) {
        String host = host(name);
        int port = port(name);
        if (host == null || host.isEmpty()) {
            return Integer.toString(port);
        }
        return "[" + host + "]:" + port;
    }

    /** The addresses to listen on, in order, without duplicates. */
    static List<InetAddress> addresses(String name, MasterSettings settings) {
        boolean v4 = wants(settings, "ipv4");
        boolean v6 = wants(settings, "ipv6") && ipv6Available();
        Set<InetAddress> result = new LinkedHashSet<>();
        String host = host(name);
        List<String> wanted = host == null || host.isEmpty() ? settings.inetInterfaces() : List.of(host);
        for (String item : wanted) {
            if (item.equals("all")) {
                addIf(result, v4, "0.0.0.0");
                addIf(result, v6, "::");
            } else if (item.equals("loopback-only")) {
                addIf(result, v4, "127.0.0.1");
                addIf(result, v6, "::1");
            } else {
                try {
                    for (InetAddress address : InetAddress.getAllByName(item)) {
                        if (address instanceof Inet4Address ? v4 : v6) {
                            result.add(address);
                        }
                    }
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException("service \"" + name + "\": host not found: " + item);
                }
            }
        }
        if (result.isEmpty()) {
            throw new IllegalArgumentException("service \"" + name + "\": no valid IP address for inet_protocols "
                    + settings.inetProtocols());
        }
        return new ArrayList<>(result);
    }

    /** How operators see an address: 127.0.0.1:25, [::1]:25. */
    static String format(InetAddress address, int port) {
        return address instanceof Inet6Address ? "[" + compact(address.getAddress()) + "]:" + port
                : address.getHostAddress() + ":" + port;
    }

    /** RFC 5952 text of an IPv6 address: the longest run of two or more zero groups as "::". */
    static String compact(byte[] address) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    private static boolean wants(MasterSettings settings, String protocol) {
        return settings.inetProtocols().contains("all") || settings.inetProtocols().contains(protocol);
    }

    private static void addIf(Set<InetAddress> result, boolean wanted, String literal) {
        if (wanted) {
            try {
                result.add(InetAddress.getByName(literal));
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static boolean ipv6Available() {
        return Files.exists(Path.of("/proc/net/if_inet6"));
    }

    private static synchronized Map<String, Integer> services() {
        if (ports == null) {
            Map<String, Integer> map = new HashMap<>();
            try {
                for (String line : Files.readAllLines(SERVICES)) {
                    String[] words = line.replaceFirst("#.*", "").trim().split("\\s+");
                    if (words.length >= 2 && words[1].endsWith("/tcp")) {
                        int port = Integer.parseInt(words[1].substring(0, words[1].indexOf('/')));
                        for (int i = 0; i < words.length; i++) {
                            if (i != 1) {
                                map.putIfAbsent(words[i], port);
                            }
                        }
                    }
                }
            } catch (IOException | NumberFormatException e) {
                map.putIfAbsent("smtp", 25);
                map.putIfAbsent("submission", 587);
                map.putIfAbsent("submissions", 465);
            }
            ports = map;
        }
        return ports;
    }
}
