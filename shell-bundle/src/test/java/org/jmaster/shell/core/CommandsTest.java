package org.jmaster.shell.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.management.MBeanException;
import org.jmaster.api.jmx.AuditLog;
import org.jmaster.api.jmx.MasterControls;
import org.jmaster.api.jmx.MasterMXBean;
import org.jmaster.api.jmx.ProcessInfo;
import org.jmaster.api.jmx.ServiceMXBean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The jmaster: commands of the shell-independent core over service MBean objects that keep what
 * they are told (the master's own objects are tested in the master bundle and the distribution):
 * the tables as printed, the service lookup, the audit lines before and after an operation, and
 * one line for every kind of bad input.
 */
class CommandsTest {
    private final List<String> printed = new ArrayList<>();
    private final List<String> audit = new ArrayList<>();
    private final SortedMap<String, FakeService> services = new TreeMap<>();
    private final Logger auditLogger = Logger.getLogger(AuditLog.LOGGER);
    private final Handler auditHandler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            audit.add(record.getLevel() + " " + record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final MasterControls controls = new MasterControls() {
        @Override
        public MasterMXBean masterControl() {
            throw new UnsupportedOperationException("reload is tested in the distribution");
        }

        @Override
        public SortedMap<String, ServiceMXBean> serviceControls() {
            return new TreeMap<>(services);
        }
    };
    private Commands commands;

    @BeforeEach
    void services() {
        services.put("pickup/unix", new FakeService("pickup", "unix", 1));
        services.put("smtp/inet", new FakeService("smtp", "inet", 4));
        services.put("smtp/unix", new FakeService("smtp", "unix", 0));
        commands = new Commands(controls, printed::add);
        auditLogger.addHandler(auditHandler);
    }

    @AfterEach
    void quiet() {
        auditLogger.removeHandler(auditHandler);
    }

    /** One row per service in the order of their labels, a column per count, numbers right-aligned. */
    @Test
    void servicesTable() {
        services.get("pickup/unix").total = 1;
        commands.services();
        assertEquals(String.join("\n",
                "service  type      limit  total  available  listening  throttled  stress  spawned  completed  bad start-ups",
                "pickup   unix          1      1          0  yes        no         no            0          0              0",
                "smtp     inet          4      0          0  yes        no         no            0          0              0",
                "smtp     unix  unlimited      0          0  yes        no         no            0          0              0"),
                printed.get(0));
    }

    /** A throttle reaches the MBean object, is logged before it runs and after, and the table shows it. */
    @Test
    void throttleIsAudited() {
        commands.throttle("smtp/inet", "30");
        assertEquals(30, services.get("smtp/inet").throttled);
        assertEquals("smtp/inet: throttled for 30s", printed.get(0));
        commands.services();
        assertTrue(printed.get(1).contains("\nsmtp     inet          4      0          0  yes        yes, 30s   no"),
                printed.get(1));
        String user = System.getProperty("user.name");
        assertEquals(List.of("INFO shell: " + user + ": jmaster:throttle smtp/inet 30",
                "INFO shell: " + user + ": jmaster:throttle smtp/inet 30: done"), audit);
        commands.unthrottle("smtp/inet");
        assertEquals(0, services.get("smtp/inet").throttled);
        commands.throttle("pickup", null);
        assertEquals(60, services.get("pickup/unix").throttled, "service_throttle_time");
        commands.resize("pickup", "3");
        assertEquals("pickup/unix: process limit 3, was 1", printed.get(printed.size() - 1));
        assertEquals("INFO shell: " + user + ": jmaster:resize pickup/unix 3", audit.get(audit.size() - 2),
                "the service as its label, though its name alone was typed");
    }

    /** Whatever else fails under a command (the master going away) is one line too, escaped. */
    @Test
    void anUnexpectedFailureIsOneLine() {
        CommandException e = assertThrows(CommandException.class, () -> Commands.guard("services", () -> {
            throw new IllegalStateException("the master is gone\nINFO forged");
        }));
        assertEquals("jmaster:services: java.lang.IllegalStateException: the master is gone\\u000aINFO forged", e.getMessage());
        CommandException own = new CommandException("jmaster:throttle: no service x");
        assertEquals(own, assertThrows(CommandException.class, () -> Commands.guard("throttle", () -> {
            throw own;
        })), "a CommandException as it is");
    }

    /** The MBean's refusal: one line, and the audit says it was refused and why. */
    @Test
    void refusalIsAudited() {
        assertEquals("jmaster:throttle: seconds must be from 1 to 86400 (a day), not -5",
                refusal(() -> commands.throttle("smtp/inet", "-5")));
        assertEquals("WARNING shell: " + System.getProperty("user.name") + ": jmaster:throttle smtp/inet -5: refused: seconds"
                + " must be from 1 to 86400 (a day), not -5", audit.get(1));
        assertEquals(2, audit.size(), audit.toString());
    }

    /** A service name cannot forge an audit line: its line breaks are escaped. */
    @Test
    void auditLineIsOneLine() {
        services.put("a\nINFO shell: root: jmaster:reload/inet", new FakeService("a", "inet", 1));
        commands.restart("a\nINFO shell: root: jmaster:reload/inet");
        assertTrue(audit.get(0).endsWith(": jmaster:restart a\\u000aINFO shell: root: jmaster:reload/inet"), audit.get(0));
        assertTrue(audit.stream().noneMatch(line -> line.contains("\n")), audit.toString());
    }

    /** The children: pid, generation, state, use count, age. */
    @Test
    void processesTable() {
        commands.processes("pickup");
        String[] lines = printed.get(0).split("\n");
        assertTrue(lines[0].matches(" *pid  generation  state  use count  age"), printed.get(0));
        assertTrue(lines[1].matches(" *4242 +7  TAKEN +3  +[0-9]+s"), printed.get(0));
        assertEquals(2, lines.length, printed.get(0));
    }

    /** Bad input: one line that names the command and what is wrong, and nothing done or logged. */
    @Test
    void badInputIsOneLine() {
        assertEquals("jmaster:throttle: no service nosuch (jmaster:services lists them)",
                refusal(() -> commands.throttle("nosuch", null)));
        assertEquals("jmaster:restart: smtp is smtp/inet or smtp/unix: say which", refusal(() -> commands.restart("smtp")));
        assertEquals("jmaster:throttle: seconds must be a whole number, not 5x",
                refusal(() -> commands.throttle("smtp/inet", "5x")));
        assertEquals("jmaster:processes: no service a\\u000ab (jmaster:services lists them)",
                refusal(() -> commands.processes("a\nb")));
        assertEquals(List.of(), printed);
        assertEquals(List.of(), audit);
        assertEquals(0, services.get("smtp/inet").throttled);
    }

    /** What completion offers: every label. */
    @Test
    void labels() {
        assertEquals(List.of("pickup/unix", "smtp/inet", "smtp/unix"), new ArrayList<>(Commands.labels(controls)));
    }

    @Test
    void ages() {
        assertEquals("0s", Table.age(-5));
        assertEquals("59s", Table.age(59_999));
        assertEquals("1m00s", Table.age(60_000));
        assertEquals("2h03m", Table.age((2 * 3600 + 3 * 60 + 59) * 1000L));
        assertEquals("3d04h", Table.age((3 * 86400 + 4 * 3600) * 1000L));
    }

    private static String refusal(Runnable command) {
        return assertThrows(CommandException.class, command::run).getMessage();
    }

    /** A service MBean object that keeps its throttle and limit, and refuses as the master's does. */
    private static final class FakeService implements ServiceMXBean {
        private final String name;
        private final String type;
        private int limit;
        int total;
        long throttled;

        FakeService(String name, String type, int limit) {
            this.name = name;
            this.type = type;
            this.limit = limit;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getType() {
            return type;
        }

        @Override
        public String[] getEndpoints() {
            return new String[] {name};
        }

        @Override
        public String[] getCommand() {
            return new String[] {"cmd"};
        }

        @Override
        public int getProcessLimit() {
            return limit;
        }

        @Override
        public void setProcessLimit(int limit) throws MBeanException {
            if (limit < 1) {
                throw new MBeanException(null, "ProcessLimit must be 1 or more, not " + limit);
            }
            this.limit = limit;
        }

        @Override
        public int getTotalProcesses() {
            return total;
        }

        @Override
        public int getAvailableProcesses() {
            return 0;
        }

        @Override
        public boolean isListening() {
            return true;
        }

        @Override
        public boolean isThrottled() {
            return throttled > 0;
        }

        @Override
        public long getThrottleRemainingSeconds() {
            return throttled;
        }

        @Override
        public boolean isStressMode() {
            return false;
        }

        @Override
        public long getProcessesSpawned() {
            return 0;
        }

        @Override
        public long getRequestsCompleted() {
            return 0;
        }

        @Override
        public long getBadStartups() {
            return 0;
        }

        @Override
        public long getThrottleCount() {
            return 0;
        }

        @Override
        public long getLimitReachedCount() {
            return 0;
        }

        @Override
        public List<ProcessInfo> getProcesses() {
            return List.of(new ProcessInfo() {
                @Override
                public int getPid() {
                    return 4242;
                }

                @Override
                public long getGeneration() {
                    return 7;
                }

                @Override
                public String getState() {
                    return "TAKEN";
                }

                @Override
                public int getUseCount() {
                    return 3;
                }

                @Override
                public Date getStartTime() {
                    return new Date(System.currentTimeMillis() - 5000);
                }
            });
        }

        @Override
        public void throttle() {
            throttled = 60;
        }

        @Override
        public void throttle(int seconds) throws MBeanException {
            if (seconds < 1 || seconds > 86400) {
                throw new MBeanException(null, "seconds must be from 1 to 86400 (a day), not " + seconds);
            }
            throttled = seconds;
        }

        @Override
        public void unthrottle() {
            throttled = 0;
        }

        @Override
        public void restart() {
        }

        @Override
        public void cleanup() {
        }
    }
}
