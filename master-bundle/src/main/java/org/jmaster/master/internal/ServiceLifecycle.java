package org.jmaster.master.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceEvent;
import org.jmaster.api.postfix.TrustCheck;
import org.jmaster.api.spi.loop.StatusChannel;
import org.jmaster.api.spi.policy.ChildState;
import org.jmaster.api.spi.policy.ServiceState;

/**
 * NAME
 *     ServiceLifecycle - start, restart and stop one service (Postfix master_service.c)
 * SUMMARY
 *     start(resolved)          the steps of a start, in order; on a failure, the done ones undone
 *     update(entry, resolved)  a changed entry of the same identity: new definition, restart
 *     restart(entry)           new status channel: the children finish and exit; wakeup again
 *     startRemoval(entry)      cleanup; the service stops when its last child is reaped
 *     reaped(entry)            after the policy handled a death: is a cleanup or removal over?
 *     cleanup(entry, done)     an operator's cleanup, done told when it has ended
 *     retireChildren(), applyListening(), spawned(entry)   the spawner came, went or spawned
 * DESCRIPTION
 *     A start is an ordered list of steps, each with its undo: the listen sockets, the status
 *     channel, the service table, the loop's watch, the policy's listen decision (its timers are
 *     the undo), the MBean, the wakeup. Stopping undoes them in reverse, as Postfix's
 *     master_stop_service "undoes the things that master_start_service() did"; a start that fails
 *     at one step undoes the steps before it, so that nothing is left open.
 *
 *     Removal does not stop a service at once: the policy cleans it up (SIGTERM, SIGKILL after
 *     stop_timeout), and the master stops it itself after a reap finds it no longer cleaning
 *     and without children - an explicit check, not a notification. If its identity is
 *     configured again meanwhile, it stays.
 *
 *     Called on the event loop with the supervisor's lock held, with a policy and a loop bound.
 *     As root, a command that someone else could change (TrustCheck: not root's, or writable by
 *     group or others, or under such a directory) is not run: the service is not started.
 * DIAGNOSTICS
 *     "<origin>: service <service>: <why> -- service not started" when a start fails; the other
 *     services are not touched.
 */
final class ServiceLifecycle {
    private final Supervisor supervisor;
    private final List<Step> steps;

    /** A start step; Postfix's master_start_service has four, jmaster's the seven below. */
    private record Step(String name, Action start, Consumer<ServiceEntry> undo) {
    }

    @FunctionalInterface
    private interface Action {
        void run(ServiceEntry entry) throws IOException;
    }

    ServiceLifecycle(Supervisor supervisor) {
        this.supervisor = supervisor;
        steps = List.of(
                new Step("listen sockets", this::openListenSockets, this::releaseListenSockets),
                new Step("status channel", this::openStatusChannel, this::closeStatusChannel),
                new Step("service table", supervisor.table::add, supervisor.table::remove),
                new Step("event loop", entry -> entry.watch(supervisor.binding.loop()), ServiceEntry::unwatch),
                new Step("listen decision", this::availListen, entry -> supervisor.timers.cancelAll(entry.state)),
                new Step("MBean", entry -> supervisor.observer().added(entry),
                        entry -> supervisor.observer().removed(entry)),
                new Step("wakeup", supervisor.wakeups::init, supervisor.wakeups::cancel));
    }

    /** Starts the service of a configuration entry; null (and an error naming it) when it cannot. */
    ServiceEntry start(ServiceEntries.Resolved resolved) {
        MasterSettings settings = supervisor.settings();
        String path = settings.commandPath(resolved.definition().command().get(0));
        ServiceState state = new ServiceState(resolved.name(), resolved.definition(), path);
        configure(state, settings);
        ServiceEntry entry = new ServiceEntry(resolved.origin(), resolved.fromMasterCf(), resolved.identity(), state,
                supervisor);
        String refusal = commandRefusal(path);
        if (refusal != null) {
            notStarted(entry, refusal);
            return null;
        }
        int done = 0;
        try {
            for (Step step : steps) {
                step.start().run(entry);
                done++;
            }
        } catch (IOException | RuntimeException e) {
            undo(entry, done + 1); // the failed step too: what it did before failing is undone (each undo may find nothing)
            notStarted(entry, e.getMessage());
            return null;
        }
        supervisor.context.detail("service " + state + " started: " + state.definition() + " on " + entry.endpoints());
        return entry;
    }

    /**
     * Why a service may not run this command: it must exist and, when the master is root, be
     * root's alone (TrustCheck); null when it may. Checked whenever a command may change: at
     * start and at every update.
     */
    private static String commandRefusal(String path) {
        if (!Files.isExecutable(Path.of(path))) {
            return "command " + path + " does not exist or is not executable";
        }
        List<String> untrusted = TrustCheck.runsAsRoot() ? TrustCheck.problems(Path.of(path)) : List.of();
        return untrusted.isEmpty() ? null : "command " + path + " is not root's alone: " + String.join("; ", untrusted);
    }

    private void notStarted(ServiceEntry entry, String why) {
        supervisor.context.error(entry.origin + ": service " + entry.state + ": " + why + " -- service not started", why);
    }

    /**
     * A changed entry of the same identity: it keeps sockets, children and throttle, and restarts;
     * with a command it may not run, it stays as it was.
     */
    void update(ServiceEntry entry, ServiceEntries.Resolved resolved) {
        MasterSettings settings = supervisor.settings();
        String path = settings.commandPath(resolved.definition().command().get(0));
        String refusal = commandRefusal(path);
        if (refusal != null) {
            supervisor.context.error(resolved.origin() + ": service " + entry.state + ": " + refusal
                    + " -- keeping the service as it was");
            return;
        }
        entry.origin = resolved.origin();
        entry.fromMasterCf = resolved.fromMasterCf();
        entry.removing = false;
        ServiceState state = entry.state;
        int oldLimit = state.processLimit();
        state.setDefinition(resolved.definition(), path);
        configure(state, settings);
        entry.awaitingFirstSpawn = resolved.definition().conditionalWakeup();
        supervisor.observer().processLimitChanged(state, oldLimit, state.processLimit());
        restartAndAnnounce(entry, "service " + state + " restarted: " + resolved.definition());
    }

    /** A restart a reload or an operator asked for: then the listen decision again, logged and announced. */
    void restartAndAnnounce(ServiceEntry entry, String message) {
        restart(entry);
        supervisor.binding.policy().availListen(entry.state, supervisor.context);
        supervisor.context.detail(message);
        supervisor.context.event(entry.state, ServiceEvent.RESTARTED, message);
    }

    private static void configure(ServiceState state, MasterSettings settings) {
        state.setThrottleDelayMillis(settings.serviceThrottleTime().toMillis());
        state.setStopTimeoutMillis(settings.stopTimeout().toMillis());
    }

    /**
     * Postfix's master_restart_service: a new status channel, so the children finish what they
     * do and exit (section 3.8); the wakeup starts again. Nothing while the master hands over.
     */
    void restart(ServiceEntry entry) {
        if (supervisor.handover.isRetiring()) {
            return;
        }
        StatusChannel old = entry.statusChannel;
        try {
            entry.statusChannel = supervisor.binding.loop().openStatusChannel();
        } catch (IOException e) {
            supervisor.context.warning("service " + entry.state + ": cannot restart: " + e.getMessage());
            return;
        }
        Handover.closeQuietly(old);
        if (entry.watch != null) {
            entry.watch.statusChannel(entry.statusChannel);
        }
        if (!entry.removing) {
            supervisor.wakeups.init(entry);
        }
    }

    /** The entry is gone: clean the service up; it stops once its last child is reaped. */
    void startRemoval(ServiceEntry entry) {
        if (!entry.removing) {
            entry.removing = true;
            supervisor.wakeups.cancel(entry);
            supervisor.binding.policy().cleanup(entry.state, supervisor.context);
            reaped(entry);
        }
    }

    /** The policy handled a death of the service's (or started a cleanup): is something over? */
    void reaped(ServiceEntry entry) {
        if (entry == null || entry.state.isCleaning()) {
            return;
        }
        entry.cleanupEnded();
        if (entry.removing && entry.state.totalProcesses() == 0) {
            undo(entry, steps.size());
            supervisor.context.detail("service " + entry.state + " stopped");
        }
    }

    /** An operator's cleanup: done runs, on the loop, when it has ended. */
    void cleanup(ServiceEntry entry, Runnable done) {
        entry.cleanupWaiters.add(done);
        supervisor.binding.policy().cleanup(entry.state, supervisor.context);
        reaped(entry);
    }

    /**
     * The spawner left or was replaced: every child is asked to finish and exit, and its death
     * will not be taken for a bad start-up; the listen sockets are watched only with a spawner.
     */
    void retireChildren() {
        for (ServiceEntry entry : supervisor.table.all()) {
            if (entry.state.totalProcesses() > 0) {
                entry.state.children().forEach(ChildState::setTerminating);
                restart(entry);
            }
        }
        applyListening();
    }

    /** Tells the loop again what the policy decided, as the spawner came or went. */
    void applyListening() {
        for (ServiceEntry entry : supervisor.table.all()) {
            supervisor.context.listen(entry.state, entry.state.isListening());
        }
    }

    /** A child was spawned: a conditional wakeup ("N?") starts now. */
    void spawned(ServiceEntry entry) {
        if (entry.awaitingFirstSpawn) {
            entry.awaitingFirstSpawn = false;
            supervisor.wakeups.init(entry);
        }
    }

    /** Undoes the first {@code done} steps, the last one first. */
    private void undo(ServiceEntry entry, int done) {
        for (int i = done - 1; i >= 0; i--) {
            steps.get(i).undo().accept(entry);
        }
        entry.cleanupEnded();
    }

    private void openListenSockets(ServiceEntry entry) throws IOException {
        ServiceState state = entry.state;
        entry.listenSockets = supervisor.binding.loop().open(state.definition(), supervisor.settings(),
                supervisor.binding.policy().listenBacklog(state.processLimit(), supervisor.settings().defaultProcessLimit()));
        state.setLocalOnly(entry.listenSockets.isLocalOnly());
    }

    private void releaseListenSockets(ServiceEntry entry) {
        supervisor.handover.release(entry.listenSockets);
    }

    private void openStatusChannel(ServiceEntry entry) throws IOException {
        entry.statusChannel = supervisor.binding.loop().openStatusChannel();
    }

    private void closeStatusChannel(ServiceEntry entry) {
        Handover.closeQuietly(entry.statusChannel);
    }


    private void availListen(ServiceEntry entry) {
        supervisor.binding.policy().availListen(entry.state, supervisor.context);
    }
}
