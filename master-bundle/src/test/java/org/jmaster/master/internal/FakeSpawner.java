package org.jmaster.master.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jmaster.api.ExitStatus;
import org.jmaster.api.SpawnException;
import org.jmaster.api.spi.spawner.ExitHandler;
import org.jmaster.api.spi.spawner.SpawnRequest;
import org.jmaster.api.spi.spawner.Spawner;

/** A spawner for unit tests: pids 2000, 2001, ...; deaths when the test says so; every signal recorded. */
final class FakeSpawner implements Spawner {
    final List<SpawnRequest> requests = new ArrayList<>();
    final List<String> signals = new ArrayList<>();
    private final Map<Integer, ExitHandler> alive = new LinkedHashMap<>();
    private int nextPid = 2000;

    @Override
    public int spawn(SpawnRequest request, ExitHandler onExit) throws SpawnException {
        requests.add(request);
        int pid = nextPid++;
        alive.put(pid, onExit);
        return pid;
    }

    @Override
    public void signal(int pid, int signal) {
        signals.add(pid + " " + signal);
    }

    /** The child dies: its handler is told, as the reaper thread would. */
    void exit(int pid, ExitStatus status) {
        alive.remove(pid).exited(pid, status);
    }

    /** The pids not yet reaped. */
    List<Integer> alive() {
        return List.copyOf(alive.keySet());
    }
}
