package org.jmaster.bench.jmh;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.ServiceEvent;
import org.jmaster.api.SpawnException;
import org.jmaster.api.StressArgument;
import org.jmaster.api.postfix.StatusRecord;
import org.jmaster.api.spi.policy.ChildState;
import org.jmaster.api.spi.policy.PolicyContext;
import org.jmaster.api.spi.policy.ServiceState;
import org.jmaster.api.spi.policy.TimerKind;
import org.jmaster.policy.internal.PostfixPolicy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The policy's handling of TAKEN and AVAIL records, as the master calls it for every request: a
 * service with 16 children, one of which takes a client and becomes available again (which also
 * switches listening on and off when it was the last idle one).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PolicyBenchmark {
    private final PostfixPolicy policy = new PostfixPolicy();
    private ServiceState service;
    private final StatusRecord[] taken = new StatusRecord[16];
    private final StatusRecord[] avail = new StatusRecord[16];
    private int next;
    private long listenChanges;

    private final PolicyContext context = new PolicyContext() {
        private int pid = 1000;

        @Override
        public long now() {
            return 1_000_000_000_000L;
        }

        @Override
        public void listen(ServiceState s, boolean enabled) {
            listenChanges++;
        }

        @Override
        public ChildState spawn(ServiceState s, StressArgument stress) throws SpawnException {
            return new ChildState(++pid, pid, Instant.EPOCH);
        }

        @Override
        public void signal(ChildState child, int signal) {
        }

        @Override
        public void restart(ServiceState s) {
        }

        @Override
        public void schedule(ServiceState s, TimerKind kind, long delayMillis) {
        }

        @Override
        public void cancel(ServiceState s, TimerKind kind) {
        }

        @Override
        public ServiceState ownerOf(int pid) {
            return null;
        }

        @Override
        public void warning(String message) {
        }

        @Override
        public void info(String message) {
        }

        @Override
        public void event(ServiceState s, ServiceEvent event, String message) {
        }
    };

    @Setup
    public void start() {
        ServiceDefinition definition = ServiceDefinition.parse("127.0.0.1:25 inet n - n - 16 smtpd", 100);
        service = new ServiceState("[127.0.0.1]:25", definition, "/usr/lib/postfix/sbin/smtpd");
        service.setLocalOnly(true);
        policy.availListen(service, context);
        for (int i = 0; i < 16; i++) {
            policy.listenReady(service, context);
            ChildState child = service.children().stream().filter(ChildState::isAvailable).findFirst().get();
            taken[i] = StatusRecord.taken(child.pid(), child.generation());
            avail[i] = StatusRecord.avail(child.pid(), child.generation());
            policy.statusUpdate(service, taken[i], context);
        }
        for (int i = 0; i < 16; i++) {
            policy.statusUpdate(service, avail[i], context);
        }
    }

    /** One request of one child: its TAKEN record, then its AVAIL record. */
    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(2)
    public int takenThenAvail() {
        int i = next++ & 15;
        policy.statusUpdate(service, taken[i], context);
        policy.statusUpdate(service, avail[i], context);
        return service.availableProcesses();
    }
}
