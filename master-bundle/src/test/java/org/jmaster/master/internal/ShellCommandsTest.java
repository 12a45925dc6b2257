package org.jmaster.master.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.jmaster.api.jmx.MasterMXBean;
import org.jmaster.api.jmx.ServiceMXBean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The jmaster: shell commands over real service controls (the objects behind the MBeans) of a
 * master with fake collaborators: the tables as printed, operations reaching the policy, and one
 * line for every kind of bad input.
 */
class ShellCommandsTest extends MasterFixture {
    private final List<String> printed = new ArrayList<>();
    private ShellCommands shell;

    @BeforeEach
    void services() throws Exception {
        reload("smtp inet n - n - 4 smtpd", "smtp unix n - n - 0 cmd", "pickup unix n - n 60 1 pickup");
        Controls controls = new Controls() {
            @Override
            public MasterMXBean masterControl() {
                throw new UnsupportedOperationException("reload is tested in the distribution");
            }

            @Override
            public SortedMap<String, ServiceMXBean> serviceControls() {
                SortedMap<String, ServiceMXBean> all = new TreeMap<>();
                synchronized (master.lock) {
                    for (ServiceEntry entry : master.table.all()) {
                        all.put(entry.state.definition().label(), new ServiceControl(master, entry));
                    }
                }
                return all;
            }
        };
        shell = new ShellCommands(controls, printed::add);
    }

    /**
     * One row per service in the order of their names, a column per count, numbers right-aligned
     * (the fake policy counts no spawn and keeps a new child busy).
     */
    @Test
    void servicesTable() throws Exception {
        connect("pickup");
        shell.services();
        assertEquals(String.join("\n",
                "service  type      limit  total  available  listening  throttled  stress  spawned  completed  bad start-ups",
                "pickup   unix          1      1          0  yes        no         no            0          0              0",
                "smtp     inet          4      0          0  yes        no         no            0          0              0",
                "smtp     unix  unlimited      0          0  yes        no         no            0          0              0"),
                printed.get(0));
    }

    /** A throttle through the command is the MBean's: the policy is told, and the table shows it with the time left. */
    @Test
    void throttleShowsInTheTable() throws Exception {
        onLoop(() -> shell.throttle("smtp/inet", "30"));
        assertTrue(policy.calls.contains("throttle smtp 30000"), policy.calls.toString());
        assertEquals("smtp/inet: throttled for 30s", printed.get(0));
        shell.services();
        assertTrue(printed.get(1).contains("\nsmtp     inet          4      0          0  no         yes, 30s   no"),
                printed.get(1));
        assertTrue(logged("shell: " + System.getProperty("user.name") + ": jmaster:throttle smtp/inet 30") == 1, log.toString());
        onLoop(() -> shell.unthrottle("smtp/inet"));
        assertTrue(policy.calls.contains("unthrottle smtp"), policy.calls.toString());
        onLoop(() -> shell.resize("pickup", "1"));
        assertEquals("pickup/unix: process limit 1, was 1", printed.get(printed.size() - 1));
    }

    /** The children: pid, generation, state, use count, age. */
    @Test
    void processesTable() throws Exception {
        int pid = connect("pickup");
        shell.processes("pickup");
        String[] lines = printed.get(0).split("\n");
        assertTrue(lines[0].matches(" *pid  generation  state  use count  age"), printed.get(0));
        assertTrue(lines[1].matches(" *" + pid + " +1  TAKEN +0  +[0-9]+s"), printed.get(0));
        assertEquals(2, lines.length, printed.get(0));
    }

    /** Bad input: one line that names the command and what is wrong, and nothing done. */
    @Test
    void badInputIsOneLine() {
        assertEquals("jmaster:throttle: no service nosuch (jmaster:services lists them)", refusal(() -> shell.throttle("nosuch")));
        assertEquals("jmaster:restart: smtp is smtp/inet or smtp/unix: say which", refusal(() -> shell.restart("smtp")));
        assertEquals("jmaster:throttle: seconds must be from 1 to 86400 (a day), not -5",
                refusal(() -> shell.throttle("smtp/inet", "-5")));
        assertEquals("jmaster:throttle: seconds must be a whole number, not 5x", refusal(() -> shell.throttle("smtp/inet", "5x")));
        assertTrue(refusal(() -> shell.resize("smtp/inet", "-1")).startsWith("jmaster:resize: ProcessLimit must be 1 or more,"
                + " not -1"));
        assertEquals("jmaster:resize: missing <n> -- usage: jmaster:resize <service> <n>", refusal(() -> shell.resize("smtp/inet")));
        assertEquals("jmaster:cleanup: missing <service> -- usage: jmaster:cleanup <service>", refusal(() -> shell.cleanup()));
        assertEquals("jmaster:services: too many arguments: x -- usage: jmaster:services", refusal(() -> shell.services("x")));
        assertEquals("jmaster:processes: no service a\\x0ab (jmaster:services lists them)", refusal(() -> shell.processes("a\nb")));
        assertEquals(List.of(), printed);
        assertTrue(policy.calls.stream().noneMatch(call -> call.startsWith("throttle") || call.startsWith("cleanup")),
                policy.calls.toString());
    }

    /** --help: the usage and what the command does, and nothing done. */
    @Test
    void help() {
        shell.throttle("--help");
        shell.resize("smtp/inet", "--help");
        assertEquals("usage: jmaster:throttle <service> [seconds]\n  Suspends process creation of a service, for"
                + " service_throttle_time or the given seconds (at most a day); clients wait in the listen queue.", printed.get(0));
        assertTrue(printed.get(1).startsWith("usage: jmaster:resize <service> <n>\n  Sets the process limit"), printed.get(1));
        assertTrue(policy.calls.stream().noneMatch(call -> call.startsWith("throttle")), policy.calls.toString());
    }

    @Test
    void ages() {
        assertEquals("0s", ShellCommands.age(-5));
        assertEquals("59s", ShellCommands.age(59_999));
        assertEquals("1m00s", ShellCommands.age(60_000));
        assertEquals("2h03m", ShellCommands.age((2 * 3600 + 3 * 60 + 59) * 1000L));
        assertEquals("3d04h", ShellCommands.age((3 * 86400 + 4 * 3600) * 1000L));
    }

    private static String refusal(Runnable command) {
        return assertThrows(ShellCommands.CommandException.class, command::run).getMessage();
    }

    /** Runs a command from another thread while this one runs the loop, as an operator's call meets the master. */
    private void onLoop(Runnable command) throws Exception {
        CompletableFuture<Void> done = CompletableFuture.runAsync(command);
        while (!done.isDone()) {
            loop.run();
            Thread.sleep(1);
        }
        done.get();
    }
}
