package org.jmaster.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** What /proc says of a process: CPU time, wake-ups, resident memory, children. */
final class Proc {
    /** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
    private static final double TICKS_PER_SECOND = 100;

    private Proc() {
    }

    /**
     * User plus system CPU seconds the process has used (not its children's), its threads that
     * ended included: the kernel's precise total, in ticks of 10 ms (so a measurement should use
     * a second or more of it). The sum of its live threads' schedstat would be finer, but would
     * miss the JIT's compiler threads that the JVM starts and ends as it needs them.
     */
    static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    /** CPU seconds used by the process's threads whose name starts with the prefix. */
    static double threadCpuSeconds(long pid, String prefix) throws IOException {
        double total = 0;
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.collect(Collectors.toList())) {
                try {
                    if (Files.readString(task.resolve("comm")).startsWith(prefix)) {
                        String stat = Files.readString(task.resolve("stat"));
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        total += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
                    }
                } catch (IOException gone) {
                    // the thread ended
                }
            }
        }
        return total;
    }

    /**
     * Voluntary context switches of every thread of the process: how many times one of its threads
     * went to sleep waiting for something (each is followed by a wake-up).
     */
    static long sleeps(long pid) throws IOException {
        return threadSleeps(pid, "");
    }

    /** Voluntary context switches of the process's threads whose name starts with the prefix. */
    static long threadSleeps(long pid, String prefix) throws IOException {
        long total = 0;
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.collect(Collectors.toList())) {
                try {
                    if (!Files.readString(task.resolve("comm")).startsWith(prefix)) {
                        continue;
                    }
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            total += Long.parseLong(line.replaceAll("[^0-9]", ""));
                        }
                    }
                } catch (IOException gone) {
                    // the thread ended
                }
            }
        }
        return total;
    }

    /** Resident set size in MiB. */
    static double rssMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    /** The live children of the process whose command line holds the word. */
    static List<ProcessHandle> children(long pid, String word) {
        return ProcessHandle.of(pid).map(p -> p.children().filter(c -> arguments(c).contains(word))
                .collect(Collectors.toList())).orElse(List.of());
    }

    static List<String> arguments(ProcessHandle process) {
        try {
            return List.of(Files.readString(Path.of("/proc/" + process.pid() + "/cmdline")).split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }
}
