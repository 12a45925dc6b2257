package org.jmaster.master.internal;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanException;
import org.jmaster.api.jmx.ProcessInfo;
import org.jmaster.api.jmx.ServiceMXBean;
import org.jmaster.api.spi.policy.ChildState;
import org.jmaster.api.spi.policy.ServiceState;

/**
 * NAME
 *     ServiceControl - one service's MBean: what operators read and do
 * DESCRIPTION
 *     Attributes are read from the service's state, each a snapshot of one field, from any
 *     thread. Operations run on the event loop (through the inbox) and return when done;
 *     cleanup returns when the cleanup has ended (bounded by stop_timeout and a margin).
 * DIAGNOSTICS
 *     Every failure is an MBeanException whose message is the cause's text, so that remote
 *     clients need no jmaster class.
 */
final class ServiceControl implements ServiceMXBean {
    private static final long OPERATION_MILLIS = 10_000;
    /** An operator's throttle lasts a day at most: a longer one is a mistake, or an attack. */
    static final int MAX_THROTTLE_SECONDS = 86_400;

    private final Supervisor supervisor;
    private final ServiceEntry entry;
    private final ServiceState service;

    ServiceControl(Supervisor supervisor, ServiceEntry entry) {
        this.supervisor = supervisor;
        this.entry = entry;
        this.service = entry.state;
    }

    @Override
    public String getName() {
        return service.name();
    }

    @Override
    public String getType() {
        return service.definition().type().column();
    }

    @Override
    public String[] getEndpoints() {
        return entry.endpoints().toArray(new String[0]);
    }

    @Override
    public String[] getCommand() {
        return service.definition().command().toArray(new String[0]);
    }

    @Override
    public int getProcessLimit() {
        return service.processLimit();
    }

    @Override
    public void setProcessLimit(int limit) throws MBeanException {
        if (limit < 1) {
            throw new MBeanException(null, "ProcessLimit must be 1 or more, not " + limit + ": an unlimited service"
                    + " (maxproc 0) is configured, not resized");
        }
        String refusal = call(() -> {
            // on the loop, so that no reload changes the definition between the check and the change
            int configured = service.definition().processLimit();
            if (configured <= 1 && limit != configured) {
                return "service " + service + " is " + (configured == 0 ? "unlimited (maxproc 0)" : "solitary (maxproc 1)")
                        + ": its children were started with " + (configured == 0 ? "-z" : "-l")
                        + ", so its process limit cannot change at run time; change maxproc and reload";
            }
            int before = service.processLimit();
            service.setProcessLimit(limit);
            supervisor.binding.policy().availListen(service, supervisor.context);
            supervisor.observer().processLimitChanged(service, before, limit);
            return null;
        });
        if (refusal != null) {
            throw new MBeanException(null, refusal);
        }
    }

    @Override
    public int getTotalProcesses() {
        return service.totalProcesses();
    }

    @Override
    public int getAvailableProcesses() {
        return service.availableProcesses();
    }

    @Override
    public boolean isListening() {
        return service.isListening();
    }

    @Override
    public boolean isThrottled() {
        return service.isThrottled();
    }

    @Override
    public long getThrottleRemainingSeconds() {
        if (!service.isThrottled()) {
            return 0;
        }
        return Math.max(0, (service.throttleExpireTime() - supervisor.context.now() + 999) / 1000);
    }

    @Override
    public boolean isStressMode() {
        return service.stressExpireTime() > supervisor.context.now();
    }

    @Override
    public long getProcessesSpawned() {
        return service.processesSpawned();
    }

    @Override
    public long getRequestsCompleted() {
        return service.requestsCompleted();
    }

    @Override
    public long getBadStartups() {
        return service.badStartups();
    }

    @Override
    public long getThrottleCount() {
        return service.throttleCount();
    }

    @Override
    public long getLimitReachedCount() {
        return service.limitReachedCount();
    }

    @Override
    public List<ProcessInfo> getProcesses() {
        List<ProcessInfo> rows = new ArrayList<>();
        for (ChildState child : service.children()) {
            rows.add(new Row(child.pid(), child.generation(), child.state().name(), child.useCount(),
                    Date.from(child.startTime())));
        }
        rows.sort((a, b) -> Long.compare(a.getGeneration(), b.getGeneration()));
        return rows;
    }

    @Override
    public void throttle() throws MBeanException {
        call(() -> {
            supervisor.binding.policy().throttleFor(service, service.throttleDelayMillis(), supervisor.context);
            return null;
        });
    }

    @Override
    public void throttle(int seconds) throws MBeanException {
        if (seconds < 1 || seconds > MAX_THROTTLE_SECONDS) {
            throw new MBeanException(null, "seconds must be from 1 to " + MAX_THROTTLE_SECONDS + " (a day), not "
                    + seconds);
        }
        call(() -> {
            supervisor.binding.policy().throttleFor(service, seconds * 1000L, supervisor.context);
            return null;
        });
    }

    @Override
    public void unthrottle() throws MBeanException {
        call(() -> {
            supervisor.binding.policy().unthrottle(service, supervisor.context);
            return null;
        });
    }

    @Override
    public void restart() throws MBeanException {
        call(() -> {
            supervisor.lifecycle.restartAndAnnounce(entry, "service " + service + " restarted by an operator");
            return null;
        });
    }

    @Override
    public void cleanup() throws MBeanException {
        CountDownLatch done = new CountDownLatch(1);
        call(() -> {
            supervisor.lifecycle.cleanup(entry, done::countDown);
            return null;
        });
        try {
            long millis = service.stopTimeoutMillis() + 5000;
            if (!done.await(millis, TimeUnit.MILLISECONDS)) {
                throw new MBeanException(null, "cleanup of " + service + " did not finish within " + millis + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MBeanException(null, "interrupted while waiting for the cleanup of " + service);
        }
    }

    private <T> T call(Callable<T> task) throws MBeanException {
        try {
            return supervisor.inbox.call(() -> {
                if (!supervisor.table.isCurrent(service)) {
                    throw new IllegalStateException("service " + service + " is no longer configured");
                }
                return task.call();
            }, OPERATION_MILLIS);
        } catch (ExecutionException e) {
            throw new MBeanException(null, e.getCause().toString());
        } catch (Exception e) {
            throw new MBeanException(null, e.toString());
        }
    }

    /** A row of the Processes attribute. */
    static final class Row implements ProcessInfo {
        private final int pid;
        private final long generation;
        private final String state;
        private final int useCount;
        private final Date startTime;

        Row(int pid, long generation, String state, int useCount, Date startTime) {
            this.pid = pid;
            this.generation = generation;
            this.state = state;
            this.useCount = useCount;
            this.startTime = startTime;
        }

        @Override
        public int getPid() {
            return pid;
        }

        @Override
        public long getGeneration() {
            return generation;
        }

        @Override
        public String getState() {
            return state;
        }

        @Override
        public int getUseCount() {
            return useCount;
        }

        @Override
        public Date getStartTime() {
            return new Date(startTime.getTime());
        }
    }
}
